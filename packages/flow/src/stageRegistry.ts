/**
 * Every stage Hardwire knows, by id, loaded on demand: a flow imports only the packages its own stages need,
 * so listing a model's tensors does not load yosys drivers, sharp or ELK. Flow files pick from these ids.
 */
import type { AnyStage } from '@hardwire/core';

const LOADERS: Readonly<Record<string, () => Promise<unknown>>> = {
  'Model.Inventory': async () => (await import('@hardwire/models')).inventoryStage,
  'Quant.Stats': async () => (await import('@hardwire/quant')).statsStage,
  'BlockLib.Synthesize': async () => (await import('@hardwire/blocks')).blockLibStage,
  'BlockLib.Placement': async () => (await import('@hardwire/blocks')).placementStage,
  'PermNet.Route': async () => (await import('@hardwire/permute')).permuteStage,
  'Tile.Generate': async () => (await import('@hardwire/tiles')).tileGenerateStage,
  'Yosys.Synthesis': async () => (await import('@hardwire/eda')).synthesisStage,
  'GateSim.Check': async () => (await import('@hardwire/tiles')).gateSimCheckStage,
  'Units.Synthesize': async () => (await import('@hardwire/tiles')).unitsSynthesizeStage,
  'Arch.Sweep': async () => (await import('@hardwire/tiles')).archSweepStage,
  'Physical.Tiles': async () => (await import('@hardwire/physical')).physicalStage,
  'Floorplan.Wafer': async () => (await import('@hardwire/floorplan')).waferStage,
  'Check.Floorplan': async () => (await import('@hardwire/floorplan')).floorplanCheckStage,
  'Render.WaferMap': async () => (await import('@hardwire/render')).waferMapStage,
  'Assembly.Field': async () => (await import('@hardwire/assembly')).assembleStage,
  'Capacity.Calibrate': async () => (await import('@hardwire/capacity')).calibrateStage,
  'Capacity.Estimate': async () => (await import('@hardwire/capacity')).estimateStage,
  'Capacity.Study': async () => (await import('@hardwire/capacity')).studyStage,
  'Quality.Measure': async () => (await import('@hardwire/quality')).qualityStage,
  'Render.Report': async () => (await import('@hardwire/render')).reportStage,
  'Check.Rules': async () => (await import('@hardwire/core')).checkRulesStage,
};

/** Every stage id, in registry order. */
export const STAGE_IDS: readonly string[] = Object.keys(LOADERS);

const loaded = new Map<string, AnyStage>();

/** Load these stages (default: every one); returns every stage loaded so far, by id. Unknown ids are left out. */
export async function loadStages(ids: readonly string[] = STAGE_IDS): Promise<ReadonlyMap<string, AnyStage>> {
  for (const id of ids) {
    if (loaded.has(id) || !LOADERS[id]) continue;
    const stage = (await LOADERS[id]()) as AnyStage;
    if (stage.id !== id) throw new Error(`stage registry: ${id} loads stage ${stage.id}`);
    loaded.set(id, stage);
  }
  return loaded;
}

/** A stage already loaded (by `loadStages` or `loadFlow`). */
export function loadedStage(id: string): AnyStage {
  const stage = loaded.get(id);
  if (!stage) throw new Error(`stage ${id} is not loaded`);
  return stage;
}
