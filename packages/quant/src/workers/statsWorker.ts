/** Worker: computes block statistics for tensors sent by the pool (edge: reads files). */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '@hardwire/core';
import { WeightReader, fillSynthetic, matrixDims, quantileTable, tensorStreamKey } from '@hardwire/models';
import { loadQuantKernels } from '../io/wasmKernels.ts';
import { computeTensorStats, statsTables, type StatsSpec } from '../tensorStats.ts';
import type { SyntheticStream } from '../wasmK4.ts';
import type { StatsTask, WorkerMessage } from './protocol.ts';

const { spec } = (workerData as { data: { spec: StatsSpec } }).data;
const tables = statsTables(spec);
const reader = new WeightReader();
const kernels = loadQuantKernels();
const port = parentPort!;

port.on('message', (task: StatsTask | null) => {
  if (task === null) {
    reader.close();
    port.close();
    return;
  }
  try {
    const { rows, cols } = matrixDims(task.shape);
    let readRows: (rowStart: number, rowCount: number, out: Float32Array) => void;
    let synthetic: SyntheticStream | undefined;
    if (task.source.kind === 'file') {
      const stored = task.source.tensor;
      readRows = (rowStart, rowCount, out) => reader.readRows(stored, rowStart, rowCount, out);
    } else {
      const { seed, tails, std, name } = task.source;
      const key = tensorStreamKey(seed, name);
      const table = quantileTable(tails);
      readRows = (rowStart, rowCount, out) => fillSynthetic(out.subarray(0, rowCount * cols), rowStart * cols, std, key, table);
      synthetic = { std, key, table };
    }
    let pending = 0;
    const result = computeTensorStats(rows, cols, readRows, spec, tables, {
      chunkRows: task.chunkRows,
      kernels,
      synthetic,
      onRows: (n) => {
        pending += n;
        if (pending >= 1 << 24) {
          port.postMessage({ type: 'progress', coefficients: pending } satisfies WorkerMessage);
          pending = 0;
        }
      },
    });
    if (pending > 0) port.postMessage({ type: 'progress', coefficients: pending } satisfies WorkerMessage);
    port.postMessage({ type: 'result', id: task.id, result } satisfies WorkerMessage, [result.histogram.buffer as ArrayBuffer]);
  } catch (error) {
    const user = error instanceof UserError;
    port.postMessage({ type: 'error', id: task.id, user, message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
  }
});
