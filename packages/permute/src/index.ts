/** @hardwire/permute: Beneš and Waksman networks, the looping algorithm, cost, Verilog. */
export * from './network.ts';
export * from './route.ts';
export * from './cost.ts';
export * from './verilog.ts';
export * from './randomPermutation.ts';
export { permuteStage, checkEmittedVerilog } from './stage.ts';
