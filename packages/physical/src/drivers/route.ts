/**
 * Step 4, routing (edge: qrouter): qrouter on the refilled placement, then repair rounds (`RouteRounds`): every
 * cross-net via spacing conflict in a routed DEF gets its upper via's site blocked and the tile is routed again
 * with all blocks so far. Every round is patched (the repair passes, `patchRoutedDef`); the best patched round
 * (fewest unrouted nets, then shorts, then conflicts left after the patches, then before) is kept as routed.def.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CanceledError } from '@hardwire/core';
import { qflowObstructions, qrouterScript } from '@hardwire/eda';
import { renameInto, type TileRun } from './tileRun.ts';
import { type DefSummary, netRouting, powerPinsAsObstructions, routingTechLef, sectionBody } from '../model/def.ts';
import { lefLayerRects, lefRoutingLayers, lefVias } from '../model/lef.ts';
import { cellShorts, crossNetOverlaps, routedShapes, type NetShape } from '../model/shapes.ts';
import { placedCellShapes } from '../passes/pinVias.ts';
import { dieMarginObstructions } from '../passes/floatingPins.ts';
import { patchRoutedDef } from '../passes/routePatches.ts';
import { boxObstruction, conflictObstructions, routedVias, viaSpacingConflicts } from '../passes/viaRepair.ts';
import { drcSiteBlocks, shortBoxes } from '../drcBlocks.ts';
import { RouteRounds } from '../routeRounds.ts';

/**
 * What carries from one routing to the next when the DRC asks for a re-route (`implementTile`): the sites
 * blocked so far and the number of the next qrouter run (its files are `route-repair<n>.tcl`, `routed-repair<n>.def`).
 */
export interface RouteSession {
  readonly blocked: Set<string>;
  nextRun: number;
}

export function newRouteSession(): RouteSession {
  return { blocked: new Set(), nextRun: 0 };
}

/** Route the placed tile (with the session's blocks, if any); returns the path of routed.def. */
export async function routeStep(r: TileRun, def: DefSummary, session: RouteSession = newRouteSession()): Promise<string> {
  const { ctx, tile, layoutDir, o, metrics } = r;
  const routedDef = join(layoutDir, 'routed.def');
  const obstructions = qflowObstructions(readFileSync(join(layoutDir, `${tile.top}.cfg`), 'utf8'));
  const techLef = routingTechLef(readFileSync(r.kit.techLef, 'utf8'), o.routeLayers, r.tech.metals);
  writeFileSync(join(layoutDir, 'route.tlef'), techLef.text);
  const routeCells = powerPinsAsObstructions(readFileSync(r.cellLef, 'utf8'));
  // Outside the layout folder: KLayout's DEF reader also loads every LEF beside the DEF.
  const routeCellLef = join(r.work, 'route-cells.lef');
  writeFileSync(routeCellLef, routeCells.text);
  metrics['physical__route__power_pins_obstructed__count'] = routeCells.moved;
  // Nothing routes outside the die (qrouter can run a wire a track or two past the last one).
  const dieMargin = dieMarginObstructions(def.die, def.dbuPerUm, r.tech.metals.slice(0, o.routeLayers));
  const vias = lefVias(techLef.text, r.tech.metals);
  const viaNames = new Set(vias.keys());
  const routingLayers = lefRoutingLayers(techLef.text);
  const spacings = new Map([...routingLayers].map(([name, l]) => [name, l.spacingUm]));
  const rounds = new RouteRounds(o.routeRepairRounds, o.routePatience);
  for (const line of session.blocked) rounds.blocked.add(line);
  const first = session.nextRun;
  let lastRun = first;
  let bestMetrics: Record<string, number> = {};
  // The patches read the cells' pins and metal from the kit's cell LEF (power pins as pins).
  const cellLefText = readFileSync(r.cellLef, 'utf8');
  const shorts = shortsFinder(r, techLef.text, cellLefText, def.dbuPerUm);
  // qrouter for round k+1 needs only the blocks so far, so it starts while round k is patched and ranked
  // (the other core); if round k's patches end the rounds, that run is canceled.
  interface RoundRun {
    round: number;
    out: string;
    done: Promise<unknown>;
    abort: AbortController;
  }
  const startRound = (round: number): RoundRun => {
    const run = first + round;
    lastRun = Math.max(lastRun, run);
    o.onStep?.(`${tile.id}: route round ${round + 1} of up to ${o.routeRepairRounds + 1}${first > 0 ? ` (re-route from run ${first})` : ''}`);
    const script = run === 0 ? 'route.tcl' : `route-repair${run}.tcl`;
    const out = run === 0 ? 'routed-round0.def' : `routed-repair${run}.def`;
    writeFileSync(join(layoutDir, script), qrouterScript({ techLef: 'route.tlef', cellLef: routeCellLef, def: 'placed.def', out, obstructions: [...obstructions, ...dieMargin, ...[...rounds.blocked].sort()], layers: o.routeLayers, cleanup: o.routeCleanup, powerNets: false }));
    const abort = new AbortController();
    const done = ctx.exec('qrouter', ['-nog', '-noc', '-s', script], { cwd: layoutDir, timeoutMs: o.routeTimeoutS * 1000, signal: abort.signal });
    done.catch(() => undefined); // awaited below; this only keeps a failure during the patching from going unhandled
    return { round, out, done, abort };
  };
  let pending: RoundRun | undefined = startRound(0);
  while (pending) {
    const { round, out }: RoundRun = pending;
    await pending.done;
    if (!existsSync(join(layoutDir, out))) throw new Error(`qrouter wrote no ${join(layoutDir, out)}`);
    const text = readFileSync(join(layoutDir, out), 'utf8');
    const unrouted = netRouting(text).unrouted.length;
    const viasRouted = routedVias(text, viaNames);
    const conflicts = viaSpacingConflicts(viasRouted, vias, spacings, def.dbuPerUm);
    const run = first + round;
    metrics[`physical__route__via_conflicts__count__round:${run}`] = conflicts.length;
    metrics[`physical__route__unrouted__count__round:${run}`] = unrouted;
    const repair = conflictObstructions(conflicts, vias, r.tech.metals, def.dbuPerUm);
    metrics[`physical__route__via_conflicts_pin_taps__count__round:${run}`] = repair.pinTapPairs;
    // Shorts qrouter left (an offset wire through another net's via pad, a pin's route across its cell's own
    // metal): the vias at each overlap are blocked too, and a route's overlap with a cell's metal itself.
    const rawShorts = shorts(text);
    const shortBlocks: string[] = [
      ...drcSiteBlocks(shortBoxes([...rawShorts.routes, ...rawShorts.cells], def.dbuPerUm), viasRouted, vias, r.tech.metals, spacings, def.dbuPerUm).lines,
      ...shortBoxes(rawShorts.cells, def.dbuPerUm).map((box, i) => boxObstruction(box, rawShorts.cells[i].layer)),
    ];
    metrics[`physical__route__shorts_raw__count__round:${run}`] = rawShorts.routes.length + rawShorts.cells.length;
    const before = rounds.blocked.size;
    // Nothing new to block: another round would route the same.
    const next: RoundRun | undefined = rounds.blockSites(round, [...repair.lines, ...shortBlocks]) ? startRound(round + 1) : undefined;
    const patched = patchRoutedDef(text, { techLef: techLef.text, cellLef: cellLefText, dbuPerUm: def.dbuPerUm });
    const left = viaSpacingConflicts(routedVias(patched.text, viaNames), vias, spacings, def.dbuPerUm).length;
    // Shapes of two nets overlapping: two routes, or a route and a cell's own metal.
    const patchedShorts = shorts(patched.text);
    const shortCount = patchedShorts.routes.length + patchedShorts.cells.length;
    metrics[`physical__route__cell_shorts__count__round:${run}`] = patchedShorts.cells.length;
    metrics[`physical__route__via_conflicts_patched__count__round:${run}`] = left;
    metrics[`physical__route__shorts__count__round:${run}`] = shortCount;
    ctx.log(`${tile.id}: route round ${run}: ${unrouted} unrouted, ${shortCount} shorts, ${conflicts.length} via spacing conflicts, ${left} after the patches${before > 0 ? ` (${before} sites blocked)` : ''}`);
    const judged = rounds.judge({ round, unrouted, shorts: shortCount, conflictsLeft: left, conflicts: conflicts.length });
    if (judged.best) {
      bestMetrics = { ...patched.metrics, physical__route__cell_shorts__count: patchedShorts.cells.length };
      writeFileSync(join(layoutDir, 'routed.partial.def'), patched.text);
    }
    if (next && judged.stop) {
      next.abort.abort();
      await next.done.catch((e: unknown) => {
        if (!(e instanceof CanceledError)) throw e;
      });
      pending = undefined;
    } else pending = next;
  }
  const best = rounds.best!;
  Object.assign(metrics, bestMetrics);
  await renameInto(join(layoutDir, 'routed.partial.def'), routedDef);
  metrics['physical__route__repair__best_round'] = first + best.round;
  metrics['physical__route__via_conflicts__count'] = best.conflicts;
  metrics['physical__route__via_conflicts_patched__count'] = best.conflictsLeft;
  metrics['physical__route__shorts__count'] = best.shorts;
  metrics['physical__route__repair__blocked_sites__count'] = rounds.blocked.size;
  for (const line of rounds.blocked) session.blocked.add(line);
  session.nextRun = lastRun + 1;
  return routedDef;
}

export interface Shorts {
  /** Two routes' shapes overlapping (`crossNetOverlaps`). */
  readonly routes: { layer: string; a: NetShape; b: NetShape }[];
  /** A route over a cell's own metal of another net (`cellShorts`; `a` is the cell's shape). */
  readonly cells: { layer: string; a: NetShape; b: NetShape }[];
}

/**
 * The shorts of a routed DEF, as a function of its text (the LEFs read once): route against route, and route
 * against the cells' own metal on the bottom two layers (li1 and met1 in sky130, where the cells' pins and
 * internal wiring lie), power pins named by the technology profile's nets.
 */
export function shortsFinder(r: TileRun, techLefText: string, cellLefText: string, dbuPerUm: number): (text: string) => Shorts {
  const vias = lefVias(techLefText, r.tech.metals);
  const layers = lefRoutingLayers(techLefText);
  const cellRects = r.tech.metals.slice(0, 2).map((layer) => ({ layer, rects: lefLayerRects(cellLefText, layer) }));
  const pinNets = new Map(Object.entries(r.tech.power.pinNets));
  // The cells' shapes depend only on the placement (COMPONENTS) and the nets' connections, the same in a round's
  // raw and patched DEF and in every round of one placement: placed once per placement.
  let placed: { components: string; shapes: NetShape[] } | undefined;
  return (text) => {
    const components = sectionBody(text, 'COMPONENTS').body;
    if (placed?.components !== components) placed = { components, shapes: cellRects.flatMap(({ layer, rects }) => placedCellShapes(text, rects, layer)) };
    return { routes: crossNetOverlaps(text, vias, layers, dbuPerUm), cells: cellShorts(routedShapes(text, vias, layers, dbuPerUm), placed.shapes, pinNets) };
  };
}
