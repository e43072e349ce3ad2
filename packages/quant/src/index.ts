/** @hardwire/quant: formats, quantization kernels, block kinds and their statistics. */
export * from './formats.ts';
export * from './multisetRank.ts';
export * from './quantizeRows.ts';
export * from './BlockStatsAccumulator.ts';
export * from './tensorStats.ts';
export * from './wasmK4.ts';
export * from './statsReport.ts';
export * from './vars.ts';
export { statsStage, weightsFingerprint } from './stage.ts';
export { runStatsPool, workerCount } from './workers/runStatsPool.ts';
export type { StatsTask, TensorSource } from './workers/protocol.ts';
