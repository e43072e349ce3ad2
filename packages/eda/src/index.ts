/** @hardwire/eda: drivers for real EDA tools and the kit files they read. */
export * from './liberty/parseLiberty.ts';
export * from './liberty/cellLibrary.ts';
export * from './liberty/markDontUse.ts';
export * from './cdl/transistorCounts.ts';
export * from './yosys/synthScript.ts';
export { PHYSICAL_DONT_USE, REPO_KIT, findKit, kitAvailable, pdkRootVar, readMarkedLiberty, writeTileLiberty, type StdCellKit } from './io/findKit.ts';
export { chooseYosys, nativeYosysVersion, runYosysScript, type YosysBackend, type YosysChoice } from './drivers/runYosys.ts';
export { hasSta, synthesizeTile, type SynthesizedTile, type TileSynthesisOptions } from './drivers/synthesizeTile.ts';
export { measureSwitchingPower, parseStaPowerTotalW, staPowerScript, type StaPowerOptions } from './drivers/staPower.ts';
export * from './icarus/tileTestbench.ts';
export { hasIcarus, runIcarus, splitNetsForIcarus } from './drivers/icarus.ts';
export { synthesisStage } from './stages/synthesisStage.ts';
export { PHYSICAL_TOOLS, missingPhysicalTools, physicalToolVersions } from './drivers/physicalTools.ts';
export * from './netlist/bufferFanout.ts';
export * from './physical/lvsSchematic.ts';
export * from './physical/qflowTech.ts';
export * from './physical/reports.ts';
export * from './physical/scripts.ts';
