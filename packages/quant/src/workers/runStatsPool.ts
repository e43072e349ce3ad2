/** Runs statistics tasks on worker threads (edge). Results come back by task id, so order is stable. */
import { availableParallelism } from 'node:os';
import { createTsWorker, StageError, UserError } from '@hardwire/core';
import type { StatsSpec, TensorStatsResult } from '../tensorStats.ts';
import type { StatsTask, WorkerMessage } from './protocol.ts';

/** Worker count for `jobs` (0 = all cores). */
export function workerCount(jobs: number): number {
  return jobs > 0 ? jobs : Math.max(1, availableParallelism());
}

/**
 * Run every task on `jobs` workers (largest first for balance). `onProgress` gets coefficient counts.
 * Returns results indexed by task id.
 */
export async function runStatsPool(tasks: readonly StatsTask[], spec: StatsSpec, jobs: number, onProgress?: (coefficients: number) => void): Promise<Map<number, TensorStatsResult>> {
  const size = (t: StatsTask) => t.shape.reduce((a, b) => a * b, 1);
  const queue = [...tasks].sort((a, b) => size(b) - size(a) || a.id - b.id);
  const results = new Map<number, TensorStatsResult>();
  const count = Math.min(workerCount(jobs), Math.max(1, queue.length));
  const entry = new URL('./statsWorker.ts', import.meta.url);
  await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = createTsWorker(entry, { spec });
        const next = () => worker.postMessage(queue.shift() ?? null);
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'progress') onProgress?.(message.coefficients);
          else if (message.type === 'result') {
            results.set(message.id, message.result);
            next();
          } else {
            void worker.terminate();
            reject(message.user ? new UserError(message.message) : new StageError('Quant.Stats', `tensor task ${message.id}: ${message.message}`));
          }
        });
        worker.on('error', (error) => reject(error));
        worker.on('exit', () => resolve());
        next();
      }),
    ),
  );
  return results;
}
