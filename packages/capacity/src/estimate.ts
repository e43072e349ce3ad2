/**
 * Whole-model silicon estimate (pure): every matrix of every layer, embeddings and head as hardwired tiles
 * (`parallel`, `da`: the fitted tile model at the production tile size) or as mask ROM with shared
 * multiply-accumulate units (`rom`), plus KV-cache SRAM, attention/softmax/normalization units, activation
 * buffers and I/O; areas per category at a node; reticles, wafers, yield with spares, clock and tokens/s.
 */
import { CONSTANTS, NODE_CONSTANTS, type CapacityArch, type CapacityNode } from './constants.ts';
import { predict, type TileCostModel } from './calibrate.ts';

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
  readonly tensors: readonly ShapeTensor[];
}

/** What the calibration measured at the production tile size, and the sky130 reference numbers. */
export interface TileBasis {
  readonly rows: number;
  readonly cols: number;
  readonly k: number;
  readonly inputBits: number;
  readonly outputBits: number;
  /** Block instances after sharing per block, measured on the calibration tile of this size. */
  readonly instancesPerBlock: number;
  /** Cell area per transistor in SKY130 (µm²), from the synthesized tiles. */
  readonly sky130Um2PerTransistor: number;
  /** Clock of the sample tiles in SKY130 (MHz), from OpenSTA: 1 / (period − worst slack). */
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
  /** First-order dynamic power of the logic (every logic transistor at the measured SKY130 energy, scaled by node), W; undefined without a power measurement. */
  readonly powerW?: number;
  readonly yield: YieldEstimate;
  /** Every weight matrix (what a floorplan places as weight tiles). */
  readonly tensors: readonly TensorEstimate[];
  /** Non-weight silicon of one transformer layer: attention units, KV-cache SRAM, norms and activation buffers. */
  readonly perLayerMm2: { readonly attentionUnits: number; readonly kvSram: number; readonly normAndBuffers: number };
  /** Logic utilization used at this node. */
  readonly logicUtilization: number;
}

const MATRIX = /^(attn\.(q|k|v|o)|mlp\.|moe\.|embed$|head$|proj\.in)/;

export function isHardwiredMatrix(t: ShapeTensor): boolean {
  return t.shape.length >= 2 && MATRIX.test(t.role) && !t.role.endsWith('_bias') && !t.role.startsWith('moe.router') && t.role !== 'attn.sinks';
}

export function estimateModel(m: ModelShape, o: EstimateOptions): Estimate {
  const node = NODE_CONSTANTS[o.node];
  const util = o.node === 'sky130' && o.sky130Utilization !== undefined ? o.sky130Utilization : CONSTANTS.logicUtilization.value;
  const logicMm2 = (transistors: number) =>
    o.node === 'sky130' ? (transistors * o.basis.sky130Um2PerTransistor) / util / 1e6 : transistors / (node.logicMTrPerMm2!.value * 1e6) / util;
  const bitcell = node.sramBitcellUm2!.value;
  const sramMm2 = (bits: number) => (bits * bitcell) / CONSTANTS.sramArrayEfficiency.value / 1e6;
  const matrices = m.tensors.filter(isHardwiredMatrix);
  const weightParams = matrices.reduce((s, t) => s + t.params, 0);
  const transistors: Record<string, number> = {};
  const area: Record<string, number> = {};
  const b = o.basis;
  const tensors: TensorEstimate[] = [];
  // The calibration tile of the hardwired architectures (undefined for rom): the fallback instances and the yield's tile.
  const calibrationInstances = b.instancesPerBlock * ((b.rows * b.cols) / b.k);
  const perTile = o.arch === 'rom' ? undefined : predict(requireModel(o), { instances: calibrationInstances, rows: b.rows, cols: b.cols, inputBits: b.inputBits, outputBits: b.outputBits });
  if (o.arch === 'rom') {
    transistors.weights_rom = 0;
    area.weights_rom = 0;
    for (const t of matrices) {
      const bits = t.params * o.weightBits + (t.params / t.shape[t.shape.length - 1]) * 16; // codes and a 16-bit scale per row
      const mm2 = (bits * bitcell * CONSTANTS.romBitcellOverSram.value) / CONSTANTS.romArrayEfficiency.value / 1e6;
      tensors.push({ name: t.name ?? t.role, role: t.role, layer: t.layer, params: t.params, tiles: 0, transistors: bits, cells: 0, areaMm2: mm2 });
      transistors.weights_rom += bits;
      area.weights_rom += mm2;
    }
    transistors.mac_units = m.layers * CONSTANTS.romMacsPerHidden.value * m.hiddenSize * CONSTANTS.romMacTransistors.value;
    area.mac_units = logicMm2(transistors.mac_units);
  } else {
    const model = requireModel(o);
    transistors.weights_logic = 0;
    for (const t of matrices) {
      const own = t.name === undefined ? undefined : o.tensorInstancesPerTile?.[t.name];
      const instances = own ?? calibrationInstances;
      const tiles = t.params / (b.rows * b.cols);
      const tile = predict(model, { instances, rows: b.rows, cols: b.cols, inputBits: b.inputBits, outputBits: b.outputBits });
      const tr = tiles * tile.transistors;
      tensors.push({ name: t.name ?? t.role, role: t.role, layer: t.layer, params: t.params, tiles, instancesPerTile: instances, instancesFrom: own === undefined ? 'calibration' : 'statistics', transistors: tr, cells: tiles * tile.cells, areaMm2: logicMm2(tr) });
      transistors.weights_logic += tr;
    }
    area.weights_logic = logicMm2(transistors.weights_logic);
  }
  transistors.attention_units = m.layers * m.heads * CONSTANTS.attentionTransistorsPerHead.value;
  transistors.norm_units = (2 * m.layers + 1) * CONSTANTS.normTransistors.value;
  transistors.activation_buffers = m.layers * 2 * m.hiddenSize * CONSTANTS.activationBitsPerElement.value * CONSTANTS.flopTransistors.value;
  for (const k of ['attention_units', 'norm_units', 'activation_buffers']) area[k] = logicMm2(transistors[k]);
  const kvBits = 2 * m.layers * m.kvHeads * m.headDim * o.context * o.batch * CONSTANTS.kvBits.value;
  transistors.kv_sram = kvBits * 6;
  area.kv_sram = sramMm2(kvBits);
  area.io = CONSTANTS.ioAreaMm2.value;
  const areaMm2 = Object.values(area).reduce((s, v) => s + v, 0);
  const totalTransistors = Object.values(transistors).reduce((s, v) => s + v, 0);
  const perReticle = CONSTANTS.fieldAreaMm2.value * CONSTANTS.fieldUtilization.value;
  const reticles = Math.ceil(areaMm2 / perReticle);
  const wafers = Math.ceil(reticles / CONSTANTS.fullFieldsPerWafer.value);
  const clockMHz = b.sky130ClockMHz * node.speedupVsSky130.value;
  const matrixStages = 4; // qkv, o, gate/up, down
  const attn = CONSTANTS.attentionCyclesPerLayer.value;
  const paramsPerLayer = weightParams / Math.max(1, m.layers);
  const cyclesPerToken =
    o.arch === 'parallel'
      ? m.layers * (matrixStages + attn)
      : o.arch === 'da'
        ? m.layers * (matrixStages * (b.inputBits + CONSTANTS.daCyclesOverhead.value) + attn)
        : m.layers * (paramsPerLayer / (CONSTANTS.romMacsPerHidden.value * m.hiddenSize) + attn);
  const tileAreaMm2 = perTile ? logicMm2(perTile.transistors) : perReticle / 64;
  return {
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
    fitsOneWafer: reticles <= CONSTANTS.fullFieldsPerWafer.value,
    clockMHz,
    cyclesPerToken,
    tokensPerS: (clockMHz * 1e6) / cyclesPerToken,
    powerW: b.sky130EnergyPerTransistorJ === undefined ? undefined : ((totalTransistors - (transistors.kv_sram ?? 0) - (transistors.weights_rom ?? 0)) * b.sky130EnergyPerTransistorJ * clockMHz * 1e6) / node.energyDivisorVsSky130.value,
    yield: fieldYield(perReticle, tileAreaMm2, node.defectsPerCm2.value, CONSTANTS.negativeBinomialAlpha.value, CONSTANTS.targetFieldYield.value),
    tensors,
    perLayerMm2: {
      attentionUnits: area.attention_units / Math.max(1, m.layers),
      kvSram: area.kv_sram / Math.max(1, m.layers),
      normAndBuffers: (area.norm_units + area.activation_buffers) / Math.max(1, m.layers),
    },
    logicUtilization: util,
  };
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

export function fieldYield(fieldMm2: number, tileMm2: number, d0: number, alpha: number, target: number): YieldEstimate {
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
    goodFieldsPerWafer: CONSTANTS.fullFieldsPerWafer.value * withSpares,
  };
}

/**
 * A llama-shaped model at any hidden size (pure): layers and the MLP ratio interpolated in log(hidden)
 * between the catalog's Llama 3.x shapes, head_dim 128 (64 below 3072), 8 KV heads, vocab 128,256.
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
  const headDim = hidden < 3072 ? 64 : 128;
  return { hiddenSize: hidden, layers, intermediateSize: Math.round((hidden * ratio) / 256) * 256, heads: hidden / headDim, kvHeads: 8, headDim, vocab: 128_256 };
}
