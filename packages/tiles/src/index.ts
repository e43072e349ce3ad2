/** @hardwire/tiles: tiles (pieces of a layer's matrix) as RTL, their golden model, and their stages. */
export * from './planTile.ts';
export * from './tileVerilog.ts';
export * from './checkTile.ts';
export * from './vars.ts';
export { tileGenerateStage, shortTensorName } from './stages/generateStage.ts';
export { gateSimCheckStage } from './stages/checkStage.ts';
export { physicalStage } from './stages/physicalStage.ts';
export { tileGenVars, writeTileFolders, type TileGenConfig } from './stages/generateStage.ts';
