/**
 * `Yosys.Synthesis`: every tile's RTL through `synthesizeTile` (yosys on SKY130 with the dont_use list,
 * generic adders onto the kit's adder cells, fanout buffer trees), exact transistor counts in all and by the
 * tile's top-level instance groups, yosys time and peak memory, and an OpenSTA clock when it is installed (edge).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bool, defineStage, defineVars, executorConfig, executorVars, int, num, oneOf, str, writeJsonAtomic, type Finding } from '@hardwire/core';
import { chooseYosys } from '../drivers/runYosys.ts';
import { hasSta } from '../drivers/synthesizeTile.ts';
import { synthesizeTiles } from '../drivers/synthesizeTiles.ts';
import { findKit, pdkRootVar, writeTileLiberty } from '../io/findKit.ts';
import { transistorCounts } from '../cdl/transistorCounts.ts';

export const synthesisStage = defineStage({
  id: 'Yosys.Synthesis',
  summary: 'Synthesize each tile with yosys against the SKY130 kit (adder cells, fanout buffers); exact transistor counts from the kit CDL, by instance group; OpenSTA clock.',
  version: '3',
  inputs: ['tiles'],
  outputs: ['tilesSynth'],
  publish: { tilesSynth: 'tiles' },
  vars: defineVars({
    yosys: oneOf(['auto', 'native', 'wasm'] as const, { default: 'auto', doc: 'yosys to run: auto (native on PATH, else the npm WebAssembly build), native, or wasm.' }),
    pdkRoot: pdkRootVar,
    synthJobs: int({ default: 2, min: 1, max: 64, doc: 'Tiles synthesized at once.' }),
    ...executorVars,
    sta: bool({ default: true, doc: 'Time each synthesized tile with OpenSTA (when installed): the clock in SKY130, ideal clock, no wires.' }),
    staClockNs: num({ default: 10, min: 0.1, unit: 'ns', doc: 'Clock period OpenSTA checks against; the clock reported is 1 / (period − worst slack).' }),
    maxFanout: int({ default: 12, min: 2, max: 64, doc: 'Largest fanout left after buffering (clock, tied resets and control nets become buffer trees).' }),
  }),
  async cacheSalt(config) {
    const { backend, version } = await chooseYosys(config.yosys);
    return { yosys: `${backend}-${version}`, kit: findKit(config.pdkRoot).liberty, sta: String(config.sta && (await hasSta())) };
  },
  async run(ctx) {
    const c = ctx.config;
    const kit = findKit(c.pdkRoot);
    const { backend, version } = await chooseYosys(c.yosys);
    const perCell = transistorCounts(readFileSync(kit.cdl, 'utf8'));
    const work = join(ctx.stageDir, 'work');
    const { cells, libPath } = writeTileLiberty(kit, work);
    const sta = c.sta && (await hasSta());
    const findings: Finding[] = [];
    if (c.sta && !sta) findings.push({ type: 'sta_skipped_warning', severity: 'warning', message: 'OpenSTA (sta) is not installed: no clock per tile (apt-get install opensta)' });
    const inputDir = ctx.inputPath('tiles');
    const ids = readdirSync(inputDir).sort();
    const metrics: Record<string, number> = {};
    const perArch = new Map<string, { cells: number; area: number; transistors: number; coefficients: number }>();
    ctx.progress.start(ids.length, 'tiles', `yosys ${backend}`);
    const prepared = ids.map((id) => {
      const dir = join(ctx.stageDir, 'tiles', id);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(inputDir, id, 'rtl.v'), join(dir, 'rtl.v'));
      copyFileSync(join(inputDir, id, 'golden.json'), join(dir, 'golden.json'));
      const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { top: string; rows: number; cols: number; arch: string };
      const tileWork = join(work, id);
      mkdirSync(tileWork, { recursive: true });
      copyFileSync(join(dir, 'rtl.v'), join(tileWork, 'rtl.v'));
      return { id, dir, golden, tileWork };
    });
    const results = await synthesizeTiles(ctx, executorConfig(c, c.synthJobs), prepared.map((t) => ({ cdlPath: kit.cdl, options: { backend, workDir: t.tileWork, top: t.golden.top, libPath, cells, perCell, maxFanout: c.maxFanout, staClockNs: sta ? c.staClockNs : undefined } })), ctx.progress, 'yosys-synthesis');
    for (const [index, { id, dir, golden, tileWork }] of prepared.entries()) {
      const s = results[index];
      for (const f of ['netlist.v', 'netlist.json', 'yosys.log', ...(sta ? ['sta.log'] : [])]) copyFileSync(join(tileWork, f), join(dir, f));
      await writeJsonAtomic(join(dir, 'synth.json'), {
        yosys: { backend, version },
        cells: s.cells,
        yosysCells: s.yosysCells,
        fanoutBuffers: s.fanoutBuffers,
        areaUm2: s.areaUm2,
        transistors: s.transistors,
        transistorsByGroup: s.transistorsByGroup,
        cellsByType: s.cellsByType,
        synthWallS: s.wallS,
        synthCpuS: s.cpuS,
        synthPeakMb: s.peakMb,
        clockMhz: s.clockMhz,
        worstSlackNs: s.worstSlackNs,
      });
      const q = `__tile:${id}`;
      metrics[`synth__design__instance__count${q}`] = s.cells;
      metrics[`synth__design__instance__area${q}`] = s.areaUm2;
      metrics[`synth__design__transistor__count${q}`] = s.transistors;
      metrics[`synth__fanout__buffers__count${q}`] = s.fanoutBuffers;
      metrics[`synth__runtime__wall_s${q}`] = s.wallS;
      if (s.peakMb !== undefined) metrics[`synth__mem__peak_mb${q}`] = s.peakMb;
      if (s.clockMhz !== undefined) metrics[`synth__timing__clock_mhz${q}`] = s.clockMhz;
      const a = perArch.get(golden.arch) ?? { cells: 0, area: 0, transistors: 0, coefficients: 0 };
      perArch.set(golden.arch, { cells: a.cells + s.cells, area: a.area + s.areaUm2, transistors: a.transistors + s.transistors, coefficients: a.coefficients + golden.rows * golden.cols });
      ctx.log(`${id}: ${s.cells} cells (${s.fanoutBuffers} fanout buffers), ${s.areaUm2.toFixed(1)} um2, ${s.transistors} transistors (${(s.transistors / (golden.rows * golden.cols)).toFixed(2)} per coefficient), yosys ${s.wallS.toFixed(1)} s${s.peakMb ? `, ${s.peakMb} MB peak` : ''}${s.clockMhz ? `, ${s.clockMhz} MHz` : ''}`);
      rmSync(tileWork, { recursive: true, force: true });
    }
    ctx.progress.finish();
    for (const [arch, a] of [...perArch.entries()].sort()) {
      metrics[`synth__design__instance__count__arch:${arch}`] = a.cells;
      metrics[`synth__design__instance__area__arch:${arch}`] = Number(a.area.toFixed(4));
      metrics[`synth__design__transistor__count__arch:${arch}`] = a.transistors;
      metrics[`synth__transistors_per_coefficient__arch:${arch}`] = Number((a.transistors / a.coefficients).toFixed(3));
    }
    rmSync(work, { recursive: true, force: true });
    return { views: { tilesSynth: 'tiles' }, metrics, findings };
  },
});
