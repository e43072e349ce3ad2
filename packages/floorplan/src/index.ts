/** @hardwire/floorplan: reticle fields on wafers (more to come: tile placement with ELK, checks). */
export * from './reticleGrid.ts';
