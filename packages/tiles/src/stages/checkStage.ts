/**
 * `GateSim.Check`: drive ≥ 10,000 vectors through each synthesized tile in our gate-level simulator and
 * compare with the golden model; cross-check a subset with Icarus on the kit's cell models (edge).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineStage, defineVars, str, writeJsonAtomic, type Finding } from '@hardwire/core';
import { GLITCH_MIN_VECTORS, chooseYosys, timedRunFindings, findKit, hasIcarus, hasSta, measureGlitches, parseLiberty, pdkRootVar, parseCellLibrary, parseOutputsHex, powerLibrary, runIcarus, splitNetsForIcarus, tileTestbench, vectorsHex, type TimedSimulation } from '@hardwire/eda';
import type { NetlistModule } from '../power/activityPower.ts';
import { writeMeasuredPower } from '../io/powerFiles.ts';
import { compileNetlist, type YosysNetlistJson } from '@hardwire/gatesim';
import { checkTile, tileVectors } from '../checkTile.ts';
import { goldenOutputs } from '../planTile.ts';
import { checkSeedVar, checkVectorsVar, crosscheckCellVectorsVar, crosscheckVectorsVar } from '../vars.ts';

interface Golden { top: string; rows: number; cols: number; inputBits: number; outputBits: number; codes: number[][]; arch: string; cyclesPerVector?: number }

export const gateSimCheckStage = defineStage({
  id: 'GateSim.Check',
  summary: 'Prove each synthesized tile bit-exact: 10,000+ vectors streamed through our gate-level simulator against W x (measuring cycles per vector), and a subset through Icarus on the kit cell models.',
  version: '4',
  inputs: ['tilesSynth'],
  outputs: ['gatesimReport'],
  vars: defineVars({ checkVectors: checkVectorsVar, checkSeed: checkSeedVar, crosscheckVectors: crosscheckVectorsVar, crosscheckCellVectors: crosscheckCellVectorsVar, pdkRoot: pdkRootVar }),
  async cacheSalt() {
    return { icarus: String(await hasIcarus()), sta: String(await hasSta()) };
  },
  async run(ctx) {
    const c = ctx.config;
    const kit = findKit(c.pdkRoot);
    const libText = readFileSync(kit.liberty, 'utf8');
    const cells = parseCellLibrary(libText);
    const lib = powerLibrary(parseLiberty(libText));
    const tilesDir = ctx.inputPath('tilesSynth');
    const icarus = c.crosscheckVectors > 0 && (await hasIcarus());
    const sta = await hasSta();
    // Icarus reads a copy of each netlist with its vector nets split (yosys), see splitNetsForIcarus.
    const yosysBackend = icarus ? (await chooseYosys('auto')).backend : undefined;
    const findings: Finding[] = [];
    if (c.crosscheckVectors > 0 && !icarus) findings.push({ type: 'crosscheck_skipped_warning', severity: 'warning', message: 'iverilog is not installed: no Icarus cross-check (apt-get install iverilog)' });
    const metrics: Record<string, number> = {};
    const report: Record<string, unknown>[] = [];
    const ids = readdirSync(tilesDir).sort();
    ctx.progress.start(ids.length, 'tiles', 'gate-level check');
    for (const id of ids) {
      const golden = JSON.parse(readFileSync(join(tilesDir, id, 'golden.json'), 'utf8')) as Golden;
      const codes = golden.codes.flat();
      const json = JSON.parse(readFileSync(join(tilesDir, id, 'netlist.json'), 'utf8')) as YosysNetlistJson;
      const netlist = compileNetlist(json, golden.top, cells);
      const vectors = tileVectors(golden.cols, golden.inputBits, c.checkVectors, c.checkSeed);
      const started = performance.now();
      // Icarus is event-driven and far slower than our simulator: the budget caps cells x vectors, and a tile over it gets none.
      const crossWanted = icarus ? (c.crosscheckCellVectors > 0 ? Math.min(c.crosscheckVectors, Math.floor(c.crosscheckCellVectors / netlist.cellCount)) : c.crosscheckVectors) : 0;
      if (icarus && crossWanted === 0 && c.crosscheckVectors > 0) findings.push({ type: 'crosscheck_skipped_warning', severity: 'warning', message: `${id}: ${netlist.cellCount} cells, over the Icarus budget of ${c.crosscheckCellVectors.toLocaleString('en-US')} cell-vectors: no Icarus cross-check for this tile (--crosscheck-cell-vectors 0 lifts the budget)` });
      const result = checkTile(netlist, codes, golden.rows, golden.cols, golden.inputBits, golden.outputBits, vectors, 32, 256, crossWanted, true);
      const seconds = (performance.now() - started) / 1000;
      if (result.firstMismatch) ctx.log(`${id}: MISMATCH vector ${result.firstMismatch.vector} row ${result.firstMismatch.row}: expected ${result.firstMismatch.expected}, got ${result.firstMismatch.got}`);
      ctx.log(`${id}: ${result.vectors} vectors, ${result.mismatches} mismatches, ${result.cyclesPerVector} cycles per vector (latency ${result.latencyCycles}), ${netlist.cellCount} cells, ${seconds.toFixed(2)} s`);
      if (golden.cyclesPerVector !== undefined && golden.cyclesPerVector !== result.cyclesPerVector) findings.push({ type: 'cycles_mismatch_error', severity: 'error', message: `${id}: the generator promised ${golden.cyclesPerVector} cycles per vector, simulation measured ${result.cyclesPerVector}` });
      let crossMismatches = 0;
      let crossVectors = 0;
      let glitch: { measurement: TimedSimulation; cells: typeof cells } | undefined;
      if (crossWanted > 0) {
        const dir = join(ctx.stageDir, 'icarus', id);
        mkdirSync(dir, { recursive: true });
        const subset = vectors.slice(0, crossWanted);
        if (crossWanted < c.crosscheckVectors) ctx.log(`${id}: Icarus on ${crossWanted} of ${c.crosscheckVectors} vectors (budget ${c.crosscheckCellVectors.toLocaleString('en-US')} cell-vectors for ${netlist.cellCount} cells)`);
        writeFileSync(join(dir, 'vectors.hex'), vectorsHex(subset, golden.inputBits));
        writeFileSync(join(dir, 'tb.v'), tileTestbench({ top: golden.top, cols: golden.cols, rows: golden.rows, inputBits: golden.inputBits, outputBits: golden.outputBits, vectors: subset.length, drainCycles: 2 * (golden.cyclesPerVector ?? golden.inputBits) + 4 }));
        const simNetlist = await splitNetsForIcarus(ctx, yosysBackend!, dir, join(tilesDir, id, 'netlist.v'), golden.top, kit.liberty);
        await runIcarus(ctx, dir, [kit.verilogPrimitives, kit.verilogCells, simNetlist, join(dir, 'tb.v')]);
        const outputs = parseOutputsHex(readFileSync(join(dir, 'outputs.hex'), 'utf8'), golden.rows, golden.outputBits);
        crossVectors = subset.length;
        for (let v = 0; v < subset.length; v++) {
          const want = goldenOutputs(codes, golden.rows, golden.cols, subset[v]);
          const got = outputs[v];
          const ours = result.outputs[v];
          for (let r = 0; r < golden.rows; r++) if (!got || got[r] !== want[r] || got[r] !== ours[r]) crossMismatches++;
        }
        if (outputs.length !== subset.length) ctx.log(`${id}: Icarus produced ${outputs.length} outputs for ${subset.length} vectors`);
        crossMismatches += Math.abs(outputs.length - subset.length) * golden.rows;
        ctx.log(`${id}: Icarus ${crossVectors} vectors, ${crossMismatches} mismatched outputs`);
        // Glitches: the same vectors with the cells' delays (OpenSTA's SDF), every transition against the settled toggles.
        if (sta && crossVectors >= GLITCH_MIN_VECTORS) {
          const measurement = await measureGlitches(ctx, { dir, splitNetlist: simNetlist, top: golden.top, libPath: kit.liberty, kit, cells, clockNs: 10, warmupCycles: 3 });
          glitch = { measurement, cells };
          ctx.log(`${id}: glitches ${Object.entries(measurement.byGroup).map(([g, v]) => `${g} x${v.factor}`).join(', ')}; all x${measurement.factor}`);
          findings.push(...timedRunFindings(id, measurement));
        }
      }
      // Power from the activity measured on the check's vectors (random int8 inputs streamed back to back: every cycle busy).
      const powerDir = join(ctx.stageDir, 'power', id);
      mkdirSync(powerDir, { recursive: true });
      const measured = writeMeasuredPower(powerDir, { module: json.modules[golden.top] as unknown as NetlistModule, top: golden.top, compiled: netlist, activity: result.activity!, lib, clockNs: 10, activitySource: 'seeded random int8 input vectors, back to back', glitch });
      const synth = JSON.parse(readFileSync(join(tilesDir, id, 'synth.json'), 'utf8')) as { transistors?: number };
      const tilePower = { transistors: synth.transistors ?? 0, cyclesPerVector: result.cyclesPerVector, ...measured };
      if (glitch) metrics[`gatesim__glitch_factor__tile:${id}`] = measured.glitchFactor;
      const add = (name: string, value: number) => (metrics[name] = (metrics[name] ?? 0) + value);
      for (const q of [`arch:${golden.arch}`, `tile:${id}`]) {
        add(`gatesim__vectors__count__${q}`, result.vectors);
        add(`gatesim__mismatch__count__${q}`, result.mismatches);
        if (q.startsWith('tile:')) add(`gatesim__cycles_per_vector__${q}`, result.cyclesPerVector);
        if (icarus) {
          add(`gatesim__crosscheck__vectors__${q}`, crossVectors);
          add(`gatesim__crosscheck__mismatch__count__${q}`, crossMismatches);
        }
      }
      metrics[`gatesim__energy_per_cycle_pj__tile:${id}`] = Number((tilePower.switchingPjPerCycle + tilePower.internalPjPerCycle).toFixed(4));
      report.push({ id, arch: golden.arch, rows: golden.rows, cols: golden.cols, power: tilePower, cells: netlist.cellCount, flops: netlist.flops.length, vectors: result.vectors, mismatches: result.mismatches, cycles: result.cycles, cyclesPerVector: result.cyclesPerVector, latencyCycles: result.latencyCycles, gateEvaluations: result.gateEvaluations, seconds: Number(seconds.toFixed(3)), firstMismatch: result.firstMismatch, icarus: icarus ? { vectors: crossVectors, mismatches: crossMismatches } : null });
      ctx.progress.advance(1);
    }
    ctx.progress.finish();
    await writeJsonAtomic(join(ctx.stageDir, 'report.json'), report.map(({ seconds: _s, ...rest }) => rest));
    return { views: { gatesimReport: 'report.json' }, metrics, findings };
  },
});
