/**
 * Physical flow for one tile (edge): fanout buffering, qflow/graywolf placement, our row refill and power
 * straps, qrouter, KLayout GDS and picture, magic DRC, magic extraction + netgen LVS, OpenSTA. Every tool
 * runs through `ctx.exec` (argv arrays; the exact command lands in COMMANDS and its output in the log).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { CanceledError, type StageContext } from '@hardwire/core';
import type { StdCellKit } from '../io/findKit.ts';
import { cellArea, type CellSpec } from '../liberty/cellLibrary.ts';
import { parseYosysStat } from '../yosys/synthScript.ts';
import { bufferFanout } from '../physical/bufferFanout.ts';
import { patchRoutedDef } from '../physical/routePatches.ts';
import { dieMarginObstructions } from '../physical/floatingPins.ts';
import { crossNetOverlaps, lefRoutingLayers } from '../physical/stackPatch.ts';
import { conflictObstructions, lefVias, routedVias, viaSpacingConflicts } from '../physical/viaRepair.ts';
import { type PinAccessRules, clipTracksToDie, componentLine, destackFlops, isPhysicalCell, lefMacros, netRouting, parseDef, powerGrid, powerPinsAsObstructions, refillRows, replaceSection, routingTechLef } from '../physical/def.ts';
import { cdlAsDeviceCalls, cdlPinOrder, topSubcircuit, type YosysJsonModule } from '../physical/lvsSchematic.ts';
import { QFLOW_TECH, graywolfNetFile, graywolfPar, qflowMagicrc, qflowObstructions, qflowProjectVars, qflowTechScript } from '../physical/qflowTech.ts';
import { parseDrcReport, parseLvsReport, parseStaOutput } from '../physical/reports.ts';
import { KLAYOUT_DEF_TO_GDS, KLAYOUT_RENDER, magicDrcScript, magicExtractScript, netgenSetup, openStaScript, qrouterScript } from '../physical/scripts.ts';
import { runYosysScript, type YosysBackend } from './runYosys.ts';

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
  /** Routing layers from li1 up (4: li1, met1, met2, met3). */
  readonly routeLayers: number;
  /** Run qrouter's stage-3 rip-up rounds (about twice the route time). */
  readonly routeCleanup: boolean;
  /** Re-routes with the sites of cross-net via spacing conflicts blocked (0: route once). */
  readonly routeRepairRounds: number;
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

/** Wall time per step (s) and flat metrics, keyed without the tile qualifier. */
export interface PhysicalResult {
  readonly metrics: Record<string, number>;
  readonly stepSeconds: Record<string, number>;
  readonly outputs: { def: string; gds: string; png: string; reports: string[] };
}

const PHYSICAL_CELLS = ['tapvpwrvgnd_1', 'fill_1', 'fill_2', 'fill_4', 'fill_8'].map((c) => `sky130_fd_sc_hd__${c}`);

/** Run the whole flow for one tile in `work`; the deliverables are copied to `outDir`. */
export async function implementTile(
  ctx: PhysicalCtx,
  kit: StdCellKit,
  cells: ReadonlyMap<string, CellSpec>,
  libertyPath: string,
  yosys: YosysBackend,
  tile: PhysicalTile,
  work: string,
  outDir: string,
  o: PhysicalOptions,
): Promise<PhysicalResult> {
  const need = (path: string | undefined, what: string): string => {
    if (!path || !existsSync(path)) throw new Error(`the kit at ${kit.root} has no ${what}`);
    return path;
  };
  const lyt = need(kit.klayoutTech, 'KLayout technology (klayout/sky130hd.lyt)');
  const lyp = need(kit.klayoutProps, 'KLayout layer properties (klayout/sky130hd.lyp)');
  const magicTech = need(kit.magicTech, 'magic technology file (magic/sky130A.tech)');
  const cellLef = kit.cellLefRouting ?? kit.cellLef;
  const steps: Record<string, number> = {};
  const startedMs = performance.now();
  const metrics: Record<string, number> = {};
  const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    if (step !== 'route') o.onStep?.(`${tile.id}: ${step}`);
    const t0 = performance.now();
    const value = await fn();
    steps[step] = Number(((performance.now() - t0) / 1000).toFixed(2));
    return value;
  };
  mkdirSync(work, { recursive: true });
  mkdirSync(outDir, { recursive: true });

  // 1. Netlist: buffer high-fanout nets, then let yosys write the BLIF qflow places and the netlist every check reads.
  const placedJson = join(work, 'placed.json');
  await timed('netlist', async () => {
    const doc = JSON.parse(readFileSync(tile.netlistJson, 'utf8')) as { modules: Record<string, YosysJsonModule> };
    const module = doc.modules[tile.top];
    if (!module) throw new Error(`${tile.netlistJson} has no module ${tile.top}`);
    const buffered = bufferFanout(module, {
      maxFanout: o.maxFanout,
      buffer: 'sky130_fd_sc_hd__buf_4',
      bufferIn: 'A',
      bufferOut: 'X',
      inputsOf: (type) => cells.get(type)?.inputs ?? [],
    });
    for (const cell of Object.values(buffered.module.cells) as { type: string; port_directions?: Record<string, string> }[]) {
      if (!cell.port_directions && cell.type === 'sky130_fd_sc_hd__buf_4') cell.port_directions = { A: 'input', X: 'output' };
    }
    metrics['physical__fanout__buffers__count'] = buffered.buffersAdded;
    metrics['physical__fanout__nets__count'] = buffered.netsBuffered;
    writeFileSync(join(work, 'buffered.json'), JSON.stringify({ creator: 'hardwire bufferFanout', modules: { [tile.top]: buffered.module } }));
    if (yosys === 'native' && !existsSync(join(work, 'cells.lib'))) copyFileSync(libertyPath, join(work, 'cells.lib'));
    writeFileSync(
      join(work, 'netlist.ys'),
      [
        'read_liberty -lib cells.lib',
        'read_json buffered.json',
        `hierarchy -top ${tile.top}`,
        'rename -enumerate',
        'check -assert',
        'tee -q -o placed.stat.json stat -json -liberty cells.lib',
        'write_blif -gates -impltf -buf sky130_fd_sc_hd__buf_2 A X placed.blif',
        'write_verilog -noattr -noexpr placed.v',
        'write_json placed.json',
        '',
      ].join('\n'),
    );
    await runYosysScript(ctx, yosys, work, 'netlist.ys', [join(work, 'buffered.json'), libertyPath]);
  });
  const placedModule = (JSON.parse(readFileSync(placedJson, 'utf8')) as { modules: Record<string, YosysJsonModule> }).modules[tile.top];
  const stat = parseYosysStat(readFileSync(join(work, 'placed.stat.json'), 'utf8'), tile.top);
  const cellAreaUm2 = cellArea(stat.cellsByType, cells);
  metrics['physical__design__instance__count'] = stat.cells;
  metrics['physical__design__instance__area'] = Number(cellAreaUm2.toFixed(3));

  // 2. Placement: graywolf through qflow's own scripts, in a qflow project with our sky130hd tech folder.
  const project = join(work, 'qflow');
  const layoutDir = join(project, 'layout');
  await timed('place', async () => {
    const techDir = join(project, 'tech', QFLOW_TECH);
    for (const d of [techDir, join(project, 'source'), join(project, 'synthesis'), layoutDir]) mkdirSync(d, { recursive: true });
    writeFileSync(join(techDir, `${QFLOW_TECH}.sh`), qflowTechScript({ cellLef, techLef: kit.techLef, liberty: libertyPath, cdl: kit.cdl, gds: kit.gds, verilog: kit.verilogCells, magicDir: join(magicTech, '..') }));
    writeFileSync(join(techDir, `${QFLOW_TECH}.par`), graywolfPar(o.seed, o.placeGlobalRoute));
    writeFileSync(join(techDir, `${QFLOW_TECH}.magicrc`), qflowMagicrc(join(magicTech, '..')));
    writeFileSync(join(project, 'project_vars.sh'), qflowProjectVars({ density: o.density }));
    copyFileSync(tile.rtl, join(project, 'source', `${tile.top}.v`));
    copyFileSync(join(work, 'placed.blif'), join(project, 'synthesis', `${tile.top}.blif`));
    if (!o.placeGlobalRoute) {
      // graywolf without its global router writes no `<top>.pin`, the net file place2def reads its NETS from
      // (qflow's placement script only checks that the file exists). Write it from the same .cel graywolf reads:
      // qflow's blif2cel, found through the qflow_vars.sh that `qflow` writes for a project with no action.
      await ctx.exec('qflow', ['-T', QFLOW_TECH, tile.top], { cwd: project, timeoutMs: 60_000 });
      const scriptDir = /^set scriptdir=(.+)$/m.exec(readFileSync(join(project, 'qflow_vars.sh'), 'utf8'))?.[1]?.trim();
      if (!scriptDir) throw new Error(`${join(project, 'qflow_vars.sh')} names no scriptdir`);
      const cel = join(layoutDir, `${tile.top}.cel`);
      await ctx.exec(join(scriptDir, 'blif2cel.tcl'), ['--blif', join(project, 'synthesis', `${tile.top}.blif`), '--lef', kit.techLef, '--lef', cellLef, '--cel', cel], { cwd: project, timeoutMs: 10 * 60_000 });
      const nets = graywolfNetFile(readFileSync(cel, 'utf8'));
      writeFileSync(join(layoutDir, `${tile.top}.pin`), nets.text);
      metrics['physical__place__nets__count'] = nets.nets;
    }
    await ctx.exec('qflow', ['-T', QFLOW_TECH, 'place', tile.top], { cwd: project, timeoutMs: 30 * 60_000 });
    if (!existsSync(join(layoutDir, `${tile.top}.def`))) throw new Error(`qflow place wrote no ${join(layoutDir, `${tile.top}.def`)} (see ${join(project, 'log', 'place.log')})`);
  });

  // 3. Rows refilled (taps + fill, no antenna diodes or decaps) and power straps.
  const macros = lefMacros(readFileSync(cellLef, 'utf8'));
  const qflowDef = readFileSync(join(layoutDir, `${tile.top}.def`), 'utf8');
  const def = parseDef(qflowDef);
  const widthDbu = (macro: string) => {
    const m = macros.get(macro);
    if (!m) throw new Error(`${cellLef} has no macro ${macro}`);
    return Math.round(m.widthUm * def.dbuPerUm);
  };
  const siteDbu = Math.round(0.46 * def.dbuPerUm);
  const destacked = destackFlops(def.components.filter((c) => !isPhysicalCell(c.macro)), widthDbu, skyFlopRules(siteDbu, def.dbuPerUm));
  metrics['physical__destack__moved__count'] = destacked.moved;
  metrics['physical__destack__stacked_before__count'] = destacked.stackedBefore;
  metrics['physical__destack__stacked_after__count'] = destacked.stackedLeft;
  const refill = refillRows(destacked.components, widthDbu, {
    siteDbu,
    tapSpacingUm: o.tapSpacingUm,
    dbuPerUm: def.dbuPerUm,
    tapMacro: 'sky130_fd_sc_hd__tapvpwrvgnd_1',
    fills: [8, 4, 2, 1].map((sites) => ({ macro: `sky130_fd_sc_hd__fill_${sites}`, sites })),
  });
  const met2 = /TRACKS X (-?[\d.]+) DO \d+ STEP (\d+) LAYER met2 ;/.exec(qflowDef);
  if (!met2) throw new Error('qflow DEF has no met2 TRACKS line');
  const grid = powerGrid(refill.components, widthDbu, {
    dbuPerUm: def.dbuPerUm,
    rowHeightDbu: Math.round(2.72 * def.dbuPerUm),
    trackX0Dbu: Math.round(Number(met2[1])),
    trackStepDbu: Number(met2[2]),
    strapPitchUm: o.strapPitchUm,
    strapWidthDbu: Math.round(0.3 * def.dbuPerUm),
    powerNet: 'VPWR',
    groundNet: 'VGND',
    via: 'M1M2_PR',
  });
  let placed = replaceSection(qflowDef, 'COMPONENTS', refill.components.map(componentLine));
  placed = replaceSection(placed, 'SPECIALNETS', grid.lines, 2);
  const tracks = clipTracksToDie(placed);
  placed = tracks.text;
  metrics['physical__route__tracks_outside_die__count'] = tracks.dropped;
  writeFileSync(join(layoutDir, 'placed.def'), placed);
  const dieUm = { w: (def.die.x1 - def.die.x0) / def.dbuPerUm, h: (def.die.y1 - def.die.y0) / def.dbuPerUm };
  metrics['finish__design__die__area'] = Number((dieUm.w * dieUm.h).toFixed(2));
  metrics['finish__design__instance__utilization'] = Number((cellAreaUm2 / (dieUm.w * dieUm.h)).toFixed(4));
  metrics['physical__taps__count'] = refill.taps;
  metrics['physical__taps__worst_span_um'] = Number(refill.worstTapSpanUm.toFixed(2));
  metrics['physical__power__straps__count'] = grid.straps.length;

  // 4. Routing, then repair rounds: every cross-net via spacing conflict in the routed DEF gets its upper via's
  // site blocked and the tile is routed again with all blocks so far. Every round is patched (routePatches.ts);
  // the best patched round (fewest unrouted nets, then shorts, then conflicts left after the patches, then
  // before) is kept as routed.def.
  const routedDef = join(layoutDir, 'routed.def');
  await timed('route', async () => {
    const obstructions = qflowObstructions(readFileSync(join(layoutDir, `${tile.top}.cfg`), 'utf8'));
    const techLef = routingTechLef(readFileSync(kit.techLef, 'utf8'), o.routeLayers);
    writeFileSync(join(layoutDir, 'route.tlef'), techLef.text);
    const routeCells = powerPinsAsObstructions(readFileSync(cellLef, 'utf8'));
    // Outside the layout folder: KLayout's DEF reader also loads every LEF beside the DEF.
    const routeCellLef = join(work, 'route-cells.lef');
    writeFileSync(routeCellLef, routeCells.text);
    metrics['physical__route__power_pins_obstructed__count'] = routeCells.moved;
    const metals = ['li1', 'met1', 'met2', 'met3', 'met4', 'met5'];
    // Nothing routes outside the die (qrouter can run a wire a track or two past the last one).
    const dieMargin = dieMarginObstructions(def.die, def.dbuPerUm, metals.slice(0, o.routeLayers));
    const vias = lefVias(techLef.text, metals);
    const routingLayers = lefRoutingLayers(techLef.text);
    const spacings = new Map([...routingLayers].map(([name, l]) => [name, l.spacingUm]));
    const blocks = new Set<string>();
    let best: { round: number; unrouted: number; shorts: number; left: number; conflicts: number; metrics: Record<string, number> } | undefined;
    const cellLefText = readFileSync(cellLef, 'utf8');
    // qrouter for round k+1 needs only the blocks so far, so it starts while round k is patched and ranked
    // (the other core); if round k's patches end the rounds, that run is canceled.
    interface RoundRun {
      round: number;
      out: string;
      done: Promise<unknown>;
      abort: AbortController;
    }
    const startRound = (round: number): RoundRun => {
      o.onStep?.(`${tile.id}: route round ${round + 1} of up to ${o.routeRepairRounds + 1}`);
      const script = round === 0 ? 'route.tcl' : `route-repair${round}.tcl`;
      const out = round === 0 ? 'routed-round0.def' : `routed-repair${round}.def`;
      writeFileSync(join(layoutDir, script), qrouterScript({ techLef: 'route.tlef', cellLef: routeCellLef, def: 'placed.def', out, obstructions: [...obstructions, ...dieMargin, ...[...blocks].sort()], layers: o.routeLayers, cleanup: o.routeCleanup, powerNets: false }));
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
      const conflicts = viaSpacingConflicts(routedVias(text, new Set(vias.keys())), vias, spacings, def.dbuPerUm);
      metrics[`physical__route__via_conflicts__count__round:${round}`] = conflicts.length;
      metrics[`physical__route__unrouted__count__round:${round}`] = unrouted;
      const repair = conflictObstructions(conflicts, vias, metals, def.dbuPerUm);
      metrics[`physical__route__via_conflicts_pin_taps__count__round:${round}`] = repair.pinTapPairs;
      const before = blocks.size;
      for (const line of repair.lines) blocks.add(line);
      // Nothing new to block: another round would route the same.
      const next: RoundRun | undefined = blocks.size > before && round < o.routeRepairRounds ? startRound(round + 1) : undefined;
      // Each round is patched (routePatches.ts, a few seconds) and judged by what the patches leave: the round
      // with the fewest unrouted nets, then shorts, then via conflicts after patching, then before, is kept.
      const patched = patchRoutedDef(text, { techLef: techLef.text, cellLef: cellLefText, dbuPerUm: def.dbuPerUm });
      const left = viaSpacingConflicts(routedVias(patched.text, new Set(vias.keys())), vias, spacings, def.dbuPerUm).length;
      // Shapes of two nets overlapping (qrouter has run an offset wire through another net's via pad).
      const shorts = crossNetOverlaps(patched.text, vias, routingLayers, def.dbuPerUm).length;
      metrics[`physical__route__via_conflicts_patched__count__round:${round}`] = left;
      metrics[`physical__route__shorts__count__round:${round}`] = shorts;
      ctx.log(`${tile.id}: route round ${round}: ${unrouted} unrouted, ${shorts} shorts, ${conflicts.length} via spacing conflicts, ${left} after the patches${round > 0 ? ` (${before} sites blocked)` : ''}`);
      const order = best ? unrouted - best.unrouted || shorts - best.shorts || left - best.left || conflicts.length - best.conflicts : -1;
      if (order < 0) {
        best = { round, unrouted, shorts, left, conflicts: conflicts.length, metrics: patched.metrics };
        writeFileSync(join(layoutDir, 'routed.partial.def'), patched.text);
      }
      // The rounds only chase via conflicts: stop once the patches leave none on a fully routed tile, or after
      // two rounds in a row that did not beat the best.
      if (next && ((best!.unrouted === 0 && best!.shorts === 0 && best!.left === 0) || round - best!.round >= 2)) {
        next.abort.abort();
        await next.done.catch((e: unknown) => {
          if (!(e instanceof CanceledError)) throw e;
        });
        pending = undefined;
      } else pending = next;
    }
    Object.assign(metrics, best!.metrics);
    await renameInto(join(layoutDir, 'routed.partial.def'), routedDef);
    metrics['physical__route__repair__best_round'] = best!.round;
    metrics['physical__route__via_conflicts__count'] = best!.conflicts;
    metrics['physical__route__via_conflicts_patched__count'] = best!.left;
    metrics['physical__route__shorts__count'] = best!.shorts;
    metrics['physical__route__repair__blocked_sites__count'] = blocks.size;
  });
  const routing = netRouting(readFileSync(routedDef, 'utf8'));
  metrics['route__net__count'] = routing.nets;
  metrics['route__net__unrouted__count'] = routing.unrouted.length;
  writeFileSync(join(outDir, 'unrouted.txt'), routing.unrouted.join('\n') + (routing.unrouted.length ? '\n' : ''));

  // 5. GDS and picture.
  const gds = join(outDir, 'tile.gds');
  const png = join(outDir, 'tile.png');
  await timed('gds', async () => {
    writeFileSync(join(work, 'def2gds.py'), KLAYOUT_DEF_TO_GDS);
    const summary = join(work, 'gds.json');
    await ctx.exec('klayout', ['-zz', '-r', join(work, 'def2gds.py'), '-rd', `def_file=${routedDef}`, '-rd', `out_gds=${join(outDir, 'tile.partial.gds')}`, '-rd', `lyt=${lyt}`, '-rd', `tlef=${join(layoutDir, 'route.tlef')}`, '-rd', `lef=${cellLef}`, '-rd', `cell_gds=${kit.gds}`, '-rd', `summary=${summary}`], { cwd: layoutDir });
    const s = JSON.parse(readFileSync(summary, 'utf8')) as { emptyCells: string[] };
    if (s.emptyCells.length > 0) throw new Error(`GDS merge left ${s.emptyCells.length} cells without layout: ${s.emptyCells.slice(0, 5).join(', ')}`);
    await renameInto(join(outDir, 'tile.partial.gds'), gds);
    writeFileSync(join(work, 'render.py'), KLAYOUT_RENDER);
    await ctx.exec('klayout', ['-zz', '-r', join(work, 'render.py'), '-rd', `gds=${gds}`, '-rd', `lyp=${lyp}`, '-rd', `png=${png}.partial.png`, '-rd', `width=${o.imagePx}`, '-rd', `height=${o.imagePx}`], { cwd: work });
    await renameInto(`${png}.partial.png`, png);
    // A close-up of the middle (40 µm square), where cells, rails and wires can be told apart.
    const bbox = JSON.parse(readFileSync(summary, 'utf8')) as { bboxUm: number[] };
    const cx = (bbox.bboxUm[0] + bbox.bboxUm[2]) / 2;
    const cy = (bbox.bboxUm[1] + bbox.bboxUm[3]) / 2;
    const zoomPng = join(outDir, 'tile-zoom.png');
    await ctx.exec('klayout', ['-zz', '-r', join(work, 'render.py'), '-rd', `gds=${gds}`, '-rd', `lyp=${lyp}`, '-rd', `png=${zoomPng}.partial.png`, '-rd', `width=${o.imagePx}`, '-rd', `height=${o.imagePx}`, '-rd', `zoom=${(cx - 20).toFixed(2)},${(cy - 20).toFixed(2)},${(cx + 20).toFixed(2)},${(cy + 20).toFixed(2)}`], { cwd: work });
    await renameInto(`${zoomPng}.partial.png`, zoomPng);
  });

  // 6–8. The checks read only the GDS and the netlists, so they run at once (each timed on its own):
  // DRC (magic, the kit's tech file, on the merged GDS); LVS (magic extraction of the GDS against the placed
  // netlist, kit CDL for the cells); static timing of the placed netlist (ideal clock, no wire parasitics).
  const drcReport = join(outDir, 'drc.rpt');
  const lvsReport = join(outDir, 'lvs.rpt');
  const staReport = join(outDir, 'sta.rpt');
  await Promise.all([
    timed('drc', async () => {
      writeFileSync(join(work, 'drc.tcl'), magicDrcScript({ gds, top: tile.top, style: o.drcStyle, report: drcReport }));
      await ctx.exec('magic', ['-dnull', '-noconsole', '-T', magicTech, join(work, 'drc.tcl')], { cwd: work, timeoutMs: 60 * 60_000 });
    }),
    timed('lvs', async () => {
      const extractDir = join(work, 'extract');
      mkdirSync(extractDir, { recursive: true });
      writeFileSync(join(extractDir, 'extract.tcl'), magicExtractScript({ gds, top: tile.top, spice: join(work, 'layout.spice') }));
      await ctx.exec('magic', ['-dnull', '-noconsole', '-T', magicTech, join(extractDir, 'extract.tcl')], { cwd: extractDir, timeoutMs: 60 * 60_000 });
      const cdl = readFileSync(kit.cdl, 'utf8');
      writeFileSync(join(work, 'schematic.spice'), cdlAsDeviceCalls(cdl) + '\n' + topSubcircuit(tile.top, placedModule, cdlPinOrder(cdl)));
      writeFileSync(join(work, 'netgen-setup.tcl'), netgenSetup(PHYSICAL_CELLS));
      await ctx.exec('netgen-lvs', ['-batch', 'lvs', `${join(work, 'layout.spice')} ${tile.top}`, `${join(work, 'schematic.spice')} ${tile.top}`, join(work, 'netgen-setup.tcl'), lvsReport], { cwd: work, timeoutMs: 60 * 60_000, okExitCodes: [0, 1] });
    }),
    timed('sta', async () => {
      writeFileSync(join(work, 'sta.tcl'), openStaScript({ liberty: libertyPath, netlist: join(work, 'placed.v'), top: tile.top, clockNs: o.clockNs, clockPort: 'clk' }));
      const r = await ctx.exec('sta', ['-no_splash', '-exit', join(work, 'sta.tcl')], { cwd: work });
      writeFileSync(staReport, r.output);
    }),
  ]);
  const drc = parseDrcReport(readFileSync(drcReport, 'utf8'));
  metrics['drc__error__count'] = drc.total;
  const lvs = parseLvsReport(readFileSync(lvsReport, 'utf8'));
  metrics['lvs__mismatch__count'] = lvs.mismatches;
  metrics['lvs__match'] = lvs.matched ? 1 : 0;
  const sta = parseStaOutput(readFileSync(staReport, 'utf8'));
  metrics['timing__setup__ws'] = sta.worstSlackNs;
  metrics['timing__setup__tns'] = sta.totalNegativeSlackNs;

  copyFileSync(routedDef, join(outDir, 'tile.def'));
  copyFileSync(join(work, 'placed.v'), join(outDir, 'placed.v'));
  // The whole tile, end to end (the checks overlap, so this is less than the sum of the steps).
  steps['total'] = Number(((performance.now() - startedMs) / 1000).toFixed(2));
  for (const [step, s] of Object.entries(steps)) metrics[`physical__step__wall_s__step:${step}`] = s;
  return { metrics, stepSeconds: steps, outputs: { def: join(outDir, 'tile.def'), gds, png, reports: [drcReport, lvsReport, staReport] } };
}

/**
 * Pin-access rules for sky130_fd_sc_hd flops: the D pin of dfrtp/dfrbp sits 1.36–1.88 µm from the cell's
 * left edge (mirrored for FN and S); keep 1 µm either side of it free in the rows above and below.
 */
export function skyFlopRules(siteDbu: number, dbuPerUm: number): PinAccessRules {
  const d = Math.round(1.61 * dbuPerUm);
  const half = Math.round(1.0 * dbuPerUm);
  return {
    siteDbu,
    haloDbu: siteDbu,
    isFlop: (macro) => /__(dfrtp|dfrbp|dfrtn)_/.test(macro),
    pinWindow: (c, w) => {
      const mirrored = c.orient === 'FN' || c.orient === 'S';
      const x = mirrored ? c.xDbu + w - d : c.xDbu + d;
      return [x - half, x + half];
    },
  };
}

async function renameInto(from: string, to: string): Promise<void> {
  await rename(from, to);
}

/** The physical-flow tools, binary -> Debian package (what tools/setup.sh installs). */
export const PHYSICAL_TOOLS: Readonly<Record<string, string>> = {
  qflow: 'qflow',
  graywolf: 'graywolf',
  qrouter: 'qrouter',
  klayout: 'klayout',
  magic: 'magic',
  'netgen-lvs': 'netgen-lvs',
  sta: 'opensta',
  tcsh: 'tcsh',
};

/** Installed version of each physical tool's package (`missing` when absent): part of the cache key. */
export async function physicalToolVersions(): Promise<Record<string, string>> {
  const { execa } = await import('execa');
  const out: Record<string, string> = {};
  for (const [bin, pkg] of Object.entries(PHYSICAL_TOOLS)) {
    const which = await execa('which', [bin], { reject: false });
    if (which.exitCode !== 0) {
      out[bin] = 'missing';
      continue;
    }
    const r = await execa('dpkg-query', ['-W', '-f', '${Version}', pkg], { reject: false }).catch(() => undefined);
    out[bin] = r && r.exitCode === 0 ? r.stdout.trim() : 'present';
  }
  return out;
}

/** Binaries of the physical flow that are not on PATH. */
export async function missingPhysicalTools(): Promise<string[]> {
  const versions = await physicalToolVersions();
  return Object.entries(versions).filter(([, v]) => v === 'missing').map(([bin]) => bin);
}
