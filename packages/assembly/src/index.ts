/** @hardwire/assembly: the floorplan as layout: tile abstracts, field DEF/GDS, OpenROAD macro placement, wafer GDS. */
export * from './abstracts.ts';
export * from './scripts.ts';
export { assembleStage } from './stages/assembleStage.ts';
