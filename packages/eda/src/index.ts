/** @hardwire/eda: drivers for real EDA tools and the kit files they read. */
export * from './liberty/parseLiberty.ts';
export * from './liberty/cellLibrary.ts';
export * from './liberty/markDontUse.ts';
export * from './cdl/transistorCounts.ts';
export * from './yosys/synthScript.ts';
export { findKit, kitAvailable, readMarkedLiberty, type StdCellKit } from './io/findKit.ts';
export { chooseYosys, nativeYosysVersion, runYosysScript, type YosysBackend, type YosysChoice } from './drivers/runYosys.ts';
export * from './icarus/tileTestbench.ts';
export { hasIcarus, runIcarus } from './drivers/icarus.ts';
export { synthesisStage } from './stages/synthesisStage.ts';
