/**
 * `Capacity.Calibrate`: synthesize tiles of several sizes in each architecture from the model's layer 0
 * q_proj (real or synthetic weights, the same generator as Tile.Generate), fit the tile cost model per
 * architecture, and measure its error on tiles left out of the fit; OpenSTA on the production-size tiles
 * gives the SKY130 clock (edge: yosys, sta).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, int, list, str, writeJsonAtomic } from '@hardwire/core';
import { cellArea, chooseYosys, findKit, netlistTransistors, openStaScript, parseStaOutput, parseYosysStat, runYosysScript, synthScript, transistorCounts, writeTileLiberty } from '@hardwire/eda';
import type { Inventory } from '@hardwire/models';
import { weightsFingerprint } from '@hardwire/quant';
import { tileGenVars, writeTileFolders } from '@hardwire/tiles';
import { FEATURE_NAMES, fitTileModel, leaveOneOut, type TileSample } from '../calibrate.ts';
import { CONSTANTS } from '../constants.ts';

const SIZE = /^(\d+)x(\d+)$/;

export const calibrateStage = defineStage({
  id: 'Capacity.Calibrate',
  summary: 'Synthesize tiles of several sizes per architecture, fit the tile cost model, and measure its error on held-out tiles; OpenSTA gives the SKY130 clock.',
  version: '1',
  inputs: ['inventory'],
  outputs: ['calibration'],
  vars: defineVars({
    calibrationSizes: list({ default: ['4x8', '4x16', '8x8', '8x16', '16x16', '16x32', '32x32'], doc: 'Tile sizes (ROWSxCOLS) synthesized to fit the cost model; at least six (five coefficients, one held out).' }),
    productionTile: str({ default: '16x32', doc: 'Tile size the whole-model estimate is built from (one of the calibration sizes).' }),
    calibrationArchs: list({ default: ['da', 'parallel'], choices: ['da', 'parallel'], doc: 'Architectures to calibrate.' }),
    synthJobs: int({ default: 2, min: 1, max: 64, doc: 'Tiles synthesized at once.' }),
    ...tileGenVars,
    pdkRoot: str({ doc: 'sky130hd kit folder (else PDK_ROOT, then ../shared/pdk/sky130hd).' }),
  }),
  async cacheSalt(config) {
    const { backend, version } = await chooseYosys('auto');
    return { yosys: `${backend}-${version}`, weights: await weightsFingerprint(config.weights), kit: findKit(config.pdkRoot).liberty };
  },
  async run(ctx) {
    const c = ctx.config;
    const sizes = c.calibrationSizes.map((s) => {
      const m = SIZE.exec(s);
      if (!m) throw new UserError(`--calibration-sizes ${s}: expected ROWSxCOLS`);
      return { rows: Number(m[1]), cols: Number(m[2]), name: s };
    });
    if (sizes.length < FEATURE_NAMES.length + 1) throw new UserError(`--calibration-sizes: ${sizes.length} sizes; the held-out fit needs at least ${FEATURE_NAMES.length + 1} (one more than the model's ${FEATURE_NAMES.length} coefficients)`);
    if (!sizes.some((s) => s.name === c.productionTile)) throw new UserError(`--production-tile ${c.productionTile}: not one of --calibration-sizes`);
    const inventory = JSON.parse(readFileSync(ctx.inputPath('inventory'), 'utf8')) as Inventory;
    const kit = findKit(c.pdkRoot);
    const { backend } = await chooseYosys('auto');
    const perCell = transistorCounts(readFileSync(kit.cdl, 'utf8'));
    const work = join(ctx.stageDir, 'work');
    const { text: libertyText, cells, libPath } = writeTileLiberty(kit, work);
    const jobs: { size: (typeof sizes)[number]; arch: 'da' | 'parallel'; dir: string; id: string }[] = [];
    for (const size of sizes) {
      const gen = await writeTileFolders({ c, inventory, rows: size.rows, cols: size.cols, row: 0, col: 0, archs: c.calibrationArchs as Array<'da' | 'parallel'>, outRoot: join(work, 'tiles') });
      gen.ids.forEach((id, i) => jobs.push({ size, arch: (c.calibrationArchs as Array<'da' | 'parallel'>)[i], dir: join(work, 'tiles', id), id }));
    }
    const samples: TileSample[] = [];
    const clocks: Record<string, number> = {};
    const energies: Record<string, number> = {};
    ctx.progress.start(jobs.length, 'tiles', `calibration synthesis (yosys ${backend})`);
    let next = 0;
    const one = async (job: (typeof jobs)[number]) => {
      const golden = JSON.parse(readFileSync(join(job.dir, 'golden.json'), 'utf8')) as { top: string; rows: number; cols: number; inputBits: number; outputBits: number; instances: number; arch: string };
      if (backend === 'native' && !existsSync(join(job.dir, 'cells.lib'))) writeFileSync(join(job.dir, 'cells.lib'), libertyText);
      writeFileSync(join(job.dir, 'synth.ys'), synthScript({ liberty: 'cells.lib', sources: ['rtl.v'], modules: [{ top: golden.top, stem: 'netlist' }] }));
      await runYosysScript(ctx, backend, job.dir, 'synth.ys', [join(job.dir, 'rtl.v'), libPath]);
      const stat = parseYosysStat(readFileSync(join(job.dir, 'netlist.stat.json'), 'utf8'), golden.top);
      const { transistors } = netlistTransistors(stat.cellsByType, perCell);
      const cellCount = Object.values(stat.cellsByType).reduce((a, b) => a + b, 0);
      samples.push({ id: job.id, arch: job.arch, rows: golden.rows, cols: golden.cols, inputBits: golden.inputBits, outputBits: golden.outputBits, instances: golden.instances, cells: cellCount, transistors, areaUm2: Number(cellArea(stat.cellsByType, cells).toFixed(3)) });
      if (job.size.name === c.productionTile) {
        writeFileSync(join(job.dir, 'sta.tcl'), openStaScript({ liberty: libPath, netlist: join(job.dir, 'netlist.v'), top: golden.top, clockNs: 10, clockPort: 'clk' }));
        const r = await ctx.exec('sta', ['-no_splash', '-exit', join(job.dir, 'sta.tcl')], { cwd: job.dir });
        const sta = parseStaOutput(r.output);
        clocks[job.arch] = 1000 / (10 - sta.worstSlackNs);
        // Switching power at the 10 ns clock, inputs toggling at the assumed activity.
        writeFileSync(join(job.dir, 'power.tcl'), [`read_liberty ${libPath}`, 'read_verilog netlist.v', `link_design ${golden.top}`, 'create_clock -name clk -period 10 [get_ports clk]', `set_power_activity -input -activity ${CONSTANTS.switchingActivity.value}`, 'report_power', 'exit', ''].join('\n'));
        const p = await ctx.exec('sta', ['-no_splash', '-exit', join(job.dir, 'power.tcl')], { cwd: job.dir });
        const total = /^Total\s+\S+\s+\S+\s+\S+\s+(\S+)/m.exec(p.output);
        if (total) energies[job.arch] = (Number(total[1]) * 10e-9) / transistors;
      }
      ctx.progress.advance(1);
    };
    await Promise.all(Array.from({ length: Math.min(c.synthJobs, jobs.length) }, async () => {
      while (next < jobs.length) await one(jobs[next++]);
    }));
    ctx.progress.finish();
    samples.sort((a, b) => a.arch.localeCompare(b.arch) || a.rows * a.cols - b.rows * b.cols || a.rows - b.rows);
    const metrics: Record<string, number> = { capacity__calibration__samples: samples.length };
    const models: Record<string, unknown> = {};
    const heldOut: Record<string, unknown> = {};
    let worstMean = 0;
    for (const arch of c.calibrationArchs) {
      const mine = samples.filter((s) => s.arch === arch);
      const model = fitTileModel(mine);
      const loo = leaveOneOut(mine);
      models[arch] = model;
      heldOut[arch] = loo;
      metrics[`capacity__calibration__error_pct__arch:${arch}`] = Number(loo.meanAbsPct.toFixed(2));
      metrics[`capacity__calibration__error_max_pct__arch:${arch}`] = Number(loo.maxAbsPct.toFixed(2));
      const looCells = leaveOneOut(mine, 'cells');
      const looArea = leaveOneOut(mine, 'areaUm2');
      heldOut[`${arch}:cells`] = looCells;
      heldOut[`${arch}:area`] = looArea;
      metrics[`capacity__calibration__cells_error_pct__arch:${arch}`] = Number(looCells.meanAbsPct.toFixed(2));
      metrics[`capacity__calibration__area_error_pct__arch:${arch}`] = Number(looArea.meanAbsPct.toFixed(2));
      worstMean = Math.max(worstMean, loo.meanAbsPct);
      if (clocks[arch]) metrics[`capacity__sky130__clock_mhz__arch:${arch}`] = Number(clocks[arch].toFixed(1));
      if (energies[arch]) metrics[`capacity__sky130__energy_per_transistor_fj__arch:${arch}`] = Number((energies[arch] * 1e15).toFixed(4));
      ctx.log(`${arch}: ${mine.length} tiles, leave-one-out error mean ${loo.meanAbsPct.toFixed(2)} %, max ${loo.maxAbsPct.toFixed(2)} %`);
    }
    metrics.capacity__calibration__error_pct = Number(worstMean.toFixed(2));
    const production = samples.filter((s) => `${s.rows}x${s.cols}` === c.productionTile);
    const basis = production.map((s) => ({
      arch: s.arch,
      rows: s.rows,
      cols: s.cols,
      k: c.block,
      inputBits: s.inputBits,
      outputBits: s.outputBits,
      instancesPerBlock: s.instances / ((s.rows * s.cols) / c.block),
      sky130Um2PerTransistor: s.areaUm2 / s.transistors,
      sky130ClockMHz: clocks[s.arch],
      sky130EnergyPerTransistorJ: energies[s.arch],
    }));
    await writeJsonAtomic(join(ctx.stageDir, 'calibration.json'), { model: inventory.model, tensor: 'layer 0 q_proj, window at 0,0', samples, models, heldOut, productionTile: c.productionTile, basis });
    return { views: { calibration: 'calibration.json' }, metrics };
  },
});
