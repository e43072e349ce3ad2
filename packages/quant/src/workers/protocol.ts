/** Messages between the statistics pool and its workers (types only). */
import type { StoredTensor, TailModel } from '@hardwire/models';
import type { TensorStatsResult } from '../tensorStats.ts';

export type TensorSource =
  | { kind: 'file'; tensor: StoredTensor }
  | { kind: 'synthetic'; name: string; seed: number; tails: TailModel; std: number };

export interface StatsTask {
  id: number;
  shape: readonly number[];
  source: TensorSource;
  chunkRows?: number;
}

export type WorkerMessage =
  | { type: 'progress'; coefficients: number }
  | { type: 'result'; id: number; result: TensorStatsResult }
  | { type: 'error'; id: number; message: string; user: boolean };
