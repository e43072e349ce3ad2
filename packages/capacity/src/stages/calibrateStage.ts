/**
 * `Capacity.Calibrate`: synthesize tiles of several sizes per architecture from the model's layer 0 q_proj
 * (real or synthetic weights, the same generator as Tile.Generate), fit the structural tile cost model per
 * architecture and measure its error on tiles left out of the fit; generate (not synthesize) the
 * production-size tile of each architecture (always one of the synthesized sizes) for the structure the estimate prices; OpenSTA on the
 * production tile gives the SKY130 clock, and on the next size down the first-order switching energy (edge: yosys, sta).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError, UserError, defineStage, defineVars, executorConfig, executorVars, int, list, str, writeJsonAtomic, type Finding } from '@hardwire/core';
import { chooseYosys, findKit, hasSta, measureSwitchingPower, pdkRootVar, synthesizeTiles, transistorCounts, writeTileLiberty } from '@hardwire/eda';
import { LAYER_MATRIX_ROLES, matrixDims, type Inventory } from '@hardwire/models';
import { weightsFingerprint } from '@hardwire/quant';
import { TILE_ARCHS, expandTileArchs, tileGenVars, writeTileFolders, writeTileFoldersOffThread, type TileStructure } from '@hardwire/tiles';
import { FEATURE_NAMES, fitTileModel, leaveOneOut, type TileSample } from '../calibrate.ts';
import { CONSTANTS } from '../constants.ts';
import { estimateArchVar } from './studyStages.ts';

const SIZE = /^(\d+)x(\d+)$/;

/** The matrix calibration tiles are cut from (as Tile.Generate picks it: layer 0's q_proj, else the first layer matrix). */
function calibrationMatrix(inventory: Inventory): { name: string; rows: number; cols: number } {
  const t = inventory.tensors.find((x) => x.role === 'attn.q' && x.layer === 0) ?? inventory.tensors.find((x) => LAYER_MATRIX_ROLES.includes(x.role));
  if (!t) throw new UserError(`${inventory.model}: no layer matrix to calibrate on`);
  const { rows, cols } = matrixDims(t.shape);
  return { name: t.name, rows, cols };
}

interface Golden { top: string; rows: number; cols: number; inputBits: number; outputBits: number; instances: number; arch: string; cyclesPerVector: number; structure: TileStructure }

export const calibrateStage = defineStage({
  id: 'Capacity.Calibrate',
  summary: 'Synthesize tiles of several sizes per architecture, fit the structural tile cost model, measure its error on held-out tiles and at the production-size tile it prices (always synthesized); OpenSTA gives the SKY130 clock.',
  version: '3',
  inputs: ['inventory'],
  outputs: ['calibration'],
  vars: defineVars({
    calibrationSizes: list({ default: ['4x16', '8x16', '16x16', '16x32', '32x32', '32x64', '32x128', '64x128'], doc: `Tile sizes (ROWSxCOLS) synthesized to fit the cost model, clipped to the calibration matrix; the production tile is always added, so the fit covers the size it prices. At least ${FEATURE_NAMES.length + 1} distinct (one more than the model's coefficients).` }),
    productionTile: str({ doc: 'Tile size the whole-model estimate is built from (default 64x1024, clipped to the calibration matrix): synthesized as one of the calibration sizes, and priced by the fitted model; the held-out error at this size is reported.' }),
    calibrationArchs: list({ default: [...TILE_ARCHS], choices: [...TILE_ARCHS, 'all', 'auto'], doc: 'Architectures to calibrate (auto: the one the estimate prices, --arch; bitserial-shared for rom, whose clock it borrows).' }),
    arch: estimateArchVar,
    synthJobs: int({ default: 2, min: 1, max: 64, doc: 'Tiles synthesized at once.' }),
    ...executorVars,
    maxFanout: int({ default: 12, min: 2, max: 64, doc: 'Largest fanout left after buffering (clock, tied resets and control nets become buffer trees).' }),
    ...tileGenVars,
    pdkRoot: pdkRootVar,
  }),
  async cacheSalt(config) {
    const { backend, version } = await chooseYosys('auto');
    return { yosys: `${backend}-${version}`, weights: await weightsFingerprint(config.weights), kit: findKit(config.pdkRoot).liberty, sta: String(await hasSta()) };
  },
  async run(ctx) {
    const c = ctx.config;
    const parse = (s: string, flag: string) => {
      const m = SIZE.exec(s);
      if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) throw new UserError(`${flag} ${s}: expected ROWSxCOLS`);
      return { rows: Number(m[1]), cols: Number(m[2]), name: s };
    };
    const archs = expandTileArchs(c.calibrationArchs.map((a) => (a === 'auto' ? (c.arch === 'rom' ? 'bitserial-shared' : c.arch) : a)));
    const inventory = JSON.parse(readFileSync(ctx.inputPath('inventory'), 'utf8')) as Inventory;
    const matrix = calibrationMatrix(inventory);
    // Sizes beyond the matrix are clipped to it (a small model's matrices are smaller than the defaults), duplicates dropped.
    const clipped = new Map<string, { rows: number; cols: number; name: string }>();
    const production = c.productionTile ? parse(c.productionTile, '--production-tile') : { rows: Math.min(64, matrix.rows), cols: Math.min(1024, matrix.cols), name: `${Math.min(64, matrix.rows)}x${Math.min(1024, matrix.cols)}` };
    if (production.rows > matrix.rows || production.cols > matrix.cols) throw new UserError(`--production-tile ${production.name}: larger than ${matrix.name} (${matrix.rows}x${matrix.cols})`);
    // The production tile is one of the fitted sizes, so the estimate never prices a tile beyond the fit.
    for (const raw of [...c.calibrationSizes, production.name]) {
      const s = parse(raw, '--calibration-sizes');
      const rows = Math.min(s.rows, matrix.rows);
      const cols = Math.min(s.cols, matrix.cols);
      if (rows !== s.rows || cols !== s.cols) ctx.log(`calibration size ${raw} clipped to ${rows}x${cols} (${matrix.name} is ${matrix.rows}x${matrix.cols})`);
      clipped.set(`${rows}x${cols}`, { rows, cols, name: `${rows}x${cols}` });
    }
    const sizes = [...clipped.values()].sort((a, b) => a.rows * a.cols - b.rows * b.cols || a.rows - b.rows);
    if (sizes.length < FEATURE_NAMES.length + 1) throw new UserError(`--calibration-sizes: ${sizes.length} sizes with the production tile; the held-out fit needs at least ${FEATURE_NAMES.length + 1} (one more than the model's ${FEATURE_NAMES.length} coefficients)`);
    const kit = findKit(c.pdkRoot);
    const { backend } = await chooseYosys('auto');
    const perCell = transistorCounts(readFileSync(kit.cdl, 'utf8'));
    const sta = await hasSta();
    const work = join(ctx.stageDir, 'work');
    const { cells, libPath } = writeTileLiberty(kit, work);
    const jobs: { size: (typeof sizes)[number]; arch: string; dir: string; id: string }[] = [];
    // The largest size is generated in a worker thread (the 64x1024 tile's shared sub-expressions take half a
    // minute), so this thread keeps serving the stages running beside this one; the others (under a second
    // together, less than a worker's start-up) here meanwhile. Jobs stay in size order.
    const request = (size: (typeof sizes)[number]) => ({ c, inventory, rows: size.rows, cols: size.cols, row: 0, col: 0, archs, outRoot: join(work, 'tiles') });
    const largestGenerated = writeTileFoldersOffThread(request(sizes[sizes.length - 1]));
    largestGenerated.catch(() => undefined); // awaited below; a failure of the others first must not leave it unhandled
    const generated: { ids: string[] }[] = [];
    for (const size of sizes.slice(0, -1)) generated.push(await writeTileFolders(request(size)));
    generated.push(await largestGenerated);
    sizes.forEach((size, s) => generated[s].ids.forEach((id, i) => jobs.push({ size, arch: archs[i], dir: join(work, 'tiles', id), id })));
    const largest = sizes[sizes.length - 1];
    const samples: TileSample[] = [];
    const clocks: Record<string, number> = {};
    const energies: Record<string, number> = {};
    ctx.progress.start(jobs.length, 'tiles', `calibration synthesis (yosys ${backend})`);
    const synthesized = new Map<string, { golden: Golden; transistors: number }>();
    // Largest tiles first: the production tile's synthesis takes minutes on one core while the other core
    // works through the small ones (results are sorted below, so the order changes no output).
    const ordered = [...jobs].sort((a, b) => b.size.rows * b.size.cols - a.size.rows * a.size.cols || a.id.localeCompare(b.id));
    const goldens = ordered.map((job) => JSON.parse(readFileSync(join(job.dir, 'golden.json'), 'utf8')) as Golden);
    const timedOf = (job: (typeof jobs)[number]) => job.size === largest && sta;
    const results = await synthesizeTiles(ctx, executorConfig(c, c.synthJobs), ordered.map((job, i) => ({ cdlPath: kit.cdl, options: { backend, workDir: job.dir, top: goldens[i].top, libPath, cells, perCell, maxFanout: c.maxFanout, staClockNs: timedOf(job) ? 10 : undefined } })), ctx.progress, 'calibration');
    ordered.forEach((job, i) => {
      const golden = goldens[i];
      const s = results[i];
      const st = golden.structure;
      samples.push({ id: job.id, arch: job.arch, rows: golden.rows, cols: golden.cols, inputBits: golden.inputBits, outputBits: golden.outputBits, cyclesPerVector: st.cyclesPerVector, rowBits: st.rowBits, serialAdders: st.serialAdders, instances: st.blockInstances, accumulatorBits: st.accumulatorBits, inputRegisterBits: st.inputRegisterBits, cells: s.cells, transistors: s.transistors, areaUm2: s.areaUm2 });
      if (timedOf(job) && s.clockMhz !== undefined) clocks[job.arch] = s.clockMhz;
      synthesized.set(job.id, { golden, transistors: s.transistors });
    });
    ctx.progress.finish();
    // Switching power at the 10 ns clock, every net toggling at the assumed activity: the energy is per
    // transistor and cycle, so any tile serves (0.23 fJ on bitserial-shared at 64x128 and at 64x1024,
    // docs/capacity.md). It is measured on the largest tile below the production size (report_power on the
    // 64x1024 tile alone took half a minute), else the next smaller one (OpenSTA 2.x crashes in report_power
    // on some netlists, for example the parallel 64x128 tile), the production tile last.
    const powerFindings: Finding[] = [];
    const isProduction = (job: (typeof jobs)[number]) => job.size.rows === production.rows && job.size.cols === production.cols;
    if (sta) for (const arch of archs) {
      const mine = jobs.filter((j) => j.arch === arch).reverse();
      const candidates = [...mine.filter((j) => !isProduction(j)), ...mine.filter(isProduction)];
      for (const job of candidates) {
        const tile = synthesized.get(job.id)!;
        try {
          const watts = await measureSwitchingPower(ctx, job.dir, { libPath, netlist: 'netlist.v', top: tile.golden.top, clockNs: 10, activity: CONSTANTS.switchingActivity.value });
          if (watts === undefined) continue;
          energies[arch] = (watts * 10e-9) / tile.transistors;
          ctx.log(`${arch}: switching energy from ${job.id}${job === candidates[0] ? '' : ` (OpenSTA failed on ${candidates.slice(0, candidates.indexOf(job)).map((j) => j.size.name).join(', ')})`}`);
          break;
        } catch (error) {
          if (!(error instanceof ToolError)) throw error;
          powerFindings.push({ type: 'power_tool_warning', severity: 'warning', message: `${job.id}: OpenSTA report_power failed (${error.message}); trying a smaller tile` });
        }
      }
    }
    samples.sort((a, b) => a.arch.localeCompare(b.arch) || a.rows * a.cols - b.rows * b.cols || a.rows - b.rows);
    const metrics: Record<string, number> = { capacity__calibration__samples: samples.length };
    const models: Record<string, unknown> = {};
    const heldOut: Record<string, unknown> = {};
    let worstMean = 0;
    for (const arch of archs) {
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
    // The production tile is one of the synthesized sizes: its structure is what the estimate prices, and the
    // held-out error at that size (the model fitted on the other sizes, against the synthesized tile) is reported.
    const basis = archs.map((arch) => {
      const job = jobs.find((j) => j.arch === arch && j.size.rows === production.rows && j.size.cols === production.cols)!;
      const { golden } = synthesized.get(job.id)!;
      const st = golden.structure;
      const ref = samples.find((x) => x.id === job.id)!;
      // What the fit would have said of this tile had it not been synthesized: the model fitted to the other sizes.
      const held = (heldOut[arch] as ReturnType<typeof leaveOneOut>).rows.find((r) => r.id === job.id)!;
      metrics[`capacity__calibration__production_heldout_error_pct__arch:${arch}`] = Number(held.errorPct.toFixed(2));
      metrics[`capacity__calibration__production_transistors_per_coef__arch:${arch}`] = Number((ref.transistors / (production.rows * production.cols)).toFixed(3));
      return {
        arch,
        rows: production.rows,
        cols: production.cols,
        k: c.block,
        inputBits: c.inputBits,
        outputBits: golden.outputBits,
        instancesPerBlock: st.blockInstances / ((production.rows * production.cols) / c.block),
        features: { rowBits: st.rowBits, serialAdders: st.serialAdders, instances: st.blockInstances, accumulatorBits: st.accumulatorBits, inputRegisterBits: st.inputRegisterBits },
        cyclesPerVector: st.cyclesPerVector,
        sky130Um2PerTransistor: ref.areaUm2 / ref.transistors,
        sky130ClockMHz: clocks[arch],
        sky130EnergyPerTransistorJ: energies[arch],
        measuredTransistors: ref.transistors,
        clockFrom: `${largest.name} calibration tile`,
      };
    });
    await writeJsonAtomic(join(ctx.stageDir, 'calibration.json'), { model: inventory.model, quant: c.quant, tensor: `${matrix.name}, windows at 0,0`, features: FEATURE_NAMES, samples, models, heldOut, productionTile: production.name, basis });
    return { views: { calibration: 'calibration.json' }, metrics, findings: powerFindings };
  },
});
