/** Quality tasks on worker threads (edge); results by task id, so the tables do not depend on the worker count. */
import { createTsWorker, StageError } from '@hardwire/core';
import type { FormatOutcome, QualityTask, SensitivityOutcome } from '../plan.ts';
import type { QualityWorkerData, QualityWorkerMessage } from '../workers/protocol.ts';

export async function runQualityPool(tasks: readonly QualityTask[], data: QualityWorkerData, jobs: number, onTokens: (n: number) => void): Promise<Map<number, { format?: FormatOutcome; sensitivity?: SensitivityOutcome }>> {
  const queue = [...tasks];
  const results = new Map<number, { format?: FormatOutcome; sensitivity?: SensitivityOutcome }>();
  const entry = new URL('../workers/qualityWorker.ts', import.meta.url);
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(jobs, queue.length)) }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = createTsWorker(entry, data);
        const next = () => worker.postMessage(queue.shift() ?? null);
        worker.on('message', (m: QualityWorkerMessage) => {
          if (m.type === 'progress') onTokens(m.tokens);
          else if (m.type === 'result') {
            results.set(m.id, { format: m.format, sensitivity: m.sensitivity });
            next();
          } else {
            void worker.terminate();
            reject(new StageError('Quality.Measure', `task ${m.id}: ${m.message}`));
          }
        });
        worker.on('error', reject);
        worker.on('exit', () => resolve());
        next();
      }),
    ),
  );
  return results;
}
