/**
 * The hardwired pass (pure): the integer model the chip computes, step for step as the schedule runs a
 * token through its units (docs/schedule.md), in their arithmetic (`@hardwire/tiles` tables.ts):
 *
 * - weights: integer coefficients per row from our quantizer (per-row scale for int3, int3-midrise, ternary,
 *   int4; for MXFP4 and NVFP4 the group scales are folded in exactly: a power of two, or the E4M3 mantissa
 *   times a power of two, relative to the row's unit), the RMSNorm gains folded into the next matrix first;
 * - a matrix step is `acc = W·x` on the codes (the tiles' golden model), then the reducer: `sat(resid +
 *   round(acc · f / 2^s))` to int8 or int16, `f / 2^s` the row's hardwired factor (row unit × input scale /
 *   output scale); the residual stream is int16, every matrix input int8 (the tiles' input width);
 * - RMSNorm: Σh² (norm_sumsq), 1/√ from the reciprocal unit's table, the vector requantized to int8;
 * - RoPE in Q1.14 (rope unit), q and k kept at int8 (the KV cache's 8 bits, the attention lanes' inputs);
 * - attention: q·k in 32 bits, the maximum over the context, weights from the 256-entry exponent table,
 *   their sum, p·v, and 1/sum from the reciprocal table; SiLU from its 1/16-grid table times up.
 *
 * The activation scales are compile-time constants calibrated on float activations of a calibration text
 * (`calibrate`): what a chip designer fixes before tape-out.
 */
import { FORMATS, quantizeRows, roundE4M3, type QuantFormat } from '@hardwire/quant';
import { reciprocal, SILU_TABLE } from '@hardwire/tiles';
import { factorShift, requantizeN, rotateN, softmaxWeightN } from './fixed.ts';
import { FloatLlama, LAYER_MATRICES, matrixShape, ropeAngle, type LayerMatrix, type LlamaShape, type LlamaWeights } from './llama.ts';

/** A matrix as integer coefficients and the real value of one coefficient unit per row. */
export interface IntMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major, in the narrowest integer array that holds them. */
  readonly coef: Int8Array | Int16Array | Int32Array;
  readonly rowUnit: Float64Array;
}

/** The coefficients in the narrowest typed array (a pass streams every weight per token: bytes are time). */
function narrow(m: { rows: number; cols: number; coef: Int32Array; rowUnit: Float64Array }): IntMatrix {
  let max = 0;
  for (let i = 0; i < m.coef.length; i++) max = Math.max(max, Math.abs(m.coef[i]));
  const coef = max <= 127 ? Int8Array.from(m.coef) : max <= 32767 ? Int16Array.from(m.coef) : m.coef;
  return { ...m, coef };
}

/** Dequantized weights: coefficient x row unit. */
export function dequantize(m: IntMatrix): Float32Array {
  const out = new Float32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let j = 0; j < m.cols; j++) out[r * m.cols + j] = m.coef[r * m.cols + j] * m.rowUnit[r];
  return out;
}

/** Quantize [rows, cols] with `format` (per-row scale, or the format's fixed groups folded exactly). */
export function quantizeMatrix(w: Float32Array, rows: number, cols: number, format: WeightFormat): IntMatrix {
  if (format === 'int8') return quantizeInt8(w, rows, cols);
  const info = FORMATS[format];
  const group = info.fixedGroup ?? cols;
  const levels = new Uint8Array(rows * cols);
  let tensorAbsMax = 0;
  for (let i = 0; i < w.length; i++) tensorAbsMax = Math.max(tensorAbsMax, Math.abs(w[i]));
  const groupsPerRow = Math.ceil(cols / group);
  const scales = new Float32Array(rows * groupsPerRow);
  quantizeRows(w, rows, cols, { format, group, tensorAbsMax }, levels, { sumSq: 0, errSq: 0 }, scales);
  const coef = new Int32Array(rows * cols);
  const rowUnit = new Float64Array(rows);
  const values = info.levelValues;
  if (!info.fixedGroup) {
    for (let r = 0; r < rows; r++) {
      rowUnit[r] = info.valueUnit * scales[r];
      for (let j = 0; j < cols; j++) coef[r * cols + j] = values[levels[r * cols + j]];
    }
    return narrow({ rows, cols, coef, rowUnit });
  }
  // Group scales as integers n_g · 2^unitExp: MX 2^e (n = 1), NV e4m3 · T = (e4m3 · 2^9) · 2^−9 · T.
  const globalScale = format === 'fp4-nv' ? tensorAbsMax / (6 * 448) : 1;
  const n = new Float64Array(groupsPerRow);
  for (let r = 0; r < rows; r++) {
    let minExp = Infinity;
    for (let g = 0; g < groupsPerRow; g++) {
      let absMax = 0;
      for (let j = g * group; j < Math.min(cols, (g + 1) * group); j++) absMax = Math.max(absMax, Math.abs(w[r * cols + j]));
      let e = 0;
      if (absMax === 0 || (format === 'fp4-nv' && globalScale === 0)) n[g] = 0;
      else if (format === 'fp4-mx') {
        e = Math.floor(Math.log2(absMax));
        if (2 ** e > absMax) e--;
        else if (2 ** (e + 1) <= absMax) e++;
        n[g] = 1;
        e -= 2;
      } else {
        n[g] = roundE4M3(absMax / 6 / globalScale) * 512; // an integer: E4M3 steps are multiples of 2^−9
        e = 0;
        while (n[g] > 0 && n[g] % 2 === 0) {
          n[g] /= 2;
          e++;
        }
      }
      if (n[g] > 0) minExp = Math.min(minExp, e);
      n[g] = n[g] > 0 ? n[g] * 2 ** e : 0; // back to n · 2^e; divided by 2^minExp below
    }
    if (minExp === Infinity) minExp = 0;
    rowUnit[r] = info.valueUnit * 2 ** minExp * (format === 'fp4-nv' ? globalScale / 512 : 1);
    for (let g = 0; g < groupsPerRow; g++) {
      const factor = n[g] / 2 ** minExp;
      for (let j = g * group; j < Math.min(cols, (g + 1) * group); j++) coef[r * cols + j] = values[levels[r * cols + j]] * factor;
    }
  }
  return narrow({ rows, cols, coef, rowUnit });
}

/**
 * Weights formats of the pass: the quantizer's formats, and `int8` (per-row absmax / 127, codes −127..127): not a
 * format the chip would use, but the pipeline's own loss (int8 activations, int16 residual, tables) with weights
 * close to float.
 */
export type WeightFormat = QuantFormat | 'int8';

function quantizeInt8(w: Float32Array, rows: number, cols: number): IntMatrix {
  const coef = new Int32Array(rows * cols);
  const rowUnit = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let j = 0; j < cols; j++) max = Math.max(max, Math.abs(w[r * cols + j]));
    const unit = max / 127;
    rowUnit[r] = unit;
    if (unit > 0) for (let j = 0; j < cols; j++) coef[r * cols + j] = Math.round(w[r * cols + j] / unit);
  }
  return narrow({ rows, cols, coef, rowUnit });
}

/** Fold a per-column gain into a copy of [rows, cols] (the RMSNorm weights into the next matrix). */
export function foldColumns(w: Float32Array, rows: number, cols: number, g: Float32Array): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) out[r * cols + j] = w[r * cols + j] * g[j];
  return out;
}

/** Activation ranges from the float pass: the constants the chip's factors are computed from. */
export interface Calibration {
  /** Residual stream absmax. */
  readonly residual: number;
  /** Per layer: max |x_i| / √Σx² at the two norms' inputs. */
  readonly attnNormRatio: number[];
  readonly mlpNormRatio: number[];
  readonly finalNormRatio: number;
  /** Per layer absmax of q, k (before and after RoPE), v, up and SiLU·up. */
  readonly q: number[];
  readonly k: number[];
  readonly v: number[];
  readonly up: number[];
  readonly siluUp: number[];
  readonly logits: number;
  readonly tokens: number;
}

/**
 * Run the float pass over `sequences` (token ids, BOS first) and take the ranges: the int16 residual and
 * logits at their maximum; the int8 sites (norm outputs, q, k, v, up, SiLU·up) at the `clip` quantile of
 * their magnitudes (1: the maximum; below 1 the largest values saturate and the rest gain resolution).
 */
export function calibrate(w: LlamaWeights, sequences: readonly number[][], clip = 1): Calibration {
  const L = w.shape.layers;
  const samples = new Map<string, number[]>();
  const add = (key: string, v: number) => {
    let a = samples.get(key);
    if (!a) samples.set(key, (a = []));
    a.push(v);
  };
  const addAll = (key: string, values: ArrayLike<number>) => {
    for (let i = 0; i < values.length; i++) add(key, Math.abs(values[i]));
  };
  let residual = 0;
  let logits = 0;
  const absMax = (v: ArrayLike<number>) => {
    let m = 0;
    for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
    return m;
  };
  const ratio = (v: ArrayLike<number>) => {
    let ss = 0;
    for (let i = 0; i < v.length; i++) ss += v[i] * v[i];
    return ss > 0 ? absMax(v) / Math.sqrt(ss) : 0;
  };
  let tokens = 0;
  const model = new FloatLlama(w, (site, values) => {
    const [kind, layerText, name] = site.split('.');
    if (site === 'embed' || site === 'final_in' || name === 'out' || name === 'attn_in' || name === 'mlp_in') residual = Math.max(residual, absMax(values));
    if (site === 'final_in') add('final_norm', ratio(values));
    if (site === 'logits') logits = Math.max(logits, absMax(values));
    if (kind !== 'layer') return;
    const l = layerText;
    if (name === 'attn_in') add(`attn_norm.${l}`, ratio(values));
    else if (name === 'mlp_in') add(`mlp_norm.${l}`, ratio(values));
    else if (name === 'q' || name === 'q_pre') addAll(`q.${l}`, values);
    else if (name === 'k' || name === 'k_pre') addAll(`k.${l}`, values);
    else if (name === 'v' || name === 'up' || name === 'silu_up') addAll(`${name}.${l}`, values);
  });
  for (const seq of sequences) for (let p = 0; p < seq.length; p++) {
    model.step(seq[p], p);
    tokens++;
  }
  const quantile = (key: string) => {
    const a = samples.get(key);
    if (!a || a.length === 0) return 0;
    if (clip >= 1) return a.reduce((m, v) => Math.max(m, v), 0);
    const sorted = Float64Array.from(a).sort();
    return sorted[Math.min(sorted.length - 1, Math.floor(clip * sorted.length))];
  };
  const perLayer = (name: string) => Array.from({ length: L }, (_, l) => quantile(`${name}.${l}`));
  return {
    residual,
    attnNormRatio: perLayer('attn_norm'),
    mlpNormRatio: perLayer('mlp_norm'),
    finalNormRatio: quantile('final_norm'),
    q: perLayer('q'),
    k: perLayer('k'),
    v: perLayer('v'),
    up: perLayer('up'),
    siluUp: perLayer('silu_up'),
    logits,
    tokens,
  };
}

/** Headroom over the calibrated maximum for the int16 residual and logits (16 bits leave room; int8 has none to spare). */
export const WIDE_HEADROOM = 2;

export interface HardwiredOptions {
  /** Quantize the weights (false: the float weights in the same integer pipeline would need a format; used by tests only as `format`). */
  readonly format: WeightFormat;
  /** Matrices in another format (mixed precision), by `<layer>.<matrix>`, `<layer>.*`, `*.<matrix>`, `head` or `embed`. */
  readonly overrides?: ReadonlyMap<string, WeightFormat>;
}

interface IntLayer {
  readonly m: Record<LayerMatrix, IntMatrix>;
  /** Per matrix, per row: the reducer's factor and shift. */
  readonly f: Record<LayerMatrix, Int32Array>;
  readonly s: Record<LayerMatrix, Int32Array>;
  readonly attnNormShift: number;
  readonly mlpNormShift: number;
  /** Softmax score scale (Q16) for EXP_TABLE indices in 1/16 of a bit. */
  readonly softmaxC: number;
  readonly siluF: number;
  readonly siluS: number;
}

/** The compiled chip: coefficients, factors, shifts and the activation scales. */
export interface HardwiredModel {
  readonly shape: LlamaShape;
  readonly format: WeightFormat;
  readonly layers: readonly IntLayer[];
  readonly embed: IntMatrix;
  readonly embedF: Int32Array;
  readonly embedS: Int32Array;
  readonly head: IntMatrix;
  readonly headF: Int32Array;
  readonly headS: Int32Array;
  readonly finalNormShift: number;
  /** Real value of one unit of the residual stream and of the logits. */
  readonly residualScale: number;
  readonly logitScale: number;
  /** RoPE cos and sin in Q1.14 per position and pair. */
  readonly ropeCos: Int32Array;
  readonly ropeSin: Int32Array;
}

const factors = (m: IntMatrix, inScale: number, outScale: number) => {
  const f = new Int32Array(m.rows);
  const s = new Int32Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    const fs = factorShift((m.rowUnit[r] * inScale) / outScale);
    f[r] = fs.f;
    s[r] = fs.s;
  }
  return { f, s };
};

/** The shift t with max |x| / √Σx² · 2^t <= 127 (the norm's int8 output uses the range). */
const normShift = (ratio: number) => (ratio > 0 ? Math.floor(Math.log2(127 / ratio)) : 0);

export function compileHardwired(w: LlamaWeights, cal: Calibration, o: HardwiredOptions): HardwiredModel {
  const s = w.shape;
  const residualScale = (cal.residual * WIDE_HEADROOM) / 32767;
  const logitScale = (cal.logits * WIDE_HEADROOM) / 32767;
  const formatOf = (l: number, m: string) => o.overrides?.get(`${l}.${m}`) ?? o.overrides?.get(`${l}.*`) ?? o.overrides?.get(`*.${m}`) ?? o.format;
  const layers: IntLayer[] = w.layers.map((L, l) => {
    const attnNormShift = normShift(cal.attnNormRatio[l]);
    const mlpNormShift = normShift(cal.mlpNormRatio[l]);
    // Matrix input scales: after a norm, x_q · √n · 2^−t (the gain folded into the matrix); otherwise the producer's scale.
    const normIn = (t: number) => Math.sqrt(s.dim) / 2 ** t;
    const sq = cal.q[l] / 127;
    const sk = cal.k[l] / 127;
    const sv = cal.v[l] / 127;
    const su = cal.up[l] / 127;
    const sm = cal.siluUp[l] / 127;
    const plan: Record<LayerMatrix, { w: Float32Array; gain?: Float32Array; inScale: number; outScale: number }> = {
      q: { w: L.q, gain: L.attnNorm, inScale: normIn(attnNormShift), outScale: sq },
      k: { w: L.k, gain: L.attnNorm, inScale: normIn(attnNormShift), outScale: sk },
      v: { w: L.v, gain: L.attnNorm, inScale: normIn(attnNormShift), outScale: sv },
      o: { w: L.o, inScale: sv, outScale: residualScale },
      gate: { w: L.gate, gain: L.mlpNorm, inScale: normIn(mlpNormShift), outScale: 1 / 16 },
      up: { w: L.up, gain: L.mlpNorm, inScale: normIn(mlpNormShift), outScale: su },
      down: { w: L.down, inScale: sm, outScale: residualScale },
    };
    const m = {} as Record<LayerMatrix, IntMatrix>;
    const f = {} as Record<LayerMatrix, Int32Array>;
    const sh = {} as Record<LayerMatrix, Int32Array>;
    for (const name of LAYER_MATRICES) {
      const { rows, cols } = matrixShape(s, name);
      const p = plan[name];
      m[name] = quantizeMatrix(p.gain ? foldColumns(p.w, rows, cols, p.gain) : p.w, rows, cols, formatOf(l, name));
      const fs = factors(m[name], p.inScale, p.outScale);
      f[name] = fs.f;
      sh[name] = fs.s;
    }
    // EXP index = (m − s) · S_q · S_k / √d / ln 2 · 16, as ((m − s) · c) >> 16.
    const softmaxC = Math.max(1, Math.min(65535, Math.round((65536 * 16 * sq * sk) / Math.sqrt(s.headDim) / Math.LN2)));
    const silu = factorShift(su / (16 * sm));
    return { m, f, s: sh, attnNormShift, mlpNormShift, softmaxC, siluF: silu.f, siluS: silu.s };
  });
  const embed = quantizeMatrix(w.embed, s.vocab, s.dim, o.overrides?.get('embed') ?? o.format);
  const ef = factors(embed, 1, residualScale);
  const finalNormShift = normShift(cal.finalNormRatio);
  const head = quantizeMatrix(foldColumns(w.head, s.vocab, s.dim, w.finalNorm), s.vocab, s.dim, o.overrides?.get('head') ?? o.format);
  const hf = factors(head, Math.sqrt(s.dim) / 2 ** finalNormShift, logitScale);
  const half = s.headDim / 2;
  const ropeCos = new Int32Array(s.seqLen * half);
  const ropeSin = new Int32Array(s.seqLen * half);
  for (let p = 0; p < s.seqLen; p++) for (let i = 0; i < half; i++) {
    const a = ropeAngle(p, i, s.headDim, s.ropeTheta);
    ropeCos[p * half + i] = Math.round(Math.cos(a) * 16384);
    ropeSin[p * half + i] = Math.round(Math.sin(a) * 16384);
  }
  return { shape: s, format: o.format, layers, embed, embedF: ef.f, embedS: ef.s, head, headF: hf.f, headS: hf.s, finalNormShift, residualScale, logitScale, ropeCos, ropeSin };
}

/**
 * The float pass over exactly the chip's weights: every matrix dequantized from the compiled model (gains
 * already folded in, so the norms' gains become 1). Its loss against float is the weights' share; the
 * hardwired pass adds the integer pipeline's.
 */
export function chipWeights(w: LlamaWeights, m: HardwiredModel): LlamaWeights {
  const ones = new Float32Array(w.shape.dim).fill(1);
  return {
    shape: w.shape,
    embed: dequantize(m.embed),
    layers: m.layers.map((L) => ({
      attnNorm: ones,
      mlpNorm: ones,
      q: dequantize(L.m.q),
      k: dequantize(L.m.k),
      v: dequantize(L.m.v),
      o: dequantize(L.m.o),
      gate: dequantize(L.m.gate),
      up: dequantize(L.m.up),
      down: dequantize(L.m.down),
    })),
    finalNorm: ones,
    head: dequantize(m.head),
  };
}

/**
 * Float weights with only the selected matrices quantized (the chip's weights for those, gains folded before
 * quantizing and divided out after, so the float norms apply them once): the sensitivity of one matrix or layer.
 */
export function selectiveWeights(w: LlamaWeights, format: WeightFormat, selected: (layer: number | 'head' | 'embed', matrix: LayerMatrix | 'head' | 'embed') => boolean): LlamaWeights {
  const s = w.shape;
  const roundTrip = (m: Float32Array, rows: number, cols: number, gain?: Float32Array) => {
    const q = dequantize(quantizeMatrix(gain ? foldColumns(m, rows, cols, gain) : m, rows, cols, format));
    if (gain) for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) q[r * cols + j] = gain[j] === 0 ? 0 : q[r * cols + j] / gain[j];
    return q;
  };
  const gainOf: Record<LayerMatrix, 'attnNorm' | 'mlpNorm' | undefined> = { q: 'attnNorm', k: 'attnNorm', v: 'attnNorm', o: undefined, gate: 'mlpNorm', up: 'mlpNorm', down: undefined };
  return {
    shape: s,
    embed: selected('embed', 'embed') ? roundTrip(w.embed, s.vocab, s.dim) : w.embed,
    layers: w.layers.map((L, l) => {
      const out = { ...L };
      for (const m of LAYER_MATRICES) {
        if (!selected(l, m)) continue;
        const { rows, cols } = matrixShape(s, m);
        const g = gainOf[m];
        out[m] = roundTrip(L[m], rows, cols, g ? L[g] : undefined);
      }
      return out;
    }),
    finalNorm: w.finalNorm,
    head: selected('head', 'head') ? roundTrip(w.head, s.vocab, s.dim, w.finalNorm) : w.head,
  };
}

/** Saturations per site (a clamp in a requantization), the first place to look when quality drops. */
export type SaturationCounts = Record<string, { count: number }>;

/** acc = W·x for every row (exact integers). The same unrolled loop as the float pass's `matVec`, kept apart so each stays monomorphic (one array type per call site) and fast. */
function intMatVec(m: IntMatrix, x: Int32Array, acc: Float64Array): void {
  const { rows, cols, coef } = m;
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const base = r * cols;
    let j = 0;
    for (; j < c4; j += 4) {
      s0 += coef[base + j] * x[j];
      s1 += coef[base + j + 1] * x[j + 1];
      s2 += coef[base + j + 2] * x[j + 2];
      s3 += coef[base + j + 3] * x[j + 3];
    }
    for (; j < cols; j++) s0 += coef[base + j] * x[j];
    acc[r] = s0 + s1 + s2 + s3;
  }
}

/** The integers one matrix step of a layer saw and produced for the last token (for the gate-level tie test). */
export interface MatrixTrace {
  /** The tile's input vector (int8). */
  readonly input: Int32Array;
  /** W·x per row (the tiles' outputs summed). */
  readonly acc: Float64Array;
  /** The residual the reducer added (o and down), else zeros. */
  readonly resid: Int32Array;
  /** The reducer's outputs. */
  readonly out: Int32Array;
  readonly narrow: boolean;
}

export type LayerTrace = Record<LayerMatrix, MatrixTrace>;

/** The chip's pass with its int8 KV cache; `step` returns the dequantized logits. */
export class HardwiredLlama {
  private readonly kCache: Int8Array[];
  private readonly vCache: Int8Array[];
  private readonly h: Int32Array;
  private readonly xq: Int32Array;
  private readonly hidden: Int32Array;
  private readonly acc: Float64Array;
  private readonly scores: Float64Array;
  private readonly weights: Float64Array;
  private readonly pair = new Int32Array(2);
  readonly logits: Float32Array;
  readonly saturations: SaturationCounts = {};
  /** When set, the integers of this layer's matrix steps are kept at every step (the last token's in `trace`). */
  traceLayer = -1;
  trace: LayerTrace | undefined;

  constructor(readonly model: HardwiredModel) {
    const s = model.shape;
    const kvDim = s.kvHeads * s.headDim;
    this.kCache = model.layers.map(() => new Int8Array(s.seqLen * kvDim));
    this.vCache = model.layers.map(() => new Int8Array(s.seqLen * kvDim));
    this.h = new Int32Array(s.dim);
    this.xq = new Int32Array(Math.max(s.dim, s.hidden, s.heads * s.headDim));
    this.hidden = new Int32Array(s.hidden);
    this.acc = new Float64Array(Math.max(s.vocab, s.hidden, s.dim));
    this.scores = new Float64Array(s.seqLen);
    this.weights = new Float64Array(s.seqLen);
    this.logits = new Float32Array(s.vocab);
  }

  private sat(site: string): { count: number } {
    return (this.saturations[site] ??= { count: 0 });
  }

  /** RMSNorm of the residual into xq (int8), with output shift t. */
  private norm(t: number, site: string): void {
    const { h, xq } = this;
    let ss = 0;
    for (let i = 0; i < h.length; i++) ss += h[i] * h[i];
    const r = reciprocal(BigInt(ss), true);
    const shift = Math.max(0, r.s - t);
    const sat = this.sat(site);
    for (let i = 0; i < h.length; i++) xq[i] = requantizeN(h[i], r.f, shift, 0, -128, 127, sat);
  }

  /** out[r] = reducer(W·x) to int8 (narrow) or int16, plus the residual when given; traced when asked. */
  private matrix(m: IntMatrix, f: Int32Array, s: Int32Array, x: Int32Array, out: Int32Array, narrow: boolean, residual: boolean, site: string, trace?: Partial<LayerTrace>, name?: LayerMatrix): void {
    const acc = this.acc;
    intMatVec(m, x, acc);
    const lo = narrow ? -128 : -32768;
    const hi = narrow ? 127 : 32767;
    const sat = this.sat(site);
    const resid = trace ? (residual ? Int32Array.from(out.subarray(0, m.rows)) : new Int32Array(m.rows)) : undefined;
    for (let r = 0; r < m.rows; r++) out[r] = requantizeN(acc[r], f[r], s[r], residual ? out[r] : 0, lo, hi, sat);
    if (trace && name && resid) trace[name] = { input: Int32Array.from(x.subarray(0, m.cols)), acc: Float64Array.from(acc.subarray(0, m.rows)), resid, out: Int32Array.from(out.subarray(0, m.rows)), narrow };
  }

  step(token: number, pos: number): Float32Array {
    const M = this.model;
    const sh = M.shape;
    const kvDim = sh.kvHeads * sh.headDim;
    const qDim = sh.heads * sh.headDim;
    const group = sh.heads / sh.kvHeads;
    const half = sh.headDim / 2;
    const { h, xq, hidden, scores, weights, pair } = this;
    const q = new Int32Array(qDim);
    const k = new Int32Array(kvDim);
    const v = new Int32Array(kvDim);
    const attn = new Int32Array(qDim);
    const up = new Int32Array(sh.hidden);
    // Embedding: the ROM row's codes through the row factor into the int16 residual.
    const e = M.embed;
    const embedSat = this.sat('embed');
    for (let i = 0; i < sh.dim; i++) h[i] = requantizeN(e.coef[token * sh.dim + i], M.embedF[token], M.embedS[token], 0, -32768, 32767, embedSat);
    for (let l = 0; l < sh.layers; l++) {
      const L = M.layers[l];
      const trace: Partial<LayerTrace> | undefined = l === this.traceLayer ? {} : undefined;
      this.norm(L.attnNormShift, `layer.${l}.attn_norm`);
      this.matrix(L.m.q, L.f.q, L.s.q, xq, q, true, false, `layer.${l}.q`, trace, 'q');
      this.matrix(L.m.k, L.f.k, L.s.k, xq, k, true, false, `layer.${l}.k`, trace, 'k');
      this.matrix(L.m.v, L.f.v, L.s.v, xq, v, true, false, `layer.${l}.v`, trace, 'v');
      // RoPE, then q and k at int8.
      const ropeSat = this.sat(`layer.${l}.rope`);
      const rotateHeads = (vec: Int32Array, heads: number) => {
        for (let hd = 0; hd < heads; hd++) for (let i = 0; i < half; i++) {
          const a = hd * sh.headDim + i;
          rotateN(vec[a], vec[a + half], M.ropeCos[pos * half + i], M.ropeSin[pos * half + i], pair);
          for (let z = 0; z < 2; z++) {
            let y = pair[z];
            if (y > 127 || y < -128) {
              ropeSat.count++;
              y = y > 127 ? 127 : -128;
            }
            vec[z === 0 ? a : a + half] = y;
          }
        }
      };
      rotateHeads(q, sh.heads);
      rotateHeads(k, sh.kvHeads);
      const kc = this.kCache[l];
      const vc = this.vCache[l];
      for (let i = 0; i < kvDim; i++) {
        kc[pos * kvDim + i] = k[i];
        vc[pos * kvDim + i] = v[i];
      }
      const attnSat = this.sat(`layer.${l}.attn_normalize`);
      for (let hd = 0; hd < sh.heads; hd++) {
        const qo = hd * sh.headDim;
        const ko = Math.floor(hd / group) * sh.headDim;
        let max = -Infinity;
        for (let t = 0; t <= pos; t++) {
          let dot = 0;
          for (let i = 0; i < sh.headDim; i++) dot += q[qo + i] * kc[t * kvDim + ko + i];
          scores[t] = dot;
          if (dot > max) max = dot;
        }
        let sum = 0;
        for (let t = 0; t <= pos; t++) {
          weights[t] = softmaxWeightN(scores[t], max, L.softmaxC);
          sum += weights[t];
        }
        const r = reciprocal(BigInt(sum), false);
        for (let i = 0; i < sh.headDim; i++) {
          let a = 0;
          for (let t = 0; t <= pos; t++) a += weights[t] * vc[t * kvDim + ko + i];
          attn[qo + i] = requantizeN(a, r.f, r.s, 0, -128, 127, attnSat);
        }
      }
      this.matrix(L.m.o, L.f.o, L.s.o, attn, h, false, true, `layer.${l}.o`, trace, 'o');
      this.norm(L.mlpNormShift, `layer.${l}.mlp_norm`);
      this.matrix(L.m.gate, L.f.gate, L.s.gate, xq, hidden, true, false, `layer.${l}.gate`, trace, 'gate');
      this.matrix(L.m.up, L.f.up, L.s.up, xq, up, true, false, `layer.${l}.up`, trace, 'up');
      const siluSat = this.sat(`layer.${l}.silu_mul`);
      for (let i = 0; i < sh.hidden; i++) hidden[i] = requantizeN(SILU_TABLE[hidden[i] + 128] * up[i], L.siluF, L.siluS, 0, -128, 127, siluSat);
      this.matrix(L.m.down, L.f.down, L.s.down, hidden, h, false, true, `layer.${l}.down`, trace, 'down');
      if (trace) this.trace = trace as LayerTrace;
    }
    this.norm(M.finalNormShift, 'final_norm');
    const logitInt = new Int32Array(sh.vocab);
    this.matrix(M.head, M.headF, M.headS, xq, logitInt, false, false, 'head');
    for (let i = 0; i < sh.vocab; i++) this.logits[i] = logitInt[i] * M.logitScale;
    return this.logits;
  }
}
