/**
 * Whole-model silicon estimate (pure): every matrix of every layer, embeddings and head as hardwired tiles
 * (`parallel`, `da`, `bitserial`, `bitserial-shared`: the fitted tile model applied to the generated
 * production-size tile's structure) or as mask ROM with shared
 * multiply-accumulate units (`rom`), plus KV-cache SRAM, attention/softmax/normalization units, activation
 * buffers and I/O; areas per category at a node; reticles, wafers, yield with spares, clock and tokens/s.
 */
import { CONSTANTS, NODE_CONSTANTS, type CapacityArch, type CapacityNode } from './constants.ts';
import { fillFields, floorGroups } from '@hardwire/floorplan';
import { predict, type TileCostModel, type TileFeatures } from './calibrate.ts';
import { chipPower, type ChipPower, type UnitEnergy } from './power.ts';
import { SCHEDULE_DEFAULTS, buildSchedule, checkSchedule, type LaneCosts, type Schedule, type ScheduleConfig, type ScheduleStep, type ScheduleUnitId } from './schedule/schedule.ts';

export interface ShapeTensor {
  /** Catalog tensor name (matches the statistics' tensor names). */
  readonly name?: string;
  readonly role: string;
  readonly layer: number | null;
  readonly shape: readonly number[];
  readonly params: number;
}

export interface ModelShape {
  readonly id: string;
  readonly params: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** The embedding table is also the LM head (hardwired, the head is then logic beside the lookup table). */
  readonly tiedEmbeddings?: boolean;
  /** Mixture of experts: every expert is resident, a token uses top-k of them. */
  readonly moe?: { readonly experts: number; readonly topK: number };
  readonly tensors: readonly ShapeTensor[];
}

/** The production-size tile (generated from the model's own weights), and the sky130 reference numbers. */
export interface TileBasis {
  readonly rows: number;
  readonly cols: number;
  readonly k: number;
  readonly inputBits: number;
  readonly outputBits: number;
  /** Block instances after sharing per block of the production tile (da, parallel; 0 otherwise). */
  readonly instancesPerBlock: number;
  /** The production tile's structure, which the fitted model prices. */
  readonly features: TileFeatures;
  /** Cycles per input vector of the architecture at this size (bit-serial: input bits plus levels of sharing). */
  readonly cyclesPerVector: number;
  /** Cell area per transistor in SKY130 (µm²), from the synthesized tiles. */
  readonly sky130Um2PerTransistor: number;
  /** Clock in SKY130 (MHz), from OpenSTA on the largest calibration tile: 1 / (period − worst slack). */
  readonly sky130ClockMHz: number;
  /** Switching energy per transistor per cycle in SKY130 (J), from OpenSTA report_power on the production tile. */
  readonly sky130EnergyPerTransistorJ?: number;
}

export interface EstimateOptions {
  readonly arch: CapacityArch;
  readonly node: CapacityNode;
  readonly weightBits: number;
  readonly context: number;
  readonly batch: number;
  readonly models: Readonly<Record<string, TileCostModel>>;
  readonly basis: TileBasis;
  /**
   * Block instances of one production tile per tensor name, predicted from that tensor's block statistics
   * (instances.ts); tensors not listed use the calibration tile's measured instances per block.
   */
  readonly tensorInstancesPerTile?: Readonly<Record<string, number>>;
  /** Cell utilization of SKY130 logic, measured on routed tiles; default the table's logicUtilization. */
  readonly sky130Utilization?: number;
  /** rom: multiply-accumulate lanes per hidden unit per layer (the rom architecture's parallelism knob). */
  readonly romMacsPerHidden?: number;
  /** Constants replaced by other values (the sensitivity sweep), by name: model-wide, or `<node>.<name>` per node. */
  readonly overrides?: Readonly<Record<string, number>>;
  /** The synthesized lanes of the units besides the weights (units.json of Units.Synthesize). */
  readonly lanes: LaneCosts;
  /** Attention lanes, KV banks and read width, vector lanes per layer (default SCHEDULE_DEFAULTS). */
  readonly schedule?: Partial<ScheduleConfig>;
  /** Measured energies: each lane's per busy cycle (units.json), and the architecture's sample tile per transistor and cycle (GateSim.Check). */
  readonly measuredPower?: { readonly lanes: Readonly<Record<string, UnitEnergy>>; readonly tile: { readonly energyPerTransistorCyclePj: number; readonly leakageNwPerTransistor: number; readonly source: string } };
}

/** The token's schedule as estimate.json carries it: the schedule with the chip's clock, speeds and the units' areas. */
export interface PricedSchedule {
  readonly context: number;
  readonly config: ScheduleConfig;
  readonly clockMHz: number;
  /** What sets the clock: the weight tiles or a unit's lane (the slowest synthesized block). */
  readonly clockLimitedBy: string;
  readonly cyclesPerToken: number;
  readonly layerCycles: number;
  readonly aroundCycles: number;
  readonly tokensPerS: number;
  readonly aggregateTokensPerS: number;
  readonly usersInFlight: number;
  /** KV-cache area it takes to hold usersInFlight users (the estimate prices `batch`). */
  readonly kvMm2ForUsersInFlight: number;
  readonly steps: readonly ScheduleStep[];
  readonly units: ReadonlyArray<{ readonly name: ScheduleUnitId; readonly count: number; readonly transistors: number; readonly areaMm2: number; readonly source: string }>;
  readonly criticalCyclesByStep: Readonly<Record<string, number>>;
  readonly criticalSteps: readonly string[];
  readonly derived: Schedule['derived'];
  /** Consistency-rule violations (none in a sound schedule). */
  readonly violations: readonly string[];
}

/** One weight matrix of the estimate: its production tiles, their predicted instances, and its silicon at the node. */
export interface TensorEstimate {
  readonly name: string;
  readonly role: string;
  readonly layer: number | null;
  readonly params: number;
  readonly tiles: number;
  /** Block instances per production tile (undefined for rom). */
  readonly instancesPerTile?: number;
  /** Where instancesPerTile came from: the tensor's own block statistics, or the calibration tile. */
  readonly instancesFrom?: 'statistics' | 'calibration';
  readonly transistors: number;
  /** Standard cells of the matrix's tiles (hardwired architectures; 0 for rom). */
  readonly cells: number;
  readonly areaMm2: number;
}

export interface Estimate {
  readonly model: string;
  readonly node: CapacityNode;
  readonly arch: CapacityArch;
  readonly params: number;
  readonly transistors: number;
  readonly areaMm2: number;
  readonly areaByCategoryMm2: Record<string, number>;
  readonly transistorsByCategory: Record<string, number>;
  readonly reticles: number;
  readonly wafers: number;
  readonly fitsOneWafer: boolean;
  readonly clockMHz: number;
  readonly cyclesPerToken: number;
  readonly tokensPerS: number;
  /** What the architecture is configured as (tile size and cycles per vector, or ROM MAC lanes; attention lanes, KV banks, vector lanes). */
  readonly config: string;
  /** Tokens/s with the layer pipeline full (schedule.usersInFlight users, each its own KV cache). */
  readonly aggregateTokensPerS: number;
  readonly schedule: PricedSchedule;
  /** First-order dynamic power of the logic (every logic transistor at the measured SKY130 energy, scaled by node), W; undefined without a power measurement. */
  readonly powerW?: number;
  /** powerW / tokensPerS. */
  readonly energyPerTokenJ?: number;
  /** Power from measured activity and the Liberty tables over the token's schedule (with measuredPower). */
  readonly power?: ChipPower & { readonly tileSource: string };
  readonly yield: YieldEstimate;
  /** Every weight matrix (what a floorplan places as weight tiles). */
  readonly tensors: readonly TensorEstimate[];
  /** Non-weight silicon of one transformer layer: attention units, KV-cache SRAM, norms and activation buffers. */
  readonly perLayerMm2: { readonly attentionUnits: number; readonly kvSram: number; readonly normAndBuffers: number; readonly macUnits: number };
  /** Tile area over field area of the fields the estimate fills (as Floorplan.Wafer fills them). */
  readonly fieldUtilization: number;
  /** Logic utilization used at this node. */
  readonly logicUtilization: number;
}

const MATRIX = /^(attn\.(q|k|v|o)|mlp\.|moe\.|embed$|head$|proj\.in)/;

export function isHardwiredMatrix(t: ShapeTensor): boolean {
  return t.shape.length >= 2 && MATRIX.test(t.role) && !t.role.endsWith('_bias') && !t.role.startsWith('moe.router') && t.role !== 'attn.sinks';
}

export function estimateModel(m: ModelShape, o: EstimateOptions): Estimate {
  const K = constantValues(o.overrides);
  const node = nodeValues(o.node, o.overrides);
  const romMacs = o.romMacsPerHidden ?? K.romMacsPerHidden;
  const util = o.node === 'sky130' && o.sky130Utilization !== undefined ? o.sky130Utilization : K.logicUtilization;
  const logicMm2 = (transistors: number) =>
    o.node === 'sky130' ? (transistors * o.basis.sky130Um2PerTransistor) / util / 1e6 : transistors / (node.logicMTrPerMm2 * 1e6) / util;
  const bitcell = node.sramBitcellUm2;
  const allMatrices = m.tensors.filter(isHardwiredMatrix);
  // Hardwired: a token only looks up one row of the embedding table, so the table is ROM bits, not multiply
  // logic; the LM head stays a matrix (for tied embeddings, a second copy of the table as logic).
  const embeddings = o.arch === 'rom' ? [] : allMatrices.filter((t) => t.role === 'embed');
  const tiedHead: ShapeTensor[] = m.tiedEmbeddings && o.arch !== 'rom' ? embeddings.map((t) => ({ ...t, name: `${t.name ?? 'embed'} (as the tied head)`, role: 'head' })) : [];
  const matrices = [...allMatrices.filter((t) => !embeddings.includes(t)), ...tiedHead];
  const romMm2 = (bits: number) => (bits * bitcell * K.romBitcellOverSram) / K.romArrayEfficiency / 1e6;
  const romBits = (t: ShapeTensor) => t.params * o.weightBits + (t.params / t.shape[t.shape.length - 1]) * K.rowScaleBits; // codes and a scale per row
  const transistors: Record<string, number> = {};
  const area: Record<string, number> = {};
  const b = o.basis;
  const tensors: TensorEstimate[] = [];
  // The calibration tile of the hardwired architectures (undefined for rom): the fallback instances and the yield's tile.
  const calibrationInstances = b.features.instances;
  const perTile = o.arch === 'rom' ? undefined : predict(requireModel(o), b.features);
  if (o.arch === 'rom') {
    transistors.weights_rom = 0;
    area.weights_rom = 0;
    for (const t of matrices) {
      const bits = romBits(t);
      const mm2 = romMm2(bits);
      tensors.push({ name: t.name ?? t.role, role: t.role, layer: t.layer, params: t.params, tiles: 0, transistors: bits, cells: 0, areaMm2: mm2 });
      transistors.weights_rom += bits;
      area.weights_rom += mm2;
    }
    // One bank of MAC lanes per layer, and one for the LM head (the layers' banks are busy with other users' tokens when the pipeline is full).
    const macBanks = m.layers + (matrices.some((t) => t.role === 'head') ? 1 : 0);
    transistors.mac_units = macBanks * romMacs * m.hiddenSize * K.romMacTransistors;
    area.mac_units = logicMm2(transistors.mac_units);
  } else {
    const model = requireModel(o);
    transistors.weights_logic = 0;
    for (const t of matrices) {
      const own = t.name === undefined ? undefined : o.tensorInstancesPerTile?.[t.name];
      const instances = own ?? calibrationInstances;
      const tiles = t.params / (b.rows * b.cols);
      const tile = predict(model, { ...b.features, instances });
      const tr = tiles * tile.transistors;
      tensors.push({ name: t.name ?? t.role, role: t.role, layer: t.layer, params: t.params, tiles, instancesPerTile: instances, instancesFrom: own === undefined ? 'calibration' : 'statistics', transistors: tr, cells: tiles * tile.cells, areaMm2: logicMm2(tr) });
      transistors.weights_logic += tr;
    }
    area.weights_logic = logicMm2(transistors.weights_logic);
    if (embeddings.length > 0) {
      transistors.embedding_rom = 0;
      area.embedding_rom = 0;
      for (const t of embeddings) {
        const bits = romBits(t);
        tensors.push({ name: t.name ?? t.role, role: t.role, layer: t.layer, params: t.params, tiles: 0, transistors: bits, cells: 0, areaMm2: romMm2(bits) });
        transistors.embedding_rom += bits;
        area.embedding_rom += romMm2(bits);
      }
    }
  }
  // The token's schedule: every step on a unit with lanes and a rate; the units besides the weights from their synthesized lanes.
  const config: ScheduleConfig = { ...SCHEDULE_DEFAULTS, ...o.schedule };
  const sched = buildSchedule({
    model: { hiddenSize: m.hiddenSize, layers: m.layers, heads: m.heads, kvHeads: m.kvHeads, headDim: m.headDim, moe: m.moe, matrices },
    weights: o.arch === 'rom' ? { kind: 'rom', macLanesPerLayer: romMacs * m.hiddenSize } : { kind: 'tiles', rows: b.rows, cols: b.cols, cyclesPerVector: b.cyclesPerVector, pipelineCycles: K.serialPipelineCycles },
    lanes: o.lanes,
    config,
    context: o.context,
    kvBits: K.kvBits,
    embeddingReadBits: K.embeddingReadBits,
    weightBits: o.weightBits,
  });
  const laneUnits = sched.units.filter((u) => u.transistors > 0);
  const laneTransistors = (names: readonly ScheduleUnitId[]) => laneUnits.filter((u) => names.includes(u.name)).reduce((s2, u) => s2 + u.count * u.transistors, 0);
  transistors.attention_units = laneTransistors(['attn_dot', 'softmax_exp', 'recip']);
  transistors.norm_units = laneTransistors(['norm_sumsq']);
  transistors.vector_units = laneTransistors(['reducer', 'silu_mul', 'rope', 'argmax']);
  transistors.activation_buffers = m.layers * 2 * m.hiddenSize * K.activationBitsPerElement * K.flopTransistors;
  for (const k of ['attention_units', 'norm_units', 'vector_units', 'activation_buffers']) area[k] = logicMm2(transistors[k]);
  // KV cache: banks per layer, each its bits plus periphery by rows (decoders, word-line drivers) and by read width
  // (sense amplifiers, write drivers, column mux), in bitcell areas.
  const kvBankMm2 = (users: number) => {
    const bankBits = (2 * m.kvHeads * m.headDim * o.context * users * K.kvBits) / config.kvBanks;
    if (bankBits === 0) return 0;
    const rows = Math.max(1, Math.ceil(bankBits / (config.kvReadBits * K.sramColumnMux)));
    return m.layers * config.kvBanks * ((bankBits + rows * K.sramRowPeripheryBitcells + config.kvReadBits * K.sramColumnPeripheryBitcells + K.sramBankFixedBitcells) * bitcell) / 1e6;
  };
  const kvBits = 2 * m.layers * m.kvHeads * m.headDim * o.context * o.batch * K.kvBits;
  transistors.kv_sram = kvBits * K.sramTransistorsPerBit;
  area.kv_sram = kvBankMm2(o.batch);
  area.io = K.ioAreaMm2;
  const areaMm2 = Object.values(area).reduce((s, v) => s + v, 0);
  const totalTransistors = Object.values(transistors).reduce((s, v) => s + v, 0);
  const perLayerMm2 = {
    attentionUnits: area.attention_units / Math.max(1, m.layers),
    kvSram: area.kv_sram / Math.max(1, m.layers),
    normAndBuffers: (area.norm_units + area.vector_units + area.activation_buffers) / Math.max(1, m.layers),
    macUnits: (area.mac_units ?? 0) / Math.max(1, m.layers),
  };
  // Fields: fill them as Floorplan.Wafer does (soft tiles in strips, dataflow order); the I/O sits in the margins.
  // Beyond four wafers' worth the rest is counted at the fill of the fields laid out (no tile lists of millions).
  const fill = fillFields(floorGroups({ tensors, hiddenSize: m.hiddenSize, perLayerMm2, activationBits: 8 }), [], {
    usableWMm: K.fieldWidthMm - 2 * K.fieldMarginMm,
    usableHMm: K.fieldHeightMm - 2 * K.fieldMarginMm,
    spacingMm: K.tileSpacingMm,
    maxTileAreaMm2: K.maxTileAreaMm2,
    maxAspect: K.maxTileAspect,
    maxFields: 4 * K.fullFieldsPerWafer,
  });
  const laidOut = fill.fieldCount;
  const placedMm2 = fill.tiles.reduce((s, t) => s + t.w * t.h, 0);
  // A full field's silicon (for yield and the fields beyond the laid-out ones): the fill of every field but the last.
  const fullFill = laidOut > 1 ? fill.tiles.filter((t) => t.field < laidOut - 1).reduce((s, t) => s + t.w * t.h, 0) / ((laidOut - 1) * K.fieldAreaMm2) : placedMm2 / K.fieldAreaMm2;
  const reticles = laidOut + (fill.remainingMm2 > 0 ? Math.ceil(fill.remainingMm2 / (K.fieldAreaMm2 * fullFill)) : 0);
  const fieldUtilization = (placedMm2 + fill.remainingMm2) / (reticles * K.fieldAreaMm2);
  const perReticle = K.fieldAreaMm2 * fullFill;
  const wafers = Math.ceil(reticles / K.fullFieldsPerWafer);
  // One clock for the chip: the slowest of the weight tiles and the units' lanes (each timed in SKY130 by OpenSTA).
  const clocks: Array<[string, number]> = [[o.arch === 'rom' ? 'the rom MAC lanes (taken at the tiles\' clock)' : 'the weight tiles', b.sky130ClockMHz]];
  for (const u of laneUnits) {
    const mhz = o.lanes[u.name as keyof LaneCosts]?.clockMHz;
    if (mhz !== undefined) clocks.push([`the ${u.name} lane`, mhz]);
  }
  const [clockLimitedBy, sky130Clock] = clocks.reduce((a, x) => (x[1] < a[1] ? x : a));
  const clockMHz = sky130Clock * node.speedupVsSky130;
  const cyclesPerToken = sched.cyclesPerToken;
  const tokensPerS = (clockMHz * 1e6) / cyclesPerToken;
  const aggregateTokensPerS = (clockMHz * 1e6) / sched.stageCycles;
  const unitAreaMm2 = (u: (typeof sched.units)[number]): number => {
    if (u.transistors > 0) return logicMm2(u.count * u.transistors);
    if (u.name === 'weight_tiles') return area.weights_logic ?? 0;
    if (u.name === 'rom_macs') return area.mac_units ?? 0;
    if (u.name === 'kv_banks') return area.kv_sram;
    if (u.name === 'embedding_rom') return area.embedding_rom ?? area.weights_rom ?? 0;
    return 0;
  };
  const schedule: PricedSchedule = {
    context: o.context,
    config,
    clockMHz,
    clockLimitedBy,
    cyclesPerToken,
    layerCycles: sched.layerCycles,
    aroundCycles: sched.aroundCycles,
    tokensPerS,
    aggregateTokensPerS,
    usersInFlight: sched.pipelineStages,
    kvMm2ForUsersInFlight: kvBankMm2(sched.pipelineStages),
    steps: sched.steps,
    units: sched.units.map((u) => ({ name: u.name, count: u.count, transistors: u.transistors, areaMm2: unitAreaMm2(u), source: u.source })),
    criticalCyclesByStep: sched.criticalCyclesByStep,
    criticalSteps: sched.criticalSteps,
    derived: sched.derived,
    violations: checkSchedule(sched, m.layers),
  };
  const tileAreaMm2 = perTile ? logicMm2(perTile.transistors) : perReticle / 64;
  // Logic switching (ROM and SRAM bits excluded) at the measured SKY130 energy per transistor, scaled to the node.
  const logicTransistors = totalTransistors - (transistors.kv_sram ?? 0) - (transistors.weights_rom ?? 0) - (transistors.embedding_rom ?? 0);
  const powerW = b.sky130EnergyPerTransistorJ === undefined ? undefined : (logicTransistors * b.sky130EnergyPerTransistorJ * clockMHz * 1e6) / node.energyDivisorVsSky130;
  const mp = o.measuredPower;
  const n7 = nodeValues('n7', o.overrides);
  const readScale = n7.energyDivisorVsSky130 / node.energyDivisorVsSky130;
  const power = mp && (o.arch === 'rom' || perTile)
    ? {
        ...chipPower({
          schedule,
          layers: m.layers,
          weightBits: o.weightBits,
          lanes: mp.lanes,
          tile: perTile ? { energyPerTransistorCyclePj: mp.tile.energyPerTransistorCyclePj, leakageNwPerTransistor: mp.tile.leakageNwPerTransistor, transistorsEach: perTile.transistors, cyclesPerVector: b.cyclesPerVector } : undefined,
          romMacPj: (mp.lanes.attn_dot?.energyPj ?? 0) / 8,
          tokensPerS,
          aggregateTokensPerS,
          energyDivisor: node.energyDivisorVsSky130,
          logicLeakageW: o.node === 'sky130' ? logicTransistors * mp.tile.leakageNwPerTransistor * 1e-9 : logicTransistors * K.logicLeakagePwPerTransistor * 1e-12,
          sramLeakageWPerBit: K.sramLeakagePwPerBit * 1e-12,
          sramReadJPerBit: K.sramReadFjPerBitN7 * 1e-15 * readScale,
          romReadJPerBit: K.romReadFjPerBitN7 * 1e-15 * readScale,
          logicTransistors,
          sramBits: kvBits,
        }),
        tileSource: mp.tile.source,
      }
    : undefined;
  return {
    power,
    model: m.id,
    node: o.node,
    arch: o.arch,
    params: m.params,
    transistors: totalTransistors,
    areaMm2,
    areaByCategoryMm2: area,
    transistorsByCategory: transistors,
    reticles,
    wafers,
    fitsOneWafer: reticles <= K.fullFieldsPerWafer,
    clockMHz,
    cyclesPerToken,
    tokensPerS,
    aggregateTokensPerS,
    schedule,
    config: `${o.arch === 'rom' ? `${romMacs} MAC lanes per hidden unit` : `${b.rows}x${b.cols} tiles, ${b.cyclesPerVector} cycles/vector`}; ${configLabel(config)}`,
    powerW,
    energyPerTokenJ: powerW === undefined ? undefined : powerW / tokensPerS,
    yield: fieldYield(perReticle, tileAreaMm2, node.defectsPerCm2, K.negativeBinomialAlpha, K.targetFieldYield, K.fullFieldsPerWafer),
    tensors,
    perLayerMm2,
    fieldUtilization,
    logicUtilization: util,
  };
}

/** A schedule configuration in a few words. */
export function configLabel(c: ScheduleConfig): string {
  return `${c.attentionLanes} attention lanes, ${c.kvBanks} KV banks x ${c.kvReadBits} bits, ${c.vectorLanes} vector lanes per layer`;
}

/** Every model-wide constant's value, with overrides by name. */
function constantValues(overrides: Readonly<Record<string, number>> = {}): Record<keyof typeof CONSTANTS, number> {
  return Object.fromEntries(Object.entries(CONSTANTS).map(([k, c]) => [k, overrides[k] ?? c.value])) as Record<keyof typeof CONSTANTS, number>;
}

/** One node's constants' values, with overrides named `<node>.<name>`. */
function nodeValues(nodeName: CapacityNode, overrides: Readonly<Record<string, number>> = {}): Record<string, number> {
  return Object.fromEntries(Object.entries(NODE_CONSTANTS[nodeName]).filter(([, c]) => c).map(([k, c]) => [k, overrides[`${nodeName}.${k}`] ?? c!.value]));
}

function requireModel(o: EstimateOptions): TileCostModel {
  const model = o.models[o.arch];
  if (!model) throw new Error(`no tile model for ${o.arch}`);
  return model;
}

export interface YieldEstimate {
  /** Whole-field yield without spares, three models. */
  readonly fieldPoisson: number;
  readonly fieldMurphy: number;
  readonly fieldNegBinomial: number;
  readonly tilesPerField: number;
  readonly tileYield: number;
  /** Spare tiles per field so a field works with the target probability (negative binomial tile yield). */
  readonly sparesPerField: number;
  readonly fieldYieldWithSpares: number;
  readonly goodFieldsPerWafer: number;
}

export const poissonYield = (d0: number, areaCm2: number) => Math.exp(-d0 * areaCm2);
export const murphyYield = (d0: number, areaCm2: number) => (d0 * areaCm2 === 0 ? 1 : ((1 - Math.exp(-d0 * areaCm2)) / (d0 * areaCm2)) ** 2);
export const negBinomialYield = (d0: number, areaCm2: number, alpha: number) => (1 + (d0 * areaCm2) / alpha) ** -alpha;

/** P(at least n of n + s independent tiles work), each with yield y. */
export function atLeast(n: number, s: number, y: number): number {
  let p = 0;
  const total = n + s;
  // log binomial for stability
  const logC = (a: number, k: number) => lgamma(a + 1) - lgamma(k + 1) - lgamma(a - k + 1);
  for (let k = n; k <= total; k++) p += Math.exp(logC(total, k) + k * Math.log(y) + (total - k) * Math.log1p(-y));
  return Math.min(1, p);
}

function lgamma(x: number): number {
  // Stirling series, good to ~1e-10 for x >= 1; shift small arguments up.
  let shift = 0;
  while (x < 7) {
    shift -= Math.log(x);
    x += 1;
  }
  return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
}

export function fieldYield(fieldMm2: number, tileMm2: number, d0: number, alpha: number, target: number, fieldsPerWafer = CONSTANTS.fullFieldsPerWafer.value): YieldEstimate {
  const cm2 = fieldMm2 / 100;
  const tiles = Math.max(1, Math.floor(fieldMm2 / Math.max(tileMm2, 1e-9)));
  const tileYield = negBinomialYield(d0, tileMm2 / 100, alpha);
  let spares = 0;
  while (spares < tiles && atLeast(tiles - spares, spares, tileYield) < target) spares++;
  const withSpares = atLeast(tiles - spares, spares, tileYield);
  return {
    fieldPoisson: poissonYield(d0, cm2),
    fieldMurphy: murphyYield(d0, cm2),
    fieldNegBinomial: negBinomialYield(d0, cm2, alpha),
    tilesPerField: tiles,
    tileYield,
    sparesPerField: spares,
    fieldYieldWithSpares: withSpares,
    goodFieldsPerWafer: fieldsPerWafer * withSpares,
  };
}

/**
 * A llama-shaped model at any hidden size (pure): layers and the MLP ratio interpolated in log(hidden)
 * between the catalog's Llama 3.x shapes, head_dim, KV heads and vocabulary from the constants table (familyHeadDim, ...).
 */
export function llamaShapeAt(hidden: number, anchors: readonly { hidden: number; layers: number; inter: number }[]): { hiddenSize: number; layers: number; intermediateSize: number; heads: number; kvHeads: number; headDim: number; vocab: number } {
  const pts = [...anchors].sort((a, b) => a.hidden - b.hidden);
  const lx = Math.log(hidden);
  let i = 0;
  while (i < pts.length - 2 && lx > Math.log(pts[i + 1].hidden)) i++;
  const a = pts[i];
  const b2 = pts[i + 1];
  const t = (lx - Math.log(a.hidden)) / (Math.log(b2.hidden) - Math.log(a.hidden));
  const lerp = (u: number, v: number) => u + (v - u) * t;
  const layers = Math.max(1, Math.round(lerp(a.layers, b2.layers)));
  const ratio = lerp(a.inter / a.hidden, b2.inter / b2.hidden);
  const K = CONSTANTS;
  const headDim = hidden < K.familySmallHiddenBelow.value ? K.familySmallHeadDim.value : K.familyHeadDim.value;
  return { hiddenSize: hidden, layers, intermediateSize: Math.round((hidden * ratio) / 256) * 256, heads: hidden / headDim, kvHeads: K.familyKvHeads.value, headDim, vocab: K.familyVocab.value };
}
