/** @hardwire/quality: what hardwiring does to a real model: the float and the hardwired forward passes and their comparison. */
export * from './llama.ts';
export * from './fixed.ts';
export * from './hardwired.ts';
export * from './evaluate.ts';
export { loadLlamaWeights } from './io/loadWeights.ts';
export { qualityStage } from './stage.ts';
export * from './plan.ts';
