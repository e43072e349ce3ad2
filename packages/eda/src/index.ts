/** @hardwire/eda: drivers for real EDA tools and the kit files they read. */
export * from './liberty/parseLiberty.ts';
export * from './liberty/cellLibrary.ts';
export * from './liberty/markDontUse.ts';
export * from './cdl/transistorCounts.ts';
export * from './yosys/synthScript.ts';
export { PHYSICAL_DONT_USE, findKit, kitAvailable, readMarkedLiberty, writeTileLiberty, type StdCellKit } from './io/findKit.ts';
export { chooseYosys, nativeYosysVersion, runYosysScript, type YosysBackend, type YosysChoice } from './drivers/runYosys.ts';
export * from './icarus/tileTestbench.ts';
export { hasIcarus, runIcarus } from './drivers/icarus.ts';
export { synthesisStage } from './stages/synthesisStage.ts';
export { implementTile, missingPhysicalTools, physicalToolVersions, PHYSICAL_TOOLS, type PhysicalOptions, type PhysicalResult, type PhysicalTile } from './drivers/physical.ts';
export * from './physical/def.ts';
export * from './physical/bufferFanout.ts';
export * from './physical/lvsSchematic.ts';
export * from './physical/qflowTech.ts';
export * from './physical/reports.ts';
export * from './physical/scripts.ts';
