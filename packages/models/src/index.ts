/** @hardwire/models: the model catalog, tensor inventory and weight readers. */
export * from './types.ts';
export * from './catalog.ts';
export * from './modelTensors.ts';
export * from './inventory.ts';
export * from './llama2cHeader.ts';
export { modelVar, parseModelName } from './modelVar.ts';
export { inventoryStage } from './stage.ts';
export * from './synthetic.ts';
export * from './weights/types.ts';
export * from './weights/decode.ts';
export * from './weights/safetensors.ts';
export * from './weights/gguf.ts';
export * from './weights/llama2c.ts';
export * from './weights/tfjs.ts';
export * from './weights/nameMaps.ts';
export { openWeights, indexWeights, readAt } from './io/openWeights.ts';
export { WeightReader, matrixDims } from './io/WeightReader.ts';
