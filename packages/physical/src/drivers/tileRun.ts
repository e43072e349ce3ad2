/**
 * What one tile's physical run shares between its steps (edge): the stage's exec and log, the kit, the
 * technology profile, the tile, its folders and the metrics and step times collected so far.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageContext } from '@hardwire/core';
import type { CellSpec, StdCellKit, YosysBackend } from '@hardwire/eda';
import type { TechProfile } from '../tech/sky130hd.ts';

export interface PhysicalOptions {
  readonly density: number;
  readonly maxFanout: number;
  readonly tapSpacingUm: number;
  readonly strapPitchUm: number;
  readonly clockNs: number;
  readonly seed: number;
  readonly imagePx: number;
  readonly drcStyle: string;
  readonly routeTimeoutS: number;
  /** Routing layers from the bottom up (4 in sky130: li1, met1, met2, met3). */
  readonly routeLayers: number;
  /** Run qrouter's stage-3 rip-up rounds (about twice the route time). */
  readonly routeCleanup: boolean;
  /** Re-routes with the sites of cross-net via spacing conflicts blocked (0: route once). */
  readonly routeRepairRounds: number;
  /** Repair rounds in a row that may fail to beat the best round before the rounds stop. */
  readonly routePatience: number;
  /** Re-routes with the vias at magic's DRC error boxes blocked, while errors remain (0: none). */
  readonly drcReroutes: number;
  /** Where the layout still fails after those: re-routes with the cells at the failures moved (slid or mirrored), kept when better (0: none). */
  readonly placementEcos: number;
  /** Let graywolf run its own global router (feedthroughs, channel routes: ~97% of its time, all thrown away). */
  readonly placeGlobalRoute: boolean;
  /** Told each step as it starts (place, route round n of m, GDS, DRC, LVS, STA), for progress lines. */
  readonly onStep?: (step: string) => void;
}

export interface PhysicalTile {
  readonly id: string;
  readonly top: string;
  /** Synthesized netlist (yosys JSON) and RTL of the tile. */
  readonly netlistJson: string;
  readonly rtl: string;
}

export type PhysicalCtx = Pick<StageContext<unknown>, 'exec' | 'log'>;

/** What a tile's run is given: the kit, the technology profile, the cells, the synthesized tile, scratch and deliverable folders, options. */
export interface TileRunInputs {
  readonly kit: StdCellKit;
  readonly tech: TechProfile;
  readonly cells: ReadonlyMap<string, CellSpec>;
  readonly libertyPath: string;
  readonly yosys: YosysBackend;
  readonly tile: PhysicalTile;
  readonly work: string;
  readonly outDir: string;
  readonly options: PhysicalOptions;
}

/** One tile's run: its inputs, the folders and files derived from them, and what the steps collect. */
export interface TileRun extends Omit<TileRunInputs, 'options'> {
  readonly ctx: PhysicalCtx;
  readonly o: PhysicalOptions;
  /** The cell LEF placement and routing read (the kit's routing variant where it has one). */
  readonly cellLef: string;
  /** KLayout technology and layer properties, magic technology file. */
  readonly lyt: string;
  readonly lyp: string;
  readonly magicTech: string;
  /** The qflow project and its layout folder (under `work`). */
  readonly project: string;
  readonly layoutDir: string;
  readonly metrics: Record<string, number>;
  readonly stepSeconds: Record<string, number>;
  /** Run one step, its wall time recorded under `step` (and announced, except `route`, which announces its rounds). */
  timed<T>(step: string, fn: () => Promise<T>): Promise<T>;
}

export function tileRun(ctx: PhysicalCtx, i: TileRunInputs): TileRun {
  const need = (path: string | undefined, what: string): string => {
    if (!path || !existsSync(path)) throw new Error(`the kit at ${i.kit.root} has no ${what}`);
    return path;
  };
  mkdirSync(i.work, { recursive: true });
  mkdirSync(i.outDir, { recursive: true });
  const stepSeconds: Record<string, number> = {};
  const project = join(i.work, 'qflow');
  return {
    ctx,
    kit: i.kit,
    tech: i.tech,
    cells: i.cells,
    libertyPath: i.libertyPath,
    yosys: i.yosys,
    tile: i.tile,
    o: i.options,
    cellLef: i.kit.cellLefRouting ?? i.kit.cellLef,
    lyt: need(i.kit.klayoutTech, i.tech.kitFiles.klayoutTech),
    lyp: need(i.kit.klayoutProps, i.tech.kitFiles.klayoutProps),
    magicTech: need(i.kit.magicTech, i.tech.kitFiles.magicTech),
    work: i.work,
    outDir: i.outDir,
    project,
    layoutDir: join(project, 'layout'),
    metrics: {},
    stepSeconds,
    async timed(step, fn) {
      if (step !== 'route') i.options.onStep?.(`${i.tile.id}: ${step}`);
      const t0 = performance.now();
      const value = await fn();
      stepSeconds[step] = Number(((performance.now() - t0) / 1000).toFixed(2));
      return value;
    },
  };
}

/** Give a finished file its final name (nothing half-written is left looking complete). */
export async function renameInto(from: string, to: string): Promise<void> {
  await rename(from, to);
}
