/**
 * `Capacity.Estimate` (flow:tile): the model's silicon at one node and architecture. `Capacity.Study`
 * (flow:study): every llama model of the catalog x nodes x architectures, and the largest llama-shaped
 * model (interpolated between catalog shapes) one wafer holds per node and architecture, with a chart (edge).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, int, list, num, oneOf, writeFileAtomic, writeJsonAtomic, type Finding } from '@hardwire/core';
import { MODEL_CATALOG, buildInventory, type Inventory, type ModelConfig } from '@hardwire/models';
import { barChartSvg, dataflowGraph, dataflowSvg, layoutLayered, scatterChartSvg, svgToPng, tornadoChartSvg, type DataflowStep, type ScatterPoint } from '@hardwire/render';
import { CAPACITY_ARCHS, CAPACITY_NODES, CONSTANTS, constantRows, type CapacityArch, type CapacityNode } from '../constants.ts';
import { configLabel, estimateModel, isHardwiredMatrix, llamaShapeAt, type Estimate, type EstimateOptions, type ModelShape, type TileBasis } from '../estimate.ts';
import { SCHEDULE_DEFAULTS, type LaneCosts, type ScheduleConfig } from '../schedule/schedule.ts';
import type { UnitEnergy } from '../power.ts';
import { balancedConfig, cheapestReaching, searchGrid } from '../schedule/search.ts';
import { largestHidden } from '../largest.ts';
import { answerLines } from '../answer.ts';
import { sensitivity, sensitivityCsv } from '../sensitivity.ts';
import type { TileModel, TileSample } from '../calibrate.ts';
import { expectedTileInstances, parseBlocksCsv, poolKinds, type KindCount } from '../instances.ts';

interface Calibration {
  models: Record<string, TileModel>;
  samples: TileSample[];
  basis: Array<TileBasis & { arch: string }>;
  productionTile: string;
  /** Weight format of the calibration tiles. */
  quant?: string;
}

/** The catalog's Llama 3.x models, smallest first, and a llama-shaped model at any hidden size between them. */
function llamaFamily(): { family: ModelConfig[]; shapeAt: (hidden: number) => ModelShape } {
  const family = Object.values(MODEL_CATALOG).filter((m) => m.family === 'llama' && m.id.startsWith('llama-')).sort((a, b) => a.hiddenSize - b.hiddenSize);
  const anchors = family.map((m) => ({ hidden: m.hiddenSize, layers: m.layers, inter: m.intermediateSize }));
  const shapeAt = (hidden: number): ModelShape => {
    const s = llamaShapeAt(hidden, anchors);
    const config: ModelConfig = { ...family[family.length - 1], id: `llama-h${hidden}`, displayName: `llama-shaped, hidden ${hidden}`, hiddenSize: s.hiddenSize, intermediateSize: s.intermediateSize, layers: s.layers, heads: s.heads, kvHeads: s.kvHeads, headDim: s.headDim, vocab: s.vocab, tiedEmbeddings: false };
    return shapeOf(config);
  };
  return { family, shapeAt };
}

function shapeOf(config: ModelConfig): ModelShape {
  const inv = buildInventory(config);
  return { id: config.id, params: inv.params, hiddenSize: config.hiddenSize, layers: config.layers, heads: config.heads, kvHeads: config.kvHeads, headDim: config.headDim, tiedEmbeddings: config.tiedEmbeddings, moe: config.moe ? { experts: config.moe.experts, topK: config.moe.topK } : undefined, tensors: inv.tensors };
}

/** The production tile of an architecture (rom borrows a hardwired one's SKY130 clock and area per transistor). */
function basisFor(cal: Calibration, arch: CapacityArch): TileBasis {
  const b = cal.basis.find((x) => x.arch === arch) ?? (arch === 'rom' ? (cal.basis.find((x) => x.arch === 'da') ?? cal.basis[0]) : undefined);
  if (!b) throw new Error('calibration has no production-size tile');
  return b;
}

const ARCH_COLORS: Record<string, string> = { rom: '#f59e0b', da: '#2563eb', parallel: '#10b981', bitserial: '#a855f7', 'bitserial-shared': '#dc2626' };

const LANE_IDS = ['attn_dot', 'softmax_exp', 'norm_sumsq', 'recip', 'reducer', 'silu_mul', 'rope', 'argmax'] as const;

interface UnitsJson {
  units: Array<{ id: string; transistors: number; latencyCycles: number; ratePerCycle: number; clockMHz?: number; mismatches: number; power?: { switchingPjPerCycle: number; internalPjPerCycle: number; leakageNw: number; glitchFactor?: number } }>;
}

/**
 * Units.Synthesize's units.json, read once: each lane's costs for the schedule (a missing or unproven unit is an
 * error naming it) and, when measured, its energy per busy cycle and leakage.
 */
export function readUnits(path: string): { lanes: LaneCosts; power?: Record<string, UnitEnergy> } {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as UnitsJson;
  const lanes: Record<string, LaneCosts[keyof LaneCosts]> = {};
  for (const id of LANE_IDS) {
    const u = doc.units.find((x) => x.id === id);
    if (!u) throw new UserError(`${path}: no unit ${id} (run Units.Synthesize again)`);
    if (u.mismatches !== 0) throw new UserError(`${path}: unit ${id} is not proven (${u.mismatches} mismatches at gate level)`);
    lanes[id] = { transistors: u.transistors, latencyCycles: u.latencyCycles, ratePerCycle: u.ratePerCycle, clockMHz: u.clockMHz };
  }
  const power = doc.units.every((u) => u.power) ? Object.fromEntries(doc.units.map((u) => [u.id, { energyPj: (u.power!.switchingPjPerCycle + u.power!.internalPjPerCycle) * (u.power!.glitchFactor ?? 1), leakageNw: u.power!.leakageNw, transistors: u.transistors }])) : undefined;
  return { lanes: lanes as unknown as LaneCosts, ...(power ? { power } : {}) };
}

/** The sample tile of an architecture from GateSim.Check's report: energy per transistor and busy cycle, leakage per transistor. */
export function readTilePower(path: string | undefined, arch: string): { energyPerTransistorCyclePj: number; leakageNwPerTransistor: number; glitchFactor: number; source: string } | undefined {
  if (!path || !existsSync(path)) return undefined;
  const report = JSON.parse(readFileSync(path, 'utf8')) as Array<{ id: string; arch: string; power?: { transistors: number; switchingPjPerCycle: number; internalPjPerCycle: number; leakageNw: number; meanActivity: number; glitchFactor?: number } }>;
  const t = report.find((r) => r.arch === arch && r.power && r.power.transistors > 0);
  if (!t) return undefined;
  const p = t.power!;
  // The zero-delay energy times the glitch factor a timed simulation of the same tile measured (1 when none ran).
  const glitch = p.glitchFactor ?? 1;
  return { energyPerTransistorCyclePj: ((p.switchingPjPerCycle + p.internalPjPerCycle) * glitch) / p.transistors, leakageNwPerTransistor: p.leakageNw / p.transistors, glitchFactor: glitch, source: `${t.id}: ${p.transistors.toLocaleString('en-US')} transistors, mean activity ${p.meanActivity} toggles per net and cycle (GateSim.Check), glitches x${glitch}${glitch === 1 ? ' (not measured)' : ' (timed simulation)'}` };
}

const scheduleVars = {
  attentionLanes: int({ default: SCHEDULE_DEFAULTS.attentionLanes, min: 1, doc: 'Attention lanes (8 int8 MACs each, synthesized) per layer; with --tokens-per-s, searched.' }),
  kvBanks: int({ default: SCHEDULE_DEFAULTS.kvBanks, min: 1, doc: 'KV-cache SRAM banks per layer; with --tokens-per-s, searched.' }),
  kvReadBits: int({ default: SCHEDULE_DEFAULTS.kvReadBits, min: 8, doc: 'Bits each KV-cache bank reads per cycle (wider: more sense amplifiers); with --tokens-per-s, searched.' }),
  vectorLanes: int({ default: SCHEDULE_DEFAULTS.vectorLanes, min: 1, doc: 'Elements per cycle of the vector units per layer (cross-tile reducers, SiLU, RMSNorm, RoPE, argmax lanes); with --tokens-per-s, searched.' }),
};

/** The estimate's architecture (also read by Capacity.Calibrate, whose `--calibration-archs auto` calibrates it). */
export const estimateArchVar = oneOf(CAPACITY_ARCHS, { default: 'bitserial-shared', doc: 'Architecture of the estimate: parallel, da, bitserial or bitserial-shared (hardwired logic, see flow:arch), rom (weights in mask ROM, shared MACs).' });

const weightBitsVar = int({ default: 3, min: 1, max: 16, unit: 'bits', doc: 'Bits per weight the rom architecture stores (3 for int3).' });
const contextVar = int({ default: 8192, min: 1, unit: 'tokens', doc: 'Context length the KV-cache SRAM holds per user and the attention reads per token (the speed is stated at this context).' });
const batchVar = int({ default: 1, min: 1, doc: 'Users (sequences) served at once: KV-cache copies.' });

function estimateMetrics(e: Estimate, prefix = 'capacity'): Record<string, number> {
  const m: Record<string, number> = {
    [`${prefix}__area__mm2`]: Number(e.areaMm2.toFixed(2)),
    [`${prefix}__transistors`]: Math.round(e.transistors),
    [`${prefix}__reticles`]: e.reticles,
    [`${prefix}__wafers`]: e.wafers,
    [`${prefix}__tokens_per_s`]: Math.round(e.tokensPerS),
    [`${prefix}__aggregate_tokens_per_s`]: Math.round(e.aggregateTokensPerS),
    [`${prefix}__users_in_flight`]: e.schedule.usersInFlight,
    [`${prefix}__context`]: e.schedule.context,
    [`${prefix}__schedule__cycles_per_token`]: e.schedule.cyclesPerToken,
    [`${prefix}__schedule__layer_cycles`]: e.schedule.layerCycles,
    [`${prefix}__schedule__violation__count`]: e.schedule.violations.length,
    [`${prefix}__schedule__attention_lanes`]: e.schedule.config.attentionLanes,
    [`${prefix}__schedule__kv_banks`]: e.schedule.config.kvBanks,
    [`${prefix}__schedule__kv_read_bits`]: e.schedule.config.kvReadBits,
    [`${prefix}__schedule__vector_lanes`]: e.schedule.config.vectorLanes,
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
  version: '3',
  inputs: ['inventory', 'calibration', 'units'],
  // Block statistics price the block architectures (da, parallel); the bit-level ones and rom run without them (--skip Quant.Stats).
  optionalInputs: ['tilesPhysical', 'blocks', 'blocksCsv', 'gatesimReport'],
  outputs: ['estimate', 'sensitivity', 'estimateImages'],
  publish: { estimate: 'estimate.json', sensitivity: 'sensitivity.csv', estimateImages: 'images' },
  vars: defineVars({
    node: oneOf(CAPACITY_NODES, { default: 'n6', doc: 'Process node of the estimate.' }),
    arch: estimateArchVar,
    romMacsPerHidden: int({ default: CONSTANTS.romMacsPerHidden.value, min: 1, doc: 'rom: multiply-accumulate lanes per hidden unit per layer (more lanes: more area, more tokens/s).' }),
    tokensPerS: num({ min: 0, unit: 'tokens/s', doc: 'Pick the cheapest configuration (attention lanes, KV banks and read width, vector lanes; rom MAC lanes; with --search-archs, the architecture) that reaches this many tokens/s per user at --context; exit 2 with the fastest reachable when none does.' }),
    searchArchs: list({ default: [], choices: [...CAPACITY_ARCHS, 'all'], doc: 'Architectures --tokens-per-s may pick from (default: --arch alone; all: every calibrated one and rom).' }),
    ...scheduleVars,
    weightBits: weightBitsVar,
    context: contextVar,
    batch: batchVar,
  }),
  async run(ctx) {
    const c0 = ctx.config;
    const inventory = JSON.parse(readFileSync(ctx.inputPath('inventory'), 'utf8')) as Inventory;
    const cal = JSON.parse(readFileSync(ctx.inputPath('calibration'), 'utf8')) as Calibration;
    const { lanes, power: lanePower } = readUnits(ctx.inputPath('units'));
    const given: ScheduleConfig = { attentionLanes: c0.attentionLanes, kvBanks: c0.kvBanks, kvReadBits: c0.kvReadBits, vectorLanes: c0.vectorLanes };
    const searchArchs = c0.searchArchs.length === 0 ? [c0.arch] : c0.searchArchs.includes('all') ? [...CAPACITY_ARCHS] : (c0.searchArchs as CapacityArch[]);
    const picked = c0.tokensPerS === undefined ? undefined : searchConfiguration(c0.tokensPerS, MODEL_CATALOG[inventory.model], cal, lanes, searchArchs, c0);
    const c = { ...c0, ...(picked ?? {}) };
    const scheduleConfig: ScheduleConfig = picked?.schedule ?? given;
    if (picked) ctx.log(`--tokens-per-s ${c0.tokensPerS}: ${c.arch}${c.arch === 'rom' ? ` with ${c.romMacsPerHidden} MAC lanes per hidden unit` : ''}, ${configLabel(scheduleConfig)} is the cheapest configuration that reaches it at context ${c.context}`);
    const blocksPath = ctx.optionalInputPath('blocks');
    const blocksCsvPath = ctx.optionalInputPath('blocksCsv');
    if ((c.arch === 'da' || c.arch === 'parallel') && (!blocksPath || !blocksCsvPath)) throw new UserError(`--arch ${c.arch}: its tiles are priced from Quant.Stats' block statistics; run the flow with Quant.Stats (not --skip Quant.Stats) or pick bitserial, bitserial-shared or rom`);
    const basisK = (cal.basis.find((b) => b.arch === c.arch) ?? cal.basis[0]).k;
    const stats = blocksPath ? (JSON.parse(readFileSync(blocksPath, 'utf8')) as { block: number; quant: string; signFold: boolean }) : { block: basisK, quant: cal.quant ?? 'int3', signFold: false };
    const histograms = blocksCsvPath ? parseBlocksCsv(readFileSync(blocksCsvPath, 'utf8')) : new Map<string, KindCount[]>();
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
    // Block instances only exist in the block architectures; the bit-level ones are priced by their tile's structure.
    if (c.arch === 'da' || c.arch === 'parallel') for (const t of shape.tensors.filter(isHardwiredMatrix)) {
      const own = histograms.get(t.name!);
      if (!own) pooledCount++;
      tensorInstancesPerTile[t.name!] = predictFor(own ?? pooled);
    }
    // The prediction checked against the calibration tiles (real windows of layer 0's q_proj, each size once).
    const qName = shape.tensors.find((t) => t.role === 'attn.q' && t.layer === 0)?.name;
    const qKinds = qName ? histograms.get(qName) : undefined;
    const blockSamples = cal.samples.filter((s) => s.instances > 0 && s.arch === (c.arch === 'parallel' ? 'parallel' : 'da'));
    const instanceCheck = qKinds
      ? [...new Map(blockSamples.map((s) => [`${s.rows}x${s.cols}`, s])).values()].map((s) => {
          const predicted = expectedTileInstances(qKinds, s.rows, s.cols, basis.k, stats.signFold);
          return { tile: `${s.rows}x${s.cols}`, measured: s.instances, predicted: Number(predicted.toFixed(2)), errorPct: Number(((100 * (predicted - s.instances)) / s.instances).toFixed(2)) };
        })
      : [];
    const routed = c.node === 'sky130' ? routedUtilization(ctx.optionalInputPath('tilesPhysical')) : undefined;
    // Measured power: the lanes' energies (units.json) and the sample tile of this architecture (rom: of the first hardwired one checked).
    const tilePower = readTilePower(ctx.optionalInputPath('gatesimReport'), c.arch === 'rom' ? (cal.basis.find((x) => x.arch === 'bitserial-shared') ?? cal.basis[0]).arch : c.arch);
    const measuredPower = lanePower && tilePower ? { lanes: lanePower, tile: tilePower } : undefined;
    const e = estimateModel(shape, { arch: c.arch, node: c.node, weightBits: c.weightBits, context: c.context, batch: c.batch, models: cal.models, basis, tensorInstancesPerTile, sky130Utilization: routed, romMacsPerHidden: c.romMacsPerHidden, lanes, schedule: scheduleConfig, measuredPower });

    ctx.log(`${shape.id} at ${c.node} (${c.arch}): ${e.areaMm2.toFixed(0)} mm², ${(e.transistors / 1e9).toFixed(1)} B transistors, ${e.reticles} reticles, ${e.wafers} wafer(s), ${Math.round(e.tokensPerS)} tokens/s per user and ${Math.round(e.aggregateTokensPerS)} with ${e.schedule.usersInFlight} users in flight at context ${c.context} (${e.schedule.cyclesPerToken.toLocaleString('en-US')} cycles per token at ${e.clockMHz.toFixed(0)} MHz, set by ${e.schedule.clockLimitedBy})`);
    for (const r of instanceCheck) ctx.log(`instances ${r.tile}: measured ${r.measured}, predicted from statistics ${r.predicted} (${r.errorPct} %)`);
    const metrics: Record<string, number | string> = estimateMetrics(e);
    if (e.power) {
      metrics.capacity__power__batch1_w = Number(e.power.batch1W.toPrecision(4));
      metrics.capacity__power__full_pipeline_w = Number(e.power.fullPipelineW.toPrecision(4));
      metrics.capacity__power__dynamic_w = Number(e.power.dynamicW.toPrecision(4));
      metrics.capacity__power__leakage_w = Number(e.power.leakageW.toPrecision(4));
      metrics.capacity__power__joules_per_token = Number(e.power.joulesPerToken.toPrecision(4));
      metrics.capacity__power__joules_per_token_full = Number(e.power.joulesPerTokenFull.toPrecision(4));
    }
    metrics.capacity__utilization__logic = Number(e.logicUtilization.toFixed(4));
    metrics.capacity__utilization__field = Number(e.fieldUtilization.toFixed(4));
    metrics.capacity__model = shape.id;
    metrics.capacity__node = c.node;
    metrics.capacity__arch = c.arch;
    metrics.capacity__config = e.config;
    if (e.energyPerTokenJ !== undefined) metrics.capacity__energy_per_token_j = Number(e.energyPerTokenJ.toPrecision(4));
    metrics.capacity__format = stats.quant;
    if (c.arch !== 'rom') metrics.capacity__production_tile = `${basis.rows}x${basis.cols}`;
    // The largest llama-shaped model one wafer holds at this node and architecture (as flow:study finds it).
    const { shapeAt } = llamaFamily();
    const options: EstimateOptions = { arch: c.arch, node: c.node, weightBits: c.weightBits, context: c.context, batch: c.batch, models: cal.models, basis, romMacsPerHidden: c.romMacsPerHidden, lanes, schedule: scheduleConfig };
    const found = largestHidden((hidden) => estimateModel(shapeAt(hidden), options).fitsOneWafer);
    metrics.capacity__largest__hidden = found.hidden;
    metrics.capacity__largest__params = found.hidden > 0 ? estimateModel(shapeAt(found.hidden), options).params : 0;
    const answer = answerLines({ ...metrics, run__model__id: shape.id });
    await writeJsonAtomic(join(ctx.stageDir, 'estimate.json'), { format: stats.quant, answer, estimate: e, instanceCheck, constants: constantRows() });
    metrics.capacity__instances__tensors_from_pooled_statistics = pooledCount;
    if (instanceCheck.length > 0) {
      const abs = instanceCheck.map((r) => Math.abs(r.errorPct));
      metrics.capacity__instances__error_pct = Number((abs.reduce((a, b) => a + b, 0) / abs.length).toFixed(2));
      metrics.capacity__instances__error_max_pct = Number(Math.max(...abs).toFixed(2));
    }
    const findings: Finding[] = [];
    if (!measuredPower) findings.push({ type: 'power_first_order_info', severity: 'info', message: 'no measured activity for the tiles of this architecture (GateSim.Check not in this flow): power is the first-order switching figure' });
    if (c.node === 'sky130' && routed === undefined) findings.push({ type: 'capacity_utilization_assumed_info', severity: 'info', message: `no routed tile in this run: SKY130 logic at the assumed utilization ${CONSTANTS.logicUtilization.value}` });
    // Which assumption the answer hangs on: each moved alone to its low and high value.
    for (const v of e.schedule.violations) findings.push({ type: 'schedule_inconsistent_error', severity: 'error', message: v });
    const sens = sensitivity(shape, { arch: c.arch, node: c.node, weightBits: c.weightBits, context: c.context, batch: c.batch, models: cal.models, basis, tensorInstancesPerTile, sky130Utilization: routed, romMacsPerHidden: c.romMacsPerHidden, lanes, schedule: scheduleConfig, measuredPower });
    await writeFileAtomic(join(ctx.stageDir, 'sensitivity.csv'), sensitivityCsv(sens));
    mkdirSync(join(ctx.stageDir, 'images'), { recursive: true });
    await svgToPng(
      tornadoChartSvg({
        title: `Which assumption the answer hangs on: ${shape.id} at ${c.node}, ${c.arch} (${Math.round(e.areaMm2).toLocaleString('en-US')} mm², ${Math.round(e.tokensPerS).toLocaleString('en-US')} tokens/s)`,
        panelTitles: ['silicon area (%)', 'tokens/s per user (%)', ...(e.power ? ['power, one user (%)'] : [])],
        rows: sens.map((r) => ({ label: `${r.name} (${r.low}–${r.high}${r.unit ? ` ${r.unit}` : ''})`, panels: [{ low: r.areaLowPct, high: r.areaHighPct }, { low: r.tokensLowPct, high: r.tokensHighPct }, ...(e.power ? [{ low: r.powerLowPct, high: r.powerHighPct }] : [])] })),
      }),
      join(ctx.stageDir, 'images', 'sensitivity.png'),
    );
    if (sens.length > 0) metrics.capacity__sensitivity__top = sens[0].name;
    // One layer's schedule as a dataflow diagram (ELK layered), and cycles per token by step.
    const laneArea = new Map(e.schedule.units.map((u) => [u.name, u.count > 0 ? u.areaMm2 / u.count : 0]));
    const layerSteps = e.schedule.steps.filter((st) => st.perLayer);
    const critical = new Set(e.schedule.criticalSteps);
    const flowSteps: DataflowStep[] = layerSteps.map((st) => ({ name: st.name, unit: st.unit, phase: st.phase, lanes: st.lanes, cycles: st.cycles, areaMm2: st.lanes * (laneArea.get(st.unit) ?? 0), critical: critical.has(st.name) }));
    const laid = await layoutLayered(dataflowGraph(flowSteps));
    await svgToPng(dataflowSvg(laid, flowSteps, `One layer of ${shape.id} at ${c.node}, ${c.arch}, context ${c.context.toLocaleString('en-US')}: ${e.schedule.layerCycles.toLocaleString('en-US')} cycles`, `${configLabel(e.schedule.config)}; ${e.clockMHz.toFixed(0)} MHz, set by ${e.schedule.clockLimitedBy}`), join(ctx.stageDir, 'images', 'schedule.png'));
    const byStep = Object.entries(e.schedule.criticalCyclesByStep).sort((a, b) => b[1] - a[1]);
    await svgToPng(
      barChartSvg({
        title: `Cycles per token by step, context ${c.context.toLocaleString('en-US')}: ${e.schedule.cyclesPerToken.toLocaleString('en-US')} cycles, ${Math.round(e.tokensPerS).toLocaleString('en-US')} tokens/s at ${e.clockMHz.toFixed(0)} MHz`,
        bars: byStep.map(([name, cycles]) => ({ label: name, value: cycles, color: name === 'qk' || name === 'av' || name.startsWith('softmax') || name.startsWith('kv_') ? '#dc2626' : name.endsWith('_reduce') || name.endsWith('_scale') || name === 'attn_normalize' ? '#7c3aed' : '#2563eb' })),
        valueLabel: 'cycles per token (critical path, all layers)',
        widthPx: 1400,
        heightPx: 700,
        showValues: true,
      }),
      join(ctx.stageDir, 'images', 'cycles-by-step.png'),
    );
    return { views: { estimate: 'estimate.json', sensitivity: 'sensitivity.csv', estimateImages: 'images' }, metrics, findings };
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

/**
 * The cheapest (least area) configuration reaching `tokensPerS` per user for a model: each architecture of
 * `archs` that is calibrated (rom at each MAC-lane count), with every attention-lane, KV-bank and vector-lane
 * configuration of the search grid; a one-line user error naming the fastest when none reaches it.
 */
function searchConfiguration(tokensPerS: number, config: ModelConfig, cal: Calibration, lanes: LaneCosts, archs: readonly CapacityArch[], c: { node: CapacityNode; weightBits: number; context: number; batch: number }): { arch: CapacityArch; romMacsPerHidden: number; schedule: ScheduleConfig } {
  const shape = shapeOf(config);
  const usable = archs.filter((arch) => arch === 'rom' || cal.models[arch]);
  if (usable.length === 0) throw new UserError(`--tokens-per-s: none of ${archs.join(', ')} is calibrated (add them to --calibration-archs)`);
  const grid = searchGrid(shape.heads, shape.kvHeads, CONSTANTS.kvBits.value);
  const candidates = usable.flatMap((arch) => configurations(arch).flatMap((cfg) => grid.map((schedule) => ({ arch, romMacsPerHidden: cfg.romMacsPerHidden ?? CONSTANTS.romMacsPerHidden.value, schedule }))));
  const found = cheapestReaching(candidates, (x) => estimateModel(shape, { arch: x.arch, node: c.node, weightBits: c.weightBits, context: c.context, batch: c.batch, models: cal.models, basis: basisFor(cal, x.arch), romMacsPerHidden: x.romMacsPerHidden, lanes, schedule: x.schedule }), tokensPerS);
  if (!found.reached) throw new UserError(`--tokens-per-s ${tokensPerS}: no configuration of ${usable.join(', ')} reaches it at ${c.node} and context ${c.context}; the fastest is ${found.fastest.arch} (${found.estimate.config}) at ${Math.round(found.estimate.tokensPerS).toLocaleString('en-US')} tokens/s`);
  return found.candidate;
}

/** The ROM architecture's MAC-lane configurations the study sweeps (lanes per hidden unit per layer). */
export const ROM_MAC_CONFIGS = [4, 16, 64, 256, 1024] as const;

/** Attention lanes per layer of the study's balanced configurations. */
export const STUDY_LANES = [256, 1024, 4096, 16384] as const;

/**
 * The configurations the study prices for an architecture: hardwired ones at each balanced scale of the
 * hardware around the weights (STUDY_LANES), rom at each MAC-lane count with the 4,096-lane configuration.
 */
function studyConfigurations(arch: CapacityArch, shape: ModelShape): Array<{ romMacsPerHidden?: number; schedule: ScheduleConfig }> {
  const at = (lanes: number) => balancedConfig(lanes, shape.heads, shape.kvHeads, CONSTANTS.kvBits.value);
  return arch === 'rom' ? ROM_MAC_CONFIGS.map((n) => ({ romMacsPerHidden: n, schedule: at(4096) })) : STUDY_LANES.map((l) => ({ schedule: at(l) }));
}

/** Every configuration of an architecture the study prices: hardwired ones at their production tile, rom at each MAC-lane count. */
function configurations(arch: CapacityArch): Array<{ romMacsPerHidden?: number }> {
  return arch === 'rom' ? ROM_MAC_CONFIGS.map((n) => ({ romMacsPerHidden: n })) : [{}];
}

const STUDY_MODELS = ['llama-3.2-1b', 'llama-3.2-3b', 'llama-3.1-8b', 'llama-3.1-70b', 'llama-3.1-405b', 'gpt-oss-20b', 'gpt-oss-120b'];

export const studyStage = defineStage({
  id: 'Capacity.Study',
  summary: 'Every catalog Llama and gpt-oss model x node x architecture x configuration (study.csv: area, tokens/s, power, energy per token), the area-against-speed front per node with Taalas HC1 marked, and the largest llama-shaped model one wafer holds per node and architecture at a throughput floor.',
  version: '3',
  inputs: ['calibration', 'units'],
  outputs: ['study', 'studyCsv'],
  publish: { study: 'study', studyCsv: 'study.csv' },
  vars: defineVars({
    models: list({ default: STUDY_MODELS, choices: Object.keys(MODEL_CATALOG), doc: 'Catalog models to study.' }),
    nodes: list({ default: [...CAPACITY_NODES], choices: [...CAPACITY_NODES], doc: 'Nodes to study.' }),
    archs: list({ default: [...CAPACITY_ARCHS], choices: [...CAPACITY_ARCHS], doc: 'Architectures to study (each needs its calibration, except rom).' }),
    tokensFloor: num({ default: 1000, min: 0, unit: 'tokens/s', doc: 'Throughput floor per user for "the largest model per wafer": a model counts only when it fits one wafer and reaches this speed.' }),
    weightBits: weightBitsVar,
    contexts: list({ default: ['2048', '8192'], doc: 'Contexts (tokens) the study prices, each its own rows, front and largest model: 2,048 is the context HC1 is quoted at.' }),
    batch: batchVar,
    chartPx: num({ default: 1400, min: 400, max: 4000, unit: 'px', doc: 'Width of the study chart.' }),
  }),
  async run(ctx) {
    const c = ctx.config;
    const cal = JSON.parse(readFileSync(ctx.inputPath('calibration'), 'utf8')) as Calibration;
    const archs = (c.archs as CapacityArch[]).filter((a) => a === 'rom' || cal.models[a]);
    const skipped = (c.archs as CapacityArch[]).filter((a) => !archs.includes(a));
    if (skipped.length > 0) ctx.log(`not calibrated, left out: ${skipped.join(', ')} (add them to --calibration-archs)`);
    const { lanes } = readUnits(ctx.inputPath('units'));
    const contexts = c.contexts.map((x) => {
      const v = Number(x);
      if (!Number.isInteger(v) || v < 1) throw new UserError(`--contexts ${x}: expected whole numbers of tokens, e.g. 2048,8192`);
      return v;
    });
    const { shapeAt } = llamaFamily();
    const rows: Estimate[] = [];
    const shapes = new Map(c.models.map((id) => [id, shapeOf(MODEL_CATALOG[id])]));
    for (const id of c.models) for (const context of contexts) for (const node of c.nodes as CapacityNode[]) for (const arch of archs) {
      const shape = shapes.get(id)!;
      for (const cfg of studyConfigurations(arch, shape)) rows.push(estimateModel(shape, { arch, node, weightBits: c.weightBits, context, batch: c.batch, models: cal.models, basis: basisFor(cal, arch), lanes, ...cfg }));
    }
    const largest: { node: string; arch: string; context: number; config: string; hidden: number; params: number; reticles: number; tokensPerS: number; limit: string }[] = [];
    const metrics: Record<string, number> = {};
    for (const context of contexts) for (const node of c.nodes as CapacityNode[]) for (const arch of archs) {
      // The configuration that holds the largest model at the floor (more lanes cost area, fewer cost speed).
      let best: (typeof largest)[number] | undefined;
      for (const cfg of studyConfigurations(arch, shapeAt(8192))) {
        const options: EstimateOptions = { arch, node, weightBits: c.weightBits, context, batch: c.batch, models: cal.models, basis: basisFor(cal, arch), lanes, ...cfg };
        const found = largestHidden((hidden) => {
          const e = estimateModel(shapeAt(hidden), options);
          return e.fitsOneWafer && e.tokensPerS >= c.tokensFloor;
        });
        const e = found.hidden > 0 ? estimateModel(shapeAt(found.hidden), options) : undefined;
        const row = { node, arch, context, config: e?.config ?? '', hidden: found.hidden, params: e?.params ?? 0, reticles: e?.reticles ?? 0, tokensPerS: e?.tokensPerS ?? 0, limit: found.limit === 'search limit' ? 'search limit (hidden 32768)' : found.limit };
        if (!best || row.params > best.params) best = row;
      }
      largest.push(best!);
      metrics[`study__largest_params__context:${context}__node:${node}__arch:${arch}`] = best!.params;
    }
    const dir = join(ctx.stageDir, 'study');
    mkdirSync(join(dir, 'images'), { recursive: true });
    const header = 'model,node,arch,params,area_mm2,transistors,reticles,wafers,fits_one_wafer,config,tokens_per_s,power_w,energy_per_token_j,context,attention_lanes,kv_banks,cycles_per_token,aggregate_tokens_per_s';
    const csv = [header, ...rows.map((r) => [r.model, r.node, r.arch, r.params, r.areaMm2.toFixed(1), Math.round(r.transistors), r.reticles, r.wafers, r.fitsOneWafer ? 1 : 0, `"${r.config}"`, Math.round(r.tokensPerS), r.powerW?.toFixed(1) ?? '', r.energyPerTokenJ?.toExponential(3) ?? '', r.schedule.context, r.schedule.config.attentionLanes, r.schedule.config.kvBanks, r.schedule.cyclesPerToken, Math.round(r.aggregateTokensPerS)].join(','))].join('\n') + '\n';
    await writeFileAtomic(join(dir, 'study.csv'), csv);
    // The anchor beside HC1: llama-3.1-8b at N6 and HC1's context, the default rom configuration.
    const anchor = rows.find((r) => r.model === 'llama-3.1-8b' && r.node === 'n6' && r.arch === 'rom' && r.schedule.context === contexts[0] && r.config.startsWith(`${CONSTANTS.romMacsPerHidden.value} `));
    const hc1 = { node: 'n6', areaMm2: CONSTANTS.hc1AreaMm2.value, transistors: CONSTANTS.hc1Transistors.value, tokensPerS: CONSTANTS.hc1TokensPerS.value, source: CONSTANTS.hc1AreaMm2.source };
    await writeJsonAtomic(join(dir, 'study.json'), {
      models: c.models,
      settings: { weightBits: c.weightBits, contexts, batch: c.batch, productionTile: cal.productionTile, tokensFloor: c.tokensFloor },
      rows,
      largest,
      anchor: anchor ? { estimate: anchor, taalasHC1: hc1 } : null,
      constants: constantRows(),
    });
    await svgToPng(
      barChartSvg({
        title: `Largest llama-shaped model on one 300 mm wafer at ${c.tokensFloor.toLocaleString('en-US')} tokens/s or more per user (${c.weightBits}-bit, context ${contexts[0].toLocaleString('en-US')})`,
        bars: largest.filter((l) => l.context === contexts[0]).map((l) => ({ label: `${l.node} ${l.arch}`, value: l.params / 1e9, color: ARCH_COLORS[l.arch] ?? '#6b7280' })),
        valueLabel: 'parameters (B)',
        widthPx: c.chartPx,
        heightPx: Math.round(c.chartPx / 2),
        showValues: true,
      }),
      join(dir, 'images', 'study.png'),
    );
    // The front: area against tokens/s per user, per node, every architecture and configuration; HC1 on N6.
    for (const context of contexts) for (const node of c.nodes as CapacityNode[]) {
      const mine = rows.filter((r) => r.node === node && r.schedule.context === context && r.tokensPerS > 0);
      const points: ScatterPoint[] = mine.map((r) => ({ x: r.tokensPerS, y: r.areaMm2, color: ARCH_COLORS[r.arch] ?? '#6b7280', label: r.model === 'llama-3.1-8b' && (r.arch === 'rom' ? Number(r.config.split(' ')[0]) >= 64 : r.schedule.config.attentionLanes === STUDY_LANES[STUDY_LANES.length - 1]) ? `${r.model}${r.arch === 'rom' ? ` (${r.config.split(' ')[0]} MACs)` : ''}` : undefined }));
      if (node === 'n6') points.push({ x: hc1.tokensPerS, y: hc1.areaMm2, color: '#111827', label: `Taalas HC1 (llama-3.1-8b, context about 2k)`, reference: true });
      await svgToPng(
        scatterChartSvg({
          title: `Area against speed at ${node}, context ${context.toLocaleString('en-US')}: every model, architecture and configuration`,
          xLabel: 'tokens/s per user (batch 1)',
          yLabel: 'silicon (mm²)',
          points,
          legend: archs.map((a) => ({ name: a, color: ARCH_COLORS[a] ?? '#6b7280' })),
          widthPx: c.chartPx,
          heightPx: Math.round(c.chartPx * 0.55),
        }),
        join(dir, 'images', `front-${node}-${context}.png`),
      );
    }
    if (anchor) {
      metrics.study__anchor__area_mm2 = Number(anchor.areaMm2.toFixed(1));
      metrics.study__anchor__transistors = Math.round(anchor.transistors);
      metrics.study__anchor__tokens_per_s = Math.round(anchor.tokensPerS);
    }
    metrics.study__rows__count = rows.length;
    return { views: { study: 'study', studyCsv: 'study/study.csv' }, metrics };
  },
});
