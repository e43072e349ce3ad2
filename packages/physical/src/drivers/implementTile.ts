/**
 * Physical flow for one tile (edge), as a list of step drivers reading one technology profile: netlist
 * (fanout buffering, yosys) → place (qflow/graywolf) → refill (flops destacked, taps, fill, power straps) →
 * route (qrouter, repair rounds, the repair passes) → GDS and pictures (KLayout) → checks (magic DRC, magic
 * extraction + netgen LVS, OpenSTA, at once). Every tool runs through `ctx.exec` (argv arrays; the exact
 * command lands in COMMANDS and its output in the log).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DrcReport, YosysJsonModule } from '@hardwire/eda';
import { checksStep, drcCheck, lvsCheck } from './checks.ts';
import { gdsStep } from './gds.ts';
import { netlistStep } from './netlist.ts';
import { placeStep } from './place.ts';
import { refillStep } from './refill.ts';
import { newRouteSession, routeStep, type RouteSession } from './route.ts';
import { type PhysicalCtx, type PhysicalOptions, type PhysicalTile, tileRun, type TileRun, type TileRunInputs } from './tileRun.ts';
import { drcSiteBlocks } from '../drcBlocks.ts';
import { netRouting, type DefSummary } from '../model/def.ts';
import { lefRoutingLayers, lefVias } from '../model/lef.ts';
import { routedVias } from '../passes/viaRepair.ts';

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
  const session = newRouteSession();
  const routedDef = await r.timed('route', () => routeStep(r, def, session));
  const countRouting = () => {
    const routing = netRouting(readFileSync(routedDef, 'utf8'));
    r.metrics['route__net__count'] = routing.nets;
    r.metrics['route__net__unrouted__count'] = routing.unrouted.length;
    writeFileSync(join(r.outDir, 'unrouted.txt'), routing.unrouted.join('\n') + (routing.unrouted.length ? '\n' : ''));
  };
  countRouting();
  let { gds, png } = await r.timed('gds', () => gdsStep(r, routedDef));
  const { reports, drc } = await checksStep(r, placedModule, gds);
  if (drc.total > 0 && r.o.drcReroutes > 0) ({ gds, png } = await r.timed('drc_reroute', () => drcReroutes(r, def, session, routedDef, drc, countRouting, placedModule, gds, png)));
  copyFileSync(routedDef, join(r.outDir, 'tile.def'));
  copyFileSync(join(r.work, 'placed.v'), join(r.outDir, 'placed.v'));
  // The whole tile, end to end (the checks overlap, so this is less than the sum of the steps).
  r.stepSeconds['total'] = Number(((performance.now() - startedMs) / 1000).toFixed(2));
  for (const [step, s] of Object.entries(r.stepSeconds)) r.metrics[`physical__step__wall_s__step:${step}`] = s;
  return { metrics: r.metrics, stepSeconds: r.stepSeconds, outputs: { def: join(r.outDir, 'tile.def'), gds, png, reports } };
}

/**
 * Where magic still finds DRC errors, re-route with the vias at the error boxes blocked (`drcSiteBlocks`), up
 * to `--drc-reroutes` times: each re-route is a new routing session with every block so far, patched, turned
 * into GDS and checked again; it is kept when it is better (fewer unrouted nets, then fewer shorts, then fewer
 * DRC error tiles), else the kept layout is restored. LVS runs again on the layout kept, if it changed.
 */
async function drcReroutes(r: TileRun, def: DefSummary, session: RouteSession, routedDef: string, first: DrcReport, countRouting: () => void, placedModule: YosysJsonModule, gds: string, png: string): Promise<{ gds: string; png: string }> {
  const { metrics, layoutDir, outDir } = r;
  const techLef = readFileSync(join(layoutDir, 'route.tlef'), 'utf8');
  const vias = lefVias(techLef, r.tech.metals);
  const spacings = new Map([...lefRoutingLayers(techLef)].map(([name, l]) => [name, l.spacingUm]));
  const score = (m: Record<string, number>) => [m['route__net__unrouted__count'], m['physical__route__shorts__count'], m['drc__error__count']];
  let kept = { drc: first, metrics: { ...metrics } };
  let changed = false;
  let tried = 0;
  for (let attempt = 1; attempt <= r.o.drcReroutes && kept.drc.total > 0; attempt++) {
    const text = readFileSync(routedDef, 'utf8');
    const blocks = drcSiteBlocks(kept.drc.boxes, routedVias(text, new Set(vias.keys())), vias, r.tech.metals, spacings, def.dbuPerUm);
    const fresh = blocks.lines.filter((line) => !session.blocked.has(line));
    r.ctx.log(`${r.tile.id}: DRC re-route ${attempt}: ${kept.drc.total} error tiles, ${blocks.boxesWithVias} of ${kept.drc.boxes.length} boxes beside a routed via, ${fresh.length} new sites to block`);
    if (fresh.length === 0) break;
    tried = attempt;
    copyFileSync(routedDef, join(layoutDir, 'routed-kept.def'));
    copyFileSync(join(outDir, 'drc.rpt'), join(layoutDir, 'drc-kept.rpt'));
    for (const line of fresh) session.blocked.add(line);
    await routeStep(r, def, session);
    countRouting();
    ({ gds, png } = await gdsStep(r, routedDef));
    const drc = await drcCheck(r, gds);
    metrics[`drc__error__count__drc_reroute:${attempt}`] = drc.total;
    const now = score(metrics);
    const before = score(kept.metrics);
    const better = (now[0] - before[0] || now[1] - before[1] || now[2] - before[2]) < 0;
    r.ctx.log(`${r.tile.id}: DRC re-route ${attempt}: ${metrics['route__net__unrouted__count']} unrouted, ${metrics['physical__route__shorts__count']} shorts, ${drc.total} DRC error tiles: ${better ? 'kept' : 'not better, the layout before is kept'}`);
    if (better) {
      kept = { drc, metrics: { ...metrics } };
      changed = true;
    } else {
      copyFileSync(join(layoutDir, 'routed-kept.def'), routedDef);
      copyFileSync(join(layoutDir, 'drc-kept.rpt'), join(outDir, 'drc.rpt'));
      const perRound = Object.fromEntries(Object.entries(metrics).filter(([k]) => k.includes('__round:') || k.includes('__drc_reroute:')));
      for (const k of Object.keys(metrics)) delete metrics[k];
      Object.assign(metrics, kept.metrics, perRound);
      ({ gds, png } = await gdsStep(r, routedDef));
    }
  }
  metrics['physical__route__drc_reroutes__count'] = tried;
  metrics['physical__route__drc_reroutes_kept__count'] = changed ? 1 : 0;
  if (changed) await lvsCheck(r, placedModule, gds);
  return { gds, png };
}
