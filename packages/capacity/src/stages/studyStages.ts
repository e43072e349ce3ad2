/**
 * `Capacity.Estimate` (flow:tile): the model's silicon at one node and architecture. `Capacity.Study`
 * (flow:study): every llama model of the catalog x nodes x architectures, and the largest llama-shaped
 * model (interpolated between catalog shapes) one wafer holds per node and architecture, with a chart (edge).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, int, list, num, oneOf, writeFileAtomic, writeJsonAtomic, type Finding } from '@hardwire/core';
import { MODEL_CATALOG, buildInventory, type Inventory, type ModelConfig } from '@hardwire/models';
import { barChartSvg, svgToPng } from '@hardwire/render';
import { CAPACITY_ARCHS, CAPACITY_NODES, CONSTANTS, constantRows, type CapacityArch, type CapacityNode } from '../constants.ts';
import { estimateModel, isHardwiredMatrix, llamaShapeAt, type Estimate, type ModelShape, type TileBasis } from '../estimate.ts';
import type { TileModel, TileSample } from '../calibrate.ts';
import { expectedTileInstances, parseBlocksCsv, poolKinds, type KindCount } from '../instances.ts';

interface Calibration {
  models: Record<string, TileModel>;
  samples: TileSample[];
  basis: Array<TileBasis & { arch: string }>;
  productionTile: string;
}

function shapeOf(config: ModelConfig): ModelShape {
  const inv = buildInventory(config);
  return { id: config.id, params: inv.params, hiddenSize: config.hiddenSize, layers: config.layers, heads: config.heads, kvHeads: config.kvHeads, headDim: config.headDim, tensors: inv.tensors };
}

function basisFor(cal: Calibration, arch: CapacityArch): TileBasis {
  const b = cal.basis.find((x) => x.arch === (arch === 'rom' ? 'da' : arch)) ?? cal.basis[0];
  if (!b) throw new Error('calibration has no production-size tile');
  return b;
}

const weightBitsVar = int({ default: 3, min: 1, max: 16, unit: 'bits', doc: 'Bits per weight the rom architecture stores (3 for int3).' });
const contextVar = int({ default: 8192, min: 0, unit: 'tokens', doc: 'Context length the KV-cache SRAM holds per user.' });
const batchVar = int({ default: 1, min: 1, doc: 'Users (sequences) served at once: KV-cache copies.' });

function estimateMetrics(e: Estimate, prefix = 'capacity'): Record<string, number> {
  const m: Record<string, number> = {
    [`${prefix}__area__mm2`]: Number(e.areaMm2.toFixed(2)),
    [`${prefix}__transistors`]: Math.round(e.transistors),
    [`${prefix}__reticles`]: e.reticles,
    [`${prefix}__wafers`]: e.wafers,
    [`${prefix}__tokens_per_s`]: Math.round(e.tokensPerS),
    [`${prefix}__clock_mhz`]: Number(e.clockMHz.toFixed(1)),
    ...(e.powerW === undefined ? {} : { [`${prefix}__power_w`]: Number(e.powerW.toFixed(1)) }),
    [`${prefix}__yield__field_poisson`]: Number(e.yield.fieldPoisson.toFixed(4)),
    [`${prefix}__yield__field_murphy`]: Number(e.yield.fieldMurphy.toFixed(4)),
    [`${prefix}__yield__field_negbinomial`]: Number(e.yield.fieldNegBinomial.toFixed(4)),
    [`${prefix}__yield__spares_per_field`]: e.yield.sparesPerField,
    [`${prefix}__yield__good_fields_per_wafer`]: Number(e.yield.goodFieldsPerWafer.toFixed(2)),
  };
  for (const [k, v] of Object.entries(e.areaByCategoryMm2)) m[`${prefix}__area__${k}__mm2`] = Number(v.toFixed(3));
  if (e.arch !== 'rom') m[`${prefix}__weights__cells`] = Math.round(e.tensors.reduce((s, t) => s + t.cells, 0));
  return m;
}

export const estimateStage = defineStage({
  id: 'Capacity.Estimate',
  summary: 'Silicon for the whole model at one node and architecture: each matrix from its own block statistics through the calibrated tile model, area by category, transistors, reticles, wafers, yield with spares, clock and tokens/s.',
  version: '2',
  inputs: ['inventory', 'calibration', 'blocks', 'blocksCsv'],
  optionalInputs: ['tilesPhysical'],
  outputs: ['estimate'],
  vars: defineVars({
    node: oneOf(CAPACITY_NODES, { default: 'n6', doc: 'Process node of the estimate.' }),
    arch: oneOf(CAPACITY_ARCHS, { default: 'da', doc: 'Architecture of the estimate: parallel or da (hardwired logic), rom (weights in mask ROM, shared MACs).' }),
    weightBits: weightBitsVar,
    context: contextVar,
    batch: batchVar,
  }),
  async run(ctx) {
    const c = ctx.config;
    const inventory = JSON.parse(readFileSync(ctx.inputPath('inventory'), 'utf8')) as Inventory;
    const cal = JSON.parse(readFileSync(ctx.inputPath('calibration'), 'utf8')) as Calibration;
    const stats = JSON.parse(readFileSync(ctx.inputPath('blocks'), 'utf8')) as { block: number; quant: string; signFold: boolean };
    const histograms = parseBlocksCsv(readFileSync(ctx.inputPath('blocksCsv'), 'utf8'));
    if (c.arch !== 'rom' && !cal.models[c.arch]) throw new UserError(`--arch ${c.arch}: the calibration fitted only ${Object.keys(cal.models).join(', ')} (add it to --calibration-archs)`);
    const basis = basisFor(cal, c.arch);
    if (stats.block !== basis.k) throw new UserError(`Capacity.Estimate: block statistics use k=${stats.block} but the calibration tiles k=${basis.k}; run both with the same --block`);
    const shape = shapeOf(MODEL_CATALOG[inventory.model]);
    // Instances per production tile from each matrix's own block statistics; matrices the statistics left out
    // (embeddings and head unless --include-embeddings) use the pooled histogram of the others.
    const pooled = poolKinds(histograms.values());
    const predictFor = (kinds: readonly KindCount[]) => expectedTileInstances(kinds, basis.rows, basis.cols, basis.k, stats.signFold);
    const tensorInstancesPerTile: Record<string, number> = {};
    let pooledCount = 0;
    for (const t of shape.tensors.filter(isHardwiredMatrix)) {
      const own = histograms.get(t.name!);
      if (!own) pooledCount++;
      tensorInstancesPerTile[t.name!] = predictFor(own ?? pooled);
    }
    // The prediction checked against the calibration tiles (real windows of layer 0's q_proj, each size once).
    const qName = shape.tensors.find((t) => t.role === 'attn.q' && t.layer === 0)?.name;
    const qKinds = qName ? histograms.get(qName) : undefined;
    const instanceCheck = qKinds
      ? [...new Map(cal.samples.map((s) => [`${s.rows}x${s.cols}`, s])).values()].map((s) => {
          const predicted = expectedTileInstances(qKinds, s.rows, s.cols, basis.k, stats.signFold);
          return { tile: `${s.rows}x${s.cols}`, measured: s.instances, predicted: Number(predicted.toFixed(2)), errorPct: Number(((100 * (predicted - s.instances)) / s.instances).toFixed(2)) };
        })
      : [];
    const routed = c.node === 'sky130' ? routedUtilization(ctx.optionalInputPath('tilesPhysical')) : undefined;
    const e = estimateModel(shape, { arch: c.arch, node: c.node, weightBits: c.weightBits, context: c.context, batch: c.batch, models: cal.models, basis, tensorInstancesPerTile, sky130Utilization: routed });
    await writeJsonAtomic(join(ctx.stageDir, 'estimate.json'), { format: stats.quant, estimate: e, instanceCheck, constants: constantRows() });
    ctx.log(`${shape.id} at ${c.node} (${c.arch}): ${e.areaMm2.toFixed(0)} mm², ${(e.transistors / 1e9).toFixed(1)} B transistors, ${e.reticles} reticles, ${e.wafers} wafer(s), ${Math.round(e.tokensPerS)} tokens/s`);
    for (const r of instanceCheck) ctx.log(`instances ${r.tile}: measured ${r.measured}, predicted from statistics ${r.predicted} (${r.errorPct} %)`);
    const metrics = estimateMetrics(e);
    metrics.capacity__utilization__logic = Number(e.logicUtilization.toFixed(4));
    metrics.capacity__instances__tensors_from_pooled_statistics = pooledCount;
    if (instanceCheck.length > 0) {
      const abs = instanceCheck.map((r) => Math.abs(r.errorPct));
      metrics.capacity__instances__error_pct = Number((abs.reduce((a, b) => a + b, 0) / abs.length).toFixed(2));
      metrics.capacity__instances__error_max_pct = Number(Math.max(...abs).toFixed(2));
    }
    const findings: Finding[] = [];
    if (c.node === 'sky130' && routed === undefined) findings.push({ type: 'capacity_utilization_assumed_info', severity: 'info', message: `no routed tile in this run: SKY130 logic at the assumed utilization ${CONSTANTS.logicUtilization.value}` });
    return { views: { estimate: 'estimate.json' }, metrics, findings };
  },
});

/** Cell area over die area of the routed tiles (those with no unrouted net), or undefined when none. */
export function routedUtilization(tilesDir: string | undefined): number | undefined {
  if (!tilesDir) return undefined;
  let cells = 0;
  let die = 0;
  for (const id of readdirSync(tilesDir).sort()) {
    const path = join(tilesDir, id, 'physical.json');
    if (!existsSync(path)) continue;
    const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>;
    if (m.route__net__unrouted__count !== 0 || !m.finish__design__die__area) continue;
    cells += m.physical__design__instance__area;
    die += m.finish__design__die__area;
  }
  return die > 0 ? cells / die : undefined;
}

export const studyStage = defineStage({
  id: 'Capacity.Study',
  summary: 'Every catalog llama model x node x architecture (study.csv), and the largest llama-shaped model one wafer holds per node and architecture (interpolated shapes; chart).',
  version: '1',
  inputs: ['calibration'],
  outputs: ['study'],
  publish: { study: 'study' },
  vars: defineVars({
    family: oneOf(['llama'] as const, { default: 'llama', doc: 'Model family to sweep.' }),
    nodes: list({ default: [...CAPACITY_NODES], choices: [...CAPACITY_NODES], doc: 'Nodes to study.' }),
    archs: list({ default: [...CAPACITY_ARCHS], choices: [...CAPACITY_ARCHS], doc: 'Architectures to study.' }),
    weightBits: weightBitsVar,
    context: contextVar,
    batch: batchVar,
    chartPx: num({ default: 1400, min: 400, max: 4000, unit: 'px', doc: 'Width of the study chart.' }),
  }),
  async run(ctx) {
    const c = ctx.config;
    const cal = JSON.parse(readFileSync(ctx.inputPath('calibration'), 'utf8')) as Calibration;
    const family = Object.values(MODEL_CATALOG).filter((m) => m.family === 'llama' && m.id.startsWith('llama-')).sort((a, b) => a.hiddenSize - b.hiddenSize);
    const anchors = family.map((m) => ({ hidden: m.hiddenSize, layers: m.layers, inter: m.intermediateSize }));
    const rows: Estimate[] = [];
    for (const m of family) for (const node of c.nodes as CapacityNode[]) for (const arch of c.archs as CapacityArch[]) {
      rows.push(estimateModel(shapeOf(m), { arch, node, weightBits: c.weightBits, context: c.context, batch: c.batch, models: cal.models, basis: basisFor(cal, arch) }));
    }
    // Largest llama-shaped model on one wafer: hidden size on a 128 grid, bisected (area grows with it).
    const shapeAt = (hidden: number): ModelShape => {
      const s = llamaShapeAt(hidden, anchors);
      const config: ModelConfig = { ...family[family.length - 1], id: `llama-h${hidden}`, displayName: `llama-shaped, hidden ${hidden}`, hiddenSize: s.hiddenSize, intermediateSize: s.intermediateSize, layers: s.layers, heads: s.heads, kvHeads: s.kvHeads, headDim: s.headDim, vocab: s.vocab, tiedEmbeddings: false };
      return shapeOf(config);
    };
    const largest: { node: string; arch: string; hidden: number; params: number; reticles: number; limit: string }[] = [];
    const metrics: Record<string, number> = {};
    for (const node of c.nodes as CapacityNode[]) for (const arch of c.archs as CapacityArch[]) {
      const fits = (hidden: number) => estimateModel(shapeAt(hidden), { arch, node, weightBits: c.weightBits, context: c.context, batch: c.batch, models: cal.models, basis: basisFor(cal, arch) }).fitsOneWafer;
      let lo = 0;
      let hi = 32768 / 128;
      if (!fits(128)) {
        largest.push({ node, arch, hidden: 0, params: 0, reticles: 0, limit: 'none fits' });
        metrics[`study__largest_params__node:${node}__arch:${arch}`] = 0;
        continue;
      }
      lo = 1;
      if (fits(hi * 128)) lo = hi;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (fits(mid * 128)) lo = mid;
        else hi = mid;
      }
      const best = estimateModel(shapeAt(lo * 128), { arch, node, weightBits: c.weightBits, context: c.context, batch: c.batch, models: cal.models, basis: basisFor(cal, arch) });
      largest.push({ node, arch, hidden: lo * 128, params: best.params, reticles: best.reticles, limit: lo * 128 >= 32768 ? 'search limit (hidden 32768)' : 'one wafer' });
      metrics[`study__largest_params__node:${node}__arch:${arch}`] = best.params;
    }
    const dir = join(ctx.stageDir, 'study');
    mkdirSync(join(dir, 'images'), { recursive: true });
    const header = 'model,node,arch,params,area_mm2,transistors,reticles,wafers,fits_one_wafer,tokens_per_s';
    const csv = [header, ...rows.map((r) => [r.model, r.node, r.arch, r.params, r.areaMm2.toFixed(1), Math.round(r.transistors), r.reticles, r.wafers, r.fitsOneWafer ? 1 : 0, Math.round(r.tokensPerS)].join(','))].join('\n') + '\n';
    await writeFileAtomic(join(dir, 'study.csv'), csv);
    const anchor = rows.find((r) => r.model === 'llama-3.1-8b' && r.node === 'n6' && r.arch === 'rom');
    await writeJsonAtomic(join(dir, 'study.json'), {
      family: c.family,
      settings: { weightBits: c.weightBits, context: c.context, batch: c.batch, productionTile: cal.productionTile },
      rows,
      largest,
      anchor: anchor ? { estimate: anchor, taalasHC1: { node: 'n6', areaMm2: 815, transistors: 53e9, tokensPerS: 17000, source: 'domain brief §1' } } : null,
      constants: constantRows(),
    });
    await svgToPng(
      barChartSvg({
        title: `Largest llama-shaped model on one 300 mm wafer (${c.weightBits}-bit, context ${c.context})`,
        bars: largest.map((l) => ({ label: `${l.node} ${l.arch}`, value: l.params / 1e9, color: l.arch === 'rom' ? '#f59e0b' : l.arch === 'da' ? '#2563eb' : '#10b981' })),
        valueLabel: 'parameters (B)',
        widthPx: c.chartPx,
        heightPx: Math.round(c.chartPx / 2),
        showValues: true,
      }),
      join(dir, 'images', 'study.png'),
    );
    if (anchor) {
      metrics.study__anchor__area_mm2 = Number(anchor.areaMm2.toFixed(1));
      metrics.study__anchor__transistors = Math.round(anchor.transistors);
      metrics.study__anchor__tokens_per_s = Math.round(anchor.tokensPerS);
    }
    metrics.study__rows__count = rows.length;
    return { views: { study: 'study' }, metrics };
  },
});
