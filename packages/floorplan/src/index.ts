/** @hardwire/floorplan: reticle fields on wafers, tiles packed into them with ELK, and the checks. */
export * from './reticleGrid.ts';
export * from './floorTiles.ts';
export * from './packField.ts';
export * from './fillField.ts';
export * from './checkFloorplan.ts';
export { waferStage } from './stages/waferStage.ts';
export { floorplanCheckStage } from './stages/checkStage.ts';
export * from './bookshelf.ts';
export * from './sequencePair.ts';
