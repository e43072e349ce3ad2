/**
 * `Units.Synthesize`: the non-weight units of a token's path (attention lane, softmax, RMSNorm, reciprocal,
 * cross-tile reducer with requantizer, SiLU·up, RoPE, argmax) generated as RTL, synthesized on SKY130 with
 * yosys, timed with OpenSTA, proven bit-exact against their golden models in our gate-level simulator and
 * in Icarus on the kit's cell models (edge). `units.json` is what the schedule and the estimate price.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineStage, defineVars, forEachBounded, int, num, writeJsonAtomic, type Finding } from '@hardwire/core';
import { GLITCH_MIN_VECTORS, chooseYosys, timedRunFindings, findKit, hasIcarus, hasSta, measureGlitches, parseLiberty, pdkRootVar, powerLibrary, runIcarus, splitNetsForIcarus, synthesizeTile, tileTestbench, transistorCounts, writeTileLiberty, type TimedSimulation } from '@hardwire/eda';
import type { NetlistModule } from '../power/activityPower.ts';
import { writeMeasuredPower, type MeasuredPower } from '../io/powerFiles.ts';
import { compileNetlist, type YosysNetlistJson } from '@hardwire/gatesim';
import { checkUnit, parseUnitOutputsHex, unitVectorsHex } from '../units/checkUnit.ts';
import { UNIT_SPECS, fieldBits, packFields, unitModuleName, unitVectors, unitVerilog } from '../units/units.ts';
import { checkSeedVar } from '../vars.ts';

/** One synthesized and proven unit, as units.json lists it. */
export interface SynthesizedUnit {
  readonly id: string;
  readonly summary: string;
  readonly module: string;
  readonly ratePerCycle: number;
  readonly workUnit: 'mac' | 'op';
  readonly inputBits: number;
  readonly outputBits: number;
  readonly cells: number;
  readonly transistors: number;
  readonly areaUm2: number;
  /** SKY130 clock from OpenSTA (1 / (period − worst slack)); undefined without OpenSTA. */
  readonly clockMHz?: number;
  readonly cyclesPerVector: number;
  readonly latencyCycles: number;
  readonly vectors: number;
  readonly mismatches: number;
  readonly icarus: { readonly vectors: number; readonly mismatches: number } | null;
  /** Energy per busy cycle from the activity measured on the check's vectors (the Liberty tables; pJ) and leakage (nW). */
  readonly power: MeasuredPower;
}

export const unitsSynthesizeStage = defineStage({
  id: 'Units.Synthesize',
  summary: 'The units besides the weight tiles (attention lane, softmax, RMSNorm, reciprocal, reducer with requantizer, SiLU·up, RoPE, argmax) as RTL, synthesized and timed on SKY130, proven bit-exact in our simulator and in Icarus.',
  version: '4',
  inputs: [],
  outputs: ['units'],
  publish: { units: 'units.json' },
  vars: defineVars({
    unitVectors: int({ default: 10_000, min: 100, doc: 'Vectors (corners plus seeded random) the gate-level check drives through each unit.' }),
    checkSeed: checkSeedVar,
    unitCrosscheckVectors: int({ default: 1000, min: 0, doc: 'Of those, how many Icarus also simulates on the kit cell models (0: no cross-check).' }),
    unitClockNs: num({ default: 10, min: 1, unit: 'ns', doc: 'Clock period the units are timed at (OpenSTA); the clock reported is 1 / (period − worst slack).' }),
    maxFanout: int({ default: 12, min: 2, max: 64, doc: 'Largest fanout left after buffering (clock, tied resets and control nets become buffer trees).' }),
    synthJobs: int({ default: 2, min: 1, max: 64, doc: 'Units synthesized at once.' }),
    pdkRoot: pdkRootVar,
  }),
  async cacheSalt(config) {
    const { backend, version } = await chooseYosys('auto');
    return { yosys: `${backend}-${version}`, kit: findKit(config.pdkRoot).liberty, sta: String(await hasSta()), icarus: String(await hasIcarus()) };
  },
  async run(ctx) {
    const c = ctx.config;
    const kit = findKit(c.pdkRoot);
    const { backend } = await chooseYosys('auto');
    const perCell = transistorCounts(readFileSync(kit.cdl, 'utf8'));
    const sta = await hasSta();
    const icarus = c.unitCrosscheckVectors > 0 && (await hasIcarus());
    const work = join(ctx.stageDir, 'work');
    const { cells, libPath, text: libText } = writeTileLiberty(kit, work);
    const lib = powerLibrary(parseLiberty(libText));
    const findings: Finding[] = [];
    if (!sta) findings.push({ type: 'units_clock_unmeasured_warning', severity: 'warning', message: 'OpenSTA (sta) is not installed: the units are not timed (apt-get install opensta)' });
    if (c.unitCrosscheckVectors > 0 && !icarus) findings.push({ type: 'crosscheck_skipped_warning', severity: 'warning', message: 'iverilog is not installed: no Icarus cross-check of the units (apt-get install iverilog)' });
    const results = new Map<string, SynthesizedUnit>();
    ctx.progress.start(UNIT_SPECS.length, 'units', `synthesis, timing and proof (yosys ${backend})`);
    await forEachBounded(UNIT_SPECS, c.synthJobs, async (spec) => {
      const dir = join(work, spec.id);
      mkdirSync(dir, { recursive: true });
      const module = unitModuleName(spec);
      writeFileSync(join(dir, 'rtl.v'), unitVerilog(spec));
      const s = await synthesizeTile(ctx, { backend, workDir: dir, top: module, libPath, cells, perCell, maxFanout: c.maxFanout, staClockNs: sta ? c.unitClockNs : undefined });
      const json = JSON.parse(readFileSync(join(dir, 'netlist.json'), 'utf8')) as YosysNetlistJson;
      const netlist = compileNetlist(json, module, cells);
      const vectors = unitVectors(spec, c.unitVectors, c.checkSeed);
      const check = checkUnit(netlist, spec, vectors, 8, c.unitCrosscheckVectors, true);
      let cross: SynthesizedUnit['icarus'] = null;
      let glitch: { measurement: TimedSimulation; cells: typeof cells } | undefined;
      if (icarus) {
        const subset = vectors.slice(0, c.unitCrosscheckVectors);
        const X = fieldBits(spec.inputs);
        const Y = fieldBits(spec.outputs);
        writeFileSync(join(dir, 'vectors.hex'), unitVectorsHex(spec, subset));
        writeFileSync(join(dir, 'tb.v'), tileTestbench({ top: module, cols: 1, rows: 1, inputBits: X, outputBits: Y, vectors: subset.length, drainCycles: 4 + check.latencyCycles }));
        const simNetlist = await splitNetsForIcarus(ctx, backend, dir, join(dir, 'netlist.v'), module, kit.liberty);
        await runIcarus(ctx, dir, [kit.verilogPrimitives, kit.verilogCells, simNetlist, join(dir, 'tb.v')]);
        const outputs = parseUnitOutputsHex(readFileSync(join(dir, 'outputs.hex'), 'utf8'));
        let mismatches = Math.abs(outputs.length - subset.length);
        for (let v = 0; v < Math.min(outputs.length, subset.length); v++) {
          const want = packFields(spec.outputs, spec.golden(subset[v]));
          if (outputs[v] !== want || outputs[v] !== check.outputs[v]) mismatches++;
        }
        cross = { vectors: subset.length, mismatches };
        // Glitches: the same vectors with the cells' delays (OpenSTA's SDF) against the settled toggles.
        if (sta && subset.length >= GLITCH_MIN_VECTORS) {
          const measurement = await measureGlitches(ctx, { dir, splitNetlist: simNetlist, top: module, libPath: kit.liberty, kit, cells, clockNs: c.unitClockNs, warmupCycles: 3 });
          glitch = { measurement, cells };
          findings.push(...timedRunFindings(spec.id, measurement));
        }
      }
      // Power from the activity of the check's vectors (seeded random inputs: an upper bound on a real stream's), with the glitches measured.
      const power = writeMeasuredPower(dir, { module: json.modules[module] as unknown as NetlistModule, top: module, compiled: netlist, activity: check.activity!, lib, clockNs: c.unitClockNs, activitySource: 'seeded random input vectors (an upper bound)', glitch });
      ctx.log(`${spec.id}: yosys ${s.wallS.toFixed(1)} s; ${s.cells} cells, ${s.transistors.toLocaleString('en-US')} transistors, ${s.clockMhz ?? '?'} MHz; ${check.vectors} vectors, ${check.mismatches} mismatches, ${check.cyclesPerVector} cycle(s) per vector, latency ${check.latencyCycles}${cross ? `; Icarus ${cross.vectors} vectors, ${cross.mismatches} mismatches` : ''}`);
      results.set(spec.id, {
        id: spec.id,
        summary: spec.summary,
        module,
        ratePerCycle: spec.ratePerCycle,
        workUnit: spec.workUnit,
        inputBits: fieldBits(spec.inputs),
        outputBits: fieldBits(spec.outputs),
        cells: s.cells,
        transistors: s.transistors,
        areaUm2: s.areaUm2,
        clockMHz: s.clockMhz,
        cyclesPerVector: check.cyclesPerVector,
        latencyCycles: check.latencyCycles,
        vectors: check.vectors,
        mismatches: check.mismatches,
        icarus: cross,
        power,
      });
      ctx.progress.advance(1);
    });
    ctx.progress.finish();
    const units = UNIT_SPECS.map((s) => results.get(s.id)!);
    await writeJsonAtomic(join(ctx.stageDir, 'units.json'), { units });
    const metrics: Record<string, number> = {
      units__count: units.length,
      units__vectors__count: units.reduce((s, u) => s + u.vectors, 0),
      units__mismatch__count: units.reduce((s, u) => s + u.mismatches, 0),
    };
    if (icarus) metrics.units__crosscheck__mismatch__count = units.reduce((s, u) => s + (u.icarus?.mismatches ?? 0), 0);
    for (const u of units) {
      metrics[`units__transistors__unit:${u.id}`] = u.transistors;
      metrics[`units__energy_per_cycle_pj__unit:${u.id}`] = Number((u.power.switchingPjPerCycle + u.power.internalPjPerCycle).toFixed(4));
      if (u.clockMHz !== undefined) metrics[`units__clock_mhz__unit:${u.id}`] = u.clockMHz;
    }
    return { views: { units: 'units.json' }, metrics, findings };
  },
});
