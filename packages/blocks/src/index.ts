/** @hardwire/blocks: the block library (kinds, Verilog, synthesis, proofs) and its placement cost. */
export * from './kinds.ts';
export * from './csd.ts';
export * from './blockVerilog.ts';
export * from './verifyBlock.ts';
export * from './vars.ts';
export { blockLibStage, type LibraryKind } from './stages/libraryStage.ts';
export * from './placement.ts';
export { placementStage } from './stages/placementStage.ts';
