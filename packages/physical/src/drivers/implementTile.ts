/**
 * Physical flow for one tile (edge), as a list of step drivers reading one technology profile: netlist
 * (fanout buffering, yosys) → place (qflow/graywolf) → refill (flops destacked, taps, fill, power straps) →
 * route (qrouter, repair rounds, the repair passes) → GDS and pictures (KLayout) → checks (magic DRC, magic
 * extraction + netgen LVS, OpenSTA, at once); where the layout still fails, re-routes with the vias at magic's
 * error boxes blocked, then placement ECOs (the cells at the failures moved), each kept only when better. Every
 * tool runs through `ctx.exec` (argv arrays; the exact command lands in COMMANDS and its output in the log).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DrcReport, YosysJsonModule } from '@hardwire/eda';
import { checksStep, drcCheck, lvsCheck } from './checks.ts';
import { gdsStep } from './gds.ts';
import { netlistStep } from './netlist.ts';
import { placeStep } from './place.ts';
import { type Placement, refillStep, writePlacement } from './refill.ts';
import { newRouteSession, routeStep, shortsFinder, type RouteSession } from './route.ts';
import { type PhysicalCtx, type PhysicalOptions, type PhysicalTile, tileRun, type TileRun, type TileRunInputs } from './tileRun.ts';
import { drcSiteBlocks, shortBoxes } from '../drcBlocks.ts';
import { netConnections, netRouting, sectionItems } from '../model/def.ts';
import { lefRoutingLayers, lefVias } from '../model/lef.ts';
import { routedVias } from '../passes/viaRepair.ts';
import { cellsAtBoxes, ecoMoves } from '../placementEco.ts';

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
  const placement = refillStep(r, cellAreaUm2);
  const session = newRouteSession();
  const routedDef = await r.timed('route', () => routeStep(r, placement.def, session));
  countRouting(r, routedDef);
  const { gds, png } = await r.timed('gds', () => gdsStep(r, routedDef));
  const { reports, drc } = await checksStep(r, placedModule, gds);
  // The first layout's counts, beside each later try's (`__drc_reroute:N`, `__eco:N`), so the keep rule can be replayed.
  r.metrics['drc__error__count__route:first'] = drc.total;
  r.metrics['route__net__unrouted__count__route:first'] = r.metrics['route__net__unrouted__count'];
  r.metrics['physical__route__shorts__count__route:first'] = r.metrics['physical__route__shorts__count'];
  const layout = new KeptLayout(r, routedDef, drc, gds, png);
  if (drc.total > 0 && r.o.drcReroutes > 0) await r.timed('drc_reroute', () => drcReroutes(r, layout, placement, session));
  if (layout.failing() && r.o.placementEcos > 0) await r.timed('placement_eco', () => placementEcos(r, layout, placement, session));
  if (layout.changed) await lvsCheck(r, placedModule, layout.gds);
  copyFileSync(routedDef, join(r.outDir, 'tile.def'));
  copyFileSync(join(r.work, 'placed.v'), join(r.outDir, 'placed.v'));
  // The whole tile, end to end (the checks overlap, so this is less than the sum of the steps).
  r.stepSeconds['total'] = Number(((performance.now() - startedMs) / 1000).toFixed(2));
  for (const [step, s] of Object.entries(r.stepSeconds)) r.metrics[`physical__step__wall_s__step:${step}`] = s;
  return { metrics: r.metrics, stepSeconds: r.stepSeconds, outputs: { def: join(r.outDir, 'tile.def'), gds: layout.gds, png: layout.png, reports } };
}

/** Nets and unrouted nets of the routed DEF into the metrics and `unrouted.txt`. */
function countRouting(r: TileRun, routedDef: string): void {
  const routing = netRouting(readFileSync(routedDef, 'utf8'));
  r.metrics['route__net__count'] = routing.nets;
  r.metrics['route__net__unrouted__count'] = routing.unrouted.length;
  writeFileSync(join(r.outDir, 'unrouted.txt'), routing.unrouted.join('\n') + (routing.unrouted.length ? '\n' : ''));
}

/**
 * The layout kept so far (routed.def, placed.def, tile.gds, drc.rpt and the metrics that describe them) and
 * the one rule every later try answers to: a new layout is kept only when it is better (fewer unrouted nets,
 * then fewer shorts, then fewer DRC error tiles), else everything is put back as it was.
 */
export class KeptLayout {
  drc: DrcReport;
  metrics: Record<string, number>;
  changed = false;
  constructor(private readonly r: TileRun, readonly routedDef: string, drc: DrcReport, public gds: string, public png: string) {
    this.drc = drc;
    this.metrics = { ...r.metrics };
  }

  failing(): boolean {
    return this.metrics['route__net__unrouted__count'] > 0 || this.metrics['physical__route__shorts__count'] > 0 || this.drc.total > 0;
  }

  /** Run `reroute` (it rewrites placed.def and/or routes again), check the result, keep it or put everything back (`undo` for in-memory state). */
  async attempt(label: string, key: string, reroute: () => Promise<void>, undo: () => void = () => undefined): Promise<boolean> {
    const { r, routedDef } = this;
    // The kept layout's files, copied aside in the scratch folder (never beside the deliverables).
    const saved = [routedDef, join(r.layoutDir, 'placed.def'), join(r.outDir, 'drc.rpt')].map((f, i) => ({ f, aside: join(r.work, `kept-${i}-${basename(f)}`) }));
    for (const { f, aside } of saved) copyFileSync(f, aside);
    await reroute();
    countRouting(r, routedDef);
    ({ gds: this.gds, png: this.png } = await gdsStep(r, routedDef));
    const drc = await drcCheck(r, this.gds);
    const m = r.metrics;
    m[`drc__error__count__${key}`] = drc.total;
    m[`route__net__unrouted__count__${key}`] = m['route__net__unrouted__count'];
    m[`physical__route__shorts__count__${key}`] = m['physical__route__shorts__count'];
    const score = (x: Record<string, number>, d: number) => [x['route__net__unrouted__count'], x['physical__route__shorts__count'], d];
    const now = score(m, drc.total);
    const before = score(this.metrics, this.drc.total);
    const better = (now[0] - before[0] || now[1] - before[1] || now[2] - before[2]) < 0;
    r.ctx.log(`${r.tile.id}: ${label}: ${now[0]} unrouted, ${now[1]} shorts, ${now[2]} DRC error tiles: ${better ? 'kept' : 'not better, the layout before is kept'}`);
    if (better) {
      this.drc = drc;
      this.metrics = { ...m };
      this.changed = true;
      return true;
    }
    undo();
    for (const { f, aside } of saved) copyFileSync(aside, f);
    // The tries' own counts stay; every other metric is the kept layout's.
    const perTry = Object.fromEntries(Object.entries(m).filter(([k]) => /__(round|drc_reroute|eco):/.test(k)));
    for (const k of Object.keys(m)) delete m[k];
    Object.assign(m, this.metrics, perTry);
    ({ gds: this.gds, png: this.png } = await gdsStep(r, routedDef));
    return false;
  }
}

/**
 * Where magic still finds DRC errors, re-route with the vias at the error boxes blocked (`drcSiteBlocks`), up
 * to `--drc-reroutes` times: each re-route is a new routing session with every block so far, kept only when
 * better (`KeptLayout.attempt`).
 */
async function drcReroutes(r: TileRun, layout: KeptLayout, placement: Placement, session: RouteSession): Promise<void> {
  const { vias, spacings } = routeTech(r);
  let tried = 0;
  let kept = 0;
  for (let attempt = 1; attempt <= r.o.drcReroutes && layout.drc.total > 0; attempt++) {
    const text = readFileSync(layout.routedDef, 'utf8');
    const blocks = drcSiteBlocks(layout.drc.boxes, routedVias(text, new Set(vias.keys())), vias, r.tech.metals, spacings, placement.def.dbuPerUm);
    const fresh = blocks.lines.filter((line) => !session.blocked.has(line));
    r.ctx.log(`${r.tile.id}: DRC re-route ${attempt}: ${layout.drc.total} error tiles, ${blocks.boxesWithVias} of ${layout.drc.boxes.length} boxes beside a routed via, ${fresh.length} new sites to block`);
    if (fresh.length === 0) break;
    tried = attempt;
    for (const line of fresh) session.blocked.add(line);
    if (await layout.attempt(`DRC re-route ${attempt}`, `drc_reroute:${attempt}`, async () => void (await routeStep(r, placement.def, session)))) kept += 1;
  }
  r.metrics['physical__route__drc_reroutes__count'] = tried;
  r.metrics['physical__route__drc_reroutes_kept__count'] = kept;
  layout.metrics['physical__route__drc_reroutes__count'] = tried;
  layout.metrics['physical__route__drc_reroutes_kept__count'] = kept;
}

/**
 * Placement ECOs (`--placement-ecos`): where the layout still fails, the logic cells at the failures (the cells
 * of unrouted nets, cells within 0.2 µm of a DRC error box or of a short, route to route or route to cell metal,
 * and the cells of a short's two nets within 2 µm of it) move (`ecoMoves`: slid along the row,
 * or mirrored, keeping the pin-access rules), the rows are refilled and the tile routed again with every block so
 * far; kept only when better, else the placement before is restored.
 */
async function placementEcos(r: TileRun, layout: KeptLayout, placement: Placement, session: RouteSession): Promise<void> {
  const dbuPerUm = placement.def.dbuPerUm;
  const shorts = shortsFinder(r, routeTech(r).techLef, readFileSync(r.cellLef, 'utf8'), dbuPerUm);
  const rowHeightDbu = Math.round(r.tech.rowHeightUm * dbuPerUm);
  const rules = r.tech.flopRules(Math.round(r.tech.siteUm * dbuPerUm), dbuPerUm);
  let tried = 0;
  let kept = 0;
  let movedKept = 0;
  for (let attempt = 1; attempt <= r.o.placementEcos && layout.failing(); attempt++) {
    const text = readFileSync(layout.routedDef, 'utf8');
    const unrouted = new Set(netRouting(text).unrouted);
    const nets = sectionItems(text, 'NETS').items;
    const cellsOf = (names: ReadonlySet<string>) => new Set(nets.filter((n) => names.has(n.name)).flatMap((n) => netConnections(n).map(([inst]) => inst)).filter((inst) => inst !== 'PIN'));
    const netCells = [...cellsOf(unrouted)];
    const toDbu = (b: { x0Um: number; y0Um: number; x1Um: number; y1Um: number }) => ({ x0: b.x0Um * dbuPerUm, y0: b.y0Um * dbuPerUm, x1: b.x1Um * dbuPerUm, y1: b.y1Um * dbuPerUm });
    const found = shorts(text);
    const shortList = [...found.routes, ...found.cells];
    const shortBoxesDbu = shortBoxes(shortList, dbuPerUm).map(toDbu);
    const boxes = [...layout.drc.boxes.map(toDbu), ...shortBoxesDbu];
    // A short's cause is often a pin nearby whose route qrouter had to offset (an off-track pin): the cells of
    // the two nets within 2 µm of the overlap move too, even where no cell lies under the overlap itself.
    const shortNetCells = cellsOf(new Set(shortList.flatMap(({ a, b }) => [a.net, b.net])));
    const nearShorts = cellsAtBoxes(placement.logic.filter((c) => shortNetCells.has(c.name)), placement.widthDbu, rowHeightDbu, shortBoxesDbu, Math.round(2 * dbuPerUm));
    const culprits = [...new Set([...netCells, ...cellsAtBoxes(placement.logic, placement.widthDbu, rowHeightDbu, boxes, Math.round(0.2 * dbuPerUm)), ...nearShorts])];
    const eco = ecoMoves(placement.logic, placement.widthDbu, culprits, rules, attempt);
    r.ctx.log(`${r.tile.id}: placement ECO ${attempt}: ${culprits.length} cells at the failures (${netCells.length} on ${unrouted.size} unrouted nets), ${eco.moves.length} moved (${eco.moves.filter((m) => m.fromOrient !== m.toOrient).length} mirrored), ${eco.stuck.length} without a legal move${eco.moves.length ? `: ${eco.moves.slice(0, 8).map((m) => `${m.name} ${(m.toXDbu - m.fromXDbu) / Math.round(r.tech.siteUm * dbuPerUm)} sites ${m.toOrient}`).join(', ')}` : ''}`);
    if (eco.moves.length === 0) continue;
    tried += 1;
    const before = placement.logic;
    const reroute = async () => {
      placement.logic = eco.components;
      writePlacement(r, placement);
      await routeStep(r, placement.def, session);
    };
    if (await layout.attempt(`placement ECO ${attempt}`, `eco:${attempt}`, reroute, () => void (placement.logic = before))) {
      kept += 1;
      movedKept += eco.moves.length;
    }
  }
  for (const m of [r.metrics, layout.metrics]) {
    m['physical__eco__attempts__count'] = tried;
    m['physical__eco__kept__count'] = kept;
    m['physical__eco__cells_moved__count'] = movedKept;
  }
}

/** The routing technology the route step wrote (route.tlef): its text, vias and the routing layers' spacings. */
function routeTech(r: TileRun) {
  const techLef = readFileSync(join(r.layoutDir, 'route.tlef'), 'utf8');
  const vias = lefVias(techLef, r.tech.metals);
  const spacings = new Map([...lefRoutingLayers(techLef)].map(([name, l]) => [name, l.spacingUm]));
  return { techLef, vias, spacings };
}
