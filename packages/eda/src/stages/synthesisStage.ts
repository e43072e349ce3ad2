/** `Yosys.Synthesis`: synthesize every tile's RTL on SKY130 (dont_use applied), count cells, area and transistors (edge). */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineStage, defineVars, int, oneOf, str, writeJsonAtomic } from '@hardwire/core';
import { chooseYosys, runYosysScript } from '../drivers/runYosys.ts';
import { findKit, writeTileLiberty } from '../io/findKit.ts';
import { cellArea, parseCellLibrary } from '../liberty/cellLibrary.ts';
import { netlistTransistors, transistorCounts } from '../cdl/transistorCounts.ts';
import { parseYosysStat, synthScript } from '../yosys/synthScript.ts';

export const synthesisStage = defineStage({
  id: 'Yosys.Synthesis',
  summary: 'Synthesize each tile with yosys against the SKY130 kit; exact transistor counts from the kit CDL.',
  version: '2',
  inputs: ['tiles'],
  outputs: ['tilesSynth'],
  publish: { tilesSynth: 'tiles' },
  vars: defineVars({
    yosys: oneOf(['auto', 'native', 'wasm'] as const, { default: 'auto', doc: 'yosys to run: auto (native on PATH, else the npm WebAssembly build), native, or wasm.' }),
    pdkRoot: str({ doc: 'sky130hd kit folder (else PDK_ROOT, then ../shared/pdk/sky130hd).' }),
    synthJobs: int({ default: 2, min: 1, max: 64, doc: 'Tiles synthesized at once.' }),
  }),
  async cacheSalt(config) {
    const { backend, version } = await chooseYosys(config.yosys);
    return { yosys: `${backend}-${version}`, kit: findKit(config.pdkRoot).liberty };
  },
  async run(ctx) {
    const c = ctx.config;
    const kit = findKit(c.pdkRoot);
    const { backend, version } = await chooseYosys(c.yosys);
    const perCell = transistorCounts(readFileSync(kit.cdl, 'utf8'));
    const work = join(ctx.stageDir, 'work');
    const { cells, libPath } = writeTileLiberty(kit, work);
    const inputDir = ctx.inputPath('tiles');
    const ids = readdirSync(inputDir).sort();
    const metrics: Record<string, number> = {};
    const perArch = new Map<string, { cells: number; area: number; transistors: number; coefficients: number }>();
    ctx.progress.start(ids.length, 'tiles', `yosys ${backend}`);
    let next = 0;
    const synthOne = async (id: string) => {
      const dir = join(ctx.stageDir, 'tiles', id);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(inputDir, id, 'rtl.v'), join(dir, 'rtl.v'));
      copyFileSync(join(inputDir, id, 'golden.json'), join(dir, 'golden.json'));
      const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { top: string; rows: number; cols: number; arch: string };
      const tileWork = join(work, id);
      mkdirSync(tileWork, { recursive: true });
      copyFileSync(join(dir, 'rtl.v'), join(tileWork, 'rtl.v'));
      if (backend === 'native' && !existsSync(join(tileWork, 'cells.lib'))) symlinkSync(libPath, join(tileWork, 'cells.lib'));
      writeFileSync(join(tileWork, 'synth.ys'), synthScript({ liberty: 'cells.lib', sources: ['rtl.v'], modules: [{ top: golden.top, stem: 'netlist' }] }));
      await runYosysScript(ctx, backend, tileWork, 'synth.ys', [join(tileWork, 'rtl.v'), libPath]);
      copyFileSync(join(tileWork, 'netlist.v'), join(dir, 'netlist.v'));
      copyFileSync(join(tileWork, 'netlist.json'), join(dir, 'netlist.json'));
      copyFileSync(join(tileWork, 'yosys.log'), join(dir, 'yosys.log'));
      const stat = parseYosysStat(readFileSync(join(tileWork, 'netlist.stat.json'), 'utf8'), golden.top);
      const { transistors, unknown } = netlistTransistors(stat.cellsByType, perCell);
      if (unknown.length > 0) throw new Error(`${id}: cells missing from the CDL: ${unknown.join(', ')}`);
      const area = cellArea(stat.cellsByType, cells);
      await writeJsonAtomic(join(dir, 'synth.json'), { yosys: { backend, version }, cells: stat.cells, areaUm2: Number(area.toFixed(4)), transistors, cellsByType: stat.cellsByType });
      metrics[`synth__design__instance__count__tile:${id}`] = stat.cells;
      metrics[`synth__design__instance__area__tile:${id}`] = Number(area.toFixed(4));
      metrics[`synth__design__transistor__count__tile:${id}`] = transistors;
      const a = perArch.get(golden.arch) ?? { cells: 0, area: 0, transistors: 0, coefficients: 0 };
      perArch.set(golden.arch, { cells: a.cells + stat.cells, area: a.area + area, transistors: a.transistors + transistors, coefficients: a.coefficients + golden.rows * golden.cols });
      ctx.log(`${id}: ${stat.cells} cells, ${area.toFixed(1)} um2, ${transistors} transistors`);
      ctx.progress.advance(1);
    };
    await Promise.all(Array.from({ length: Math.min(c.synthJobs, ids.length) }, async () => {
      while (next < ids.length) await synthOne(ids[next++]);
    }));
    ctx.progress.finish();
    for (const [arch, a] of [...perArch.entries()].sort()) {
      metrics[`synth__design__instance__count__arch:${arch}`] = a.cells;
      metrics[`synth__design__instance__area__arch:${arch}`] = Number(a.area.toFixed(4));
      metrics[`synth__design__transistor__count__arch:${arch}`] = a.transistors;
      metrics[`synth__transistors_per_coefficient__arch:${arch}`] = Number((a.transistors / a.coefficients).toFixed(3));
    }
    rmSync(work, { recursive: true, force: true });
    return { views: { tilesSynth: 'tiles' }, metrics };
  },
});
