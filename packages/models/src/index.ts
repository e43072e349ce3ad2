/** @hardwire/models: the model catalog, tensor inventory and weight readers. */
export * from './types.ts';
export * from './catalog.ts';
export * from './modelTensors.ts';
export * from './inventory.ts';
export * from './llama2cHeader.ts';
export { modelVar, parseModelName } from './modelVar.ts';
export { inventoryStage } from './stage.ts';
