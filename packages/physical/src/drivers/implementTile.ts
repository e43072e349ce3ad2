/**
 * Physical flow for one tile (edge), as a list of step drivers reading one technology profile: netlist
 * (fanout buffering, yosys) → place (qflow/graywolf) → refill (flops destacked, taps, fill, power straps) →
 * route (qrouter, repair rounds, the repair passes) → GDS and pictures (KLayout) → checks (magic DRC, magic
 * extraction + netgen LVS, OpenSTA, at once). Every tool runs through `ctx.exec` (argv arrays; the exact
 * command lands in COMMANDS and its output in the log).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checksStep } from './checks.ts';
import { gdsStep } from './gds.ts';
import { netlistStep } from './netlist.ts';
import { placeStep } from './place.ts';
import { refillStep } from './refill.ts';
import { routeStep } from './route.ts';
import { type PhysicalCtx, type PhysicalOptions, type PhysicalTile, tileRun, type TileRunInputs } from './tileRun.ts';
import { netRouting } from '../model/def.ts';

export type { PhysicalCtx, PhysicalOptions, PhysicalTile, TileRunInputs } from './tileRun.ts';

/** Wall time per step (s) and flat metrics, keyed without the tile qualifier. */
export interface PhysicalResult {
  readonly metrics: Record<string, number>;
  readonly stepSeconds: Record<string, number>;
  readonly outputs: { def: string; gds: string; png: string; reports: string[] };
}

/** Run the whole flow for one tile in `work`; the deliverables are copied to `outDir`. */
export async function implementTile(ctx: PhysicalCtx, inputs: TileRunInputs): Promise<PhysicalResult> {
  const startedMs = performance.now();
  const r = tileRun(ctx, inputs);
  const { placedModule, cellAreaUm2 } = await r.timed('netlist', () => netlistStep(r));
  await r.timed('place', () => placeStep(r));
  const def = refillStep(r, cellAreaUm2);
  const routedDef = await r.timed('route', () => routeStep(r, def));
  const routing = netRouting(readFileSync(routedDef, 'utf8'));
  r.metrics['route__net__count'] = routing.nets;
  r.metrics['route__net__unrouted__count'] = routing.unrouted.length;
  writeFileSync(join(r.outDir, 'unrouted.txt'), routing.unrouted.join('\n') + (routing.unrouted.length ? '\n' : ''));
  const { gds, png } = await r.timed('gds', () => gdsStep(r, routedDef));
  const reports = await checksStep(r, placedModule, gds);
  copyFileSync(routedDef, join(r.outDir, 'tile.def'));
  copyFileSync(join(r.work, 'placed.v'), join(r.outDir, 'placed.v'));
  // The whole tile, end to end (the checks overlap, so this is less than the sum of the steps).
  r.stepSeconds['total'] = Number(((performance.now() - startedMs) / 1000).toFixed(2));
  for (const [step, s] of Object.entries(r.stepSeconds)) r.metrics[`physical__step__wall_s__step:${step}`] = s;
  return { metrics: r.metrics, stepSeconds: r.stepSeconds, outputs: { def: join(r.outDir, 'tile.def'), gds, png, reports } };
}
