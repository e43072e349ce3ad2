/**
 * The float32 reference forward pass of a Llama model (pure): RMSNorm, RoPE (Hugging Face half-split pairs:
 * element i rotates with i + headDim/2), grouped-query attention over a KV cache, SiLU MLP, and a tied or
 * separate classifier. One token at a time, as the chip runs it.
 */

export interface LlamaShape {
  readonly dim: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly vocab: number;
  /** Longest sequence (the model's context). */
  readonly seqLen: number;
  readonly ropeTheta: number;
  readonly normEps: number;
}

/** The matrices of one layer, [out, in] row-major, q and k rows in half-split RoPE order. */
export interface LlamaLayer {
  readonly attnNorm: Float32Array;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly o: Float32Array;
  readonly mlpNorm: Float32Array;
  readonly gate: Float32Array;
  readonly up: Float32Array;
  readonly down: Float32Array;
}

export const LAYER_MATRICES = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type LayerMatrix = (typeof LAYER_MATRICES)[number];

export interface LlamaWeights {
  readonly shape: LlamaShape;
  /** [vocab, dim]. */
  readonly embed: Float32Array;
  readonly layers: readonly LlamaLayer[];
  readonly finalNorm: Float32Array;
  /** [vocab, dim]; the embedding itself when tied. */
  readonly head: Float32Array;
}

/** Rows x cols of a layer matrix. */
export function matrixShape(s: LlamaShape, m: LayerMatrix): { rows: number; cols: number } {
  const kv = s.kvHeads * s.headDim;
  switch (m) {
    case 'q': return { rows: s.heads * s.headDim, cols: s.dim };
    case 'k':
    case 'v': return { rows: kv, cols: s.dim };
    case 'o': return { rows: s.dim, cols: s.heads * s.headDim };
    case 'gate':
    case 'up': return { rows: s.hidden, cols: s.dim };
    case 'down': return { rows: s.dim, cols: s.hidden };
  }
}

/** out[r] = Σ_j w[r·cols + j] · x[j]. */
export function matVec(w: Float32Array, x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const base = r * cols;
    let j = 0;
    for (; j < c4; j += 4) {
      s0 += w[base + j] * x[j];
      s1 += w[base + j + 1] * x[j + 1];
      s2 += w[base + j + 2] * x[j + 2];
      s3 += w[base + j + 3] * x[j + 3];
    }
    for (; j < cols; j++) s0 += w[base + j] * x[j];
    out[r] = s0 + s1 + s2 + s3;
  }
}

export function rmsNorm(x: Float32Array, g: Float32Array, eps: number, out: Float32Array): void {
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += x[i] * x[i];
  const inv = 1 / Math.sqrt(ss / x.length + eps);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * inv * g[i];
}

/** Angle of pair i (of headDim/2) at position pos. */
export function ropeAngle(pos: number, i: number, headDim: number, theta: number): number {
  return pos * theta ** (-(2 * i) / headDim);
}

/** Rotate every head of `v` in place at `pos` (half-split pairs). */
export function applyRope(v: Float32Array, heads: number, headDim: number, pos: number, theta: number): void {
  const half = headDim / 2;
  for (let i = 0; i < half; i++) {
    const a = ropeAngle(pos, i, headDim, theta);
    const c = Math.cos(a);
    const s = Math.sin(a);
    for (let h = 0; h < heads; h++) {
      const o = h * headDim;
      const x0 = v[o + i];
      const x1 = v[o + i + half];
      v[o + i] = x0 * c - x1 * s;
      v[o + i + half] = x0 * s + x1 * c;
    }
  }
}

/** Natural-log softmax of `logits` into `out` (float64). */
export function logSoftmax(logits: ArrayLike<number>, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const lse = max + Math.log(sum);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
}

/** What a forward pass reports per step besides the logits (activation ranges, for calibration). */
export interface ActivationProbe {
  /** Called with a named activation vector (e.g. `layer.2.q`); the pass owns the buffer. */
  (site: string, values: ArrayLike<number>): void;
}

/** The float32 pass with its KV cache; `step` takes one token at position `pos` (0, 1, 2, … after `reset`). */
export class FloatLlama {
  private readonly kCache: Float32Array[];
  private readonly vCache: Float32Array[];
  private readonly x: Float32Array;
  private readonly xb: Float32Array;
  private readonly q: Float32Array;
  private readonly k: Float32Array;
  private readonly v: Float32Array;
  private readonly att: Float32Array;
  private readonly attOut: Float32Array;
  private readonly proj: Float32Array;
  private readonly hb: Float32Array;
  private readonly hb2: Float32Array;
  readonly logits: Float32Array;

  constructor(readonly w: LlamaWeights, private readonly probe?: ActivationProbe) {
    const s = w.shape;
    const kvDim = s.kvHeads * s.headDim;
    this.kCache = w.layers.map(() => new Float32Array(s.seqLen * kvDim));
    this.vCache = w.layers.map(() => new Float32Array(s.seqLen * kvDim));
    this.x = new Float32Array(s.dim);
    this.xb = new Float32Array(s.dim);
    this.q = new Float32Array(s.heads * s.headDim);
    this.k = new Float32Array(kvDim);
    this.v = new Float32Array(kvDim);
    this.att = new Float32Array(s.seqLen);
    this.attOut = new Float32Array(s.heads * s.headDim);
    this.proj = new Float32Array(s.dim);
    this.hb = new Float32Array(s.hidden);
    this.hb2 = new Float32Array(s.hidden);
    this.logits = new Float32Array(s.vocab);
  }

  step(token: number, pos: number): Float32Array {
    const { w, probe } = this;
    const s = w.shape;
    const kvDim = s.kvHeads * s.headDim;
    const group = s.heads / s.kvHeads;
    const { x, xb, q, k, v, att, attOut, proj, hb, hb2 } = this;
    x.set(w.embed.subarray(token * s.dim, (token + 1) * s.dim));
    probe?.('embed', x);
    for (let l = 0; l < s.layers; l++) {
      const L = w.layers[l];
      rmsNorm(x, L.attnNorm, s.normEps, xb);
      probe?.(`layer.${l}.attn_in`, x);
      matVec(L.q, xb, s.heads * s.headDim, s.dim, q);
      matVec(L.k, xb, kvDim, s.dim, k);
      matVec(L.v, xb, kvDim, s.dim, v);
      probe?.(`layer.${l}.q_pre`, q);
      probe?.(`layer.${l}.k_pre`, k);
      applyRope(q, s.heads, s.headDim, pos, s.ropeTheta);
      applyRope(k, s.kvHeads, s.headDim, pos, s.ropeTheta);
      probe?.(`layer.${l}.q`, q);
      probe?.(`layer.${l}.k`, k);
      probe?.(`layer.${l}.v`, v);
      this.kCache[l].set(k, pos * kvDim);
      this.vCache[l].set(v, pos * kvDim);
      const kc = this.kCache[l];
      const vc = this.vCache[l];
      const scale = 1 / Math.sqrt(s.headDim);
      for (let h = 0; h < s.heads; h++) {
        const qo = h * s.headDim;
        const ko = Math.floor(h / group) * s.headDim;
        let max = -Infinity;
        for (let t = 0; t <= pos; t++) {
          let dot = 0;
          for (let i = 0; i < s.headDim; i++) dot += q[qo + i] * kc[t * kvDim + ko + i];
          att[t] = dot * scale;
          if (att[t] > max) max = att[t];
        }
        let sum = 0;
        for (let t = 0; t <= pos; t++) {
          att[t] = Math.exp(att[t] - max);
          sum += att[t];
        }
        for (let i = 0; i < s.headDim; i++) attOut[qo + i] = 0;
        for (let t = 0; t <= pos; t++) {
          const p = att[t] / sum;
          for (let i = 0; i < s.headDim; i++) attOut[qo + i] += p * vc[t * kvDim + ko + i];
        }
      }
      probe?.(`layer.${l}.attn`, attOut);
      matVec(L.o, attOut, s.dim, s.heads * s.headDim, proj);
      for (let i = 0; i < s.dim; i++) x[i] += proj[i];
      rmsNorm(x, L.mlpNorm, s.normEps, xb);
      probe?.(`layer.${l}.mlp_in`, x);
      matVec(L.gate, xb, s.hidden, s.dim, hb);
      matVec(L.up, xb, s.hidden, s.dim, hb2);
      probe?.(`layer.${l}.gate`, hb);
      probe?.(`layer.${l}.up`, hb2);
      for (let i = 0; i < s.hidden; i++) hb[i] = (hb[i] / (1 + Math.exp(-hb[i]))) * hb2[i];
      probe?.(`layer.${l}.silu_up`, hb);
      matVec(L.down, hb, s.dim, s.hidden, proj);
      for (let i = 0; i < s.dim; i++) x[i] += proj[i];
      probe?.(`layer.${l}.out`, x);
    }
    probe?.('final_in', x);
    rmsNorm(x, w.finalNorm, s.normEps, xb);
    matVec(w.head, xb, s.vocab, s.dim, this.logits);
    probe?.('logits', this.logits);
    return this.logits;
  }
}
