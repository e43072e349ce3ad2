/** @hardwire/tiles: tiles (pieces of a layer's matrix) as RTL in several micro-architectures, their golden model, and their stages. */
export * from './planTile.ts';
export * from './buildTile.ts';
export * from './checkTile.ts';
export * from './vars.ts';
export * from './arch/streams.ts';
export * from './arch/shareStreams.ts';
export { emitSum, type SumStats, type TreeBit } from './rtl/adderTree.ts';
export { ModuleWriter, GENERIC_CELLS_VERILOG } from './rtl/ModuleWriter.ts';
export { tileGenerateStage, shortTensorName } from './stages/generateStage.ts';
export { gateSimCheckStage } from './stages/checkStage.ts';
export { tileGenVars, writeTileFolders, type TileGenConfig } from './stages/generateStage.ts';
export { archSweepStage } from './stages/archStage.ts';
export * from './archSweep.ts';
export * from './units/tables.ts';
export * from './units/units.ts';
export * from './units/checkUnit.ts';
export { unitsSynthesizeStage, type SynthesizedUnit } from './stages/unitsStage.ts';
export * from './power/activityPower.ts';
