/**
 * Seeded synthetic weights (pure). Element i of a tensor is a function of (seed, tensor name, i) only,
 * so values do not depend on chunk size, chunk order or thread count. A 32-bit counter hash per pair
 * of elements gives each 16 bits: a cell of a 4,096-cell inverse-CDF table (kept in L1 cache) and a
 * position inside it (linear interpolation); the two outermost cells are resolved exactly from a
 * second hash, so tails are real (Gaussian or Student-t). Gaussian, or Student-t for heavy tails
 * (trained LLM weights are close to Gaussian except in their tails).
 */
import type { TensorInfo, TensorRole } from './types.ts';

export type TailModel = { kind: 'gaussian' } | { kind: 'student-t'; dof: number };

export interface SyntheticSpec {
  readonly seed: number;
  readonly tails: TailModel;
}

/** Standard deviation of a synthetic tensor: gain / sqrt(fan-in) by role, 0.02 for embeddings (a convention, not a measurement). */
export function syntheticStd(tensor: TensorInfo): number {
  const fanIn = tensor.shape[tensor.shape.length - 1];
  const gain: Partial<Record<TensorRole, number>> = { 'attn.q': 1, 'attn.k': 1, 'attn.v': 0.6, 'attn.o': 0.6, 'mlp.gate': 1, 'mlp.up': 1, 'mlp.down': 0.8, 'moe.gate_up': 1, 'moe.down': 0.8, 'moe.router': 1, head: 0.6 };
  if (tensor.role === 'embed') return 0.02;
  if (tensor.role.startsWith('norm.')) return 0.05;
  return (gain[tensor.role] ?? 0.5) / Math.sqrt(fanIn);
}

/** 32-bit FNV-1a of a string. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Per-tensor stream constants: an odd multiplier and an offset, from the seed and the tensor name. */
export function tensorStreamKey(seed: number, tensorName: string): { mul: number; add: number } {
  const a = mix32(fnv1a32(tensorName) ^ Math.imul(seed >>> 0, 0x9e3779b1));
  const b = mix32(a ^ 0x85ebca6b);
  return { mul: (a | 1) >>> 0, add: b };
}

/** A 32-bit avalanche mix (lowbias32 constants). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

function lnGamma(x: number): number {
  const g = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const t = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let s = 1.000000000190015;
  for (const gi of g) s += gi / ++y;
  return -t + Math.log((2.5066282746310005 * s) / x);
}

/** Quantile function of Student-t with `dof` degrees of freedom, scaled to unit variance (dof > 2). */
export function studentTQuantileFn(dof: number): (p: number) => number {
  // Tabulate the upper-half CDF on a log-spaced grid by integrating the density, then invert by interpolation.
  const logC = lnGamma((dof + 1) / 2) - lnGamma(dof / 2) - 0.5 * Math.log(dof * Math.PI);
  const pdf = (t: number) => Math.exp(logC - ((dof + 1) / 2) * Math.log1p((t * t) / dof));
  const n = 20000;
  const tMax = 2000;
  const ts = new Float64Array(n + 1);
  const tail = new Float64Array(n + 1); // P(T > t)
  for (let i = 0; i <= n; i++) ts[i] = i === 0 ? 0 : Math.expm1((i / n) * Math.log1p(tMax));
  // Tail beyond tMax from the asymptotic density C t^-(dof+1).
  let acc = (Math.exp(logC) * dof ** ((dof + 1) / 2) * tMax ** -dof) / dof;
  tail[n] = acc;
  for (let i = n; i > 0; i--) {
    const h = ts[i] - ts[i - 1];
    const mid = (ts[i] + ts[i - 1]) / 2;
    acc += (h / 6) * (pdf(ts[i - 1]) + 4 * pdf(mid) + pdf(ts[i]));
    tail[i - 1] = acc;
  }
  const norm = 0.5 / tail[0];
  for (let i = 0; i <= n; i++) tail[i] *= norm;
  const unit = Math.sqrt((dof - 2) / dof);
  const upper = (pTail: number): number => {
    if (pTail <= tail[n]) return tMax * (tail[n] / pTail) ** (1 / dof);
    let lo = 0;
    let hi = n;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (tail[mid] > pTail) lo = mid;
      else hi = mid;
    }
    const f = (tail[lo] - pTail) / (tail[lo] - tail[hi]);
    return ts[lo] + f * (ts[hi] - ts[lo]);
  };
  return (p: number) => (p < 0.5 ? -upper(p) : upper(1 - p)) * unit;
}

/** Inverse-CDF table: quantiles at p = j/4096 (j = 1..4095) for interpolation; the two outer cells are resolved exactly. */
export interface QuantileTable {
  readonly knots: Float32Array;
  readonly quantile: (p: number) => number;
}

const CELLS = 4096;
const tableCache = new Map<string, QuantileTable>();

/** The (cached) table of a tail model. */
export function quantileTable(tails: TailModel): QuantileTable {
  const key = tails.kind === 'gaussian' ? 'g' : `t${tails.dof}`;
  const cached = tableCache.get(key);
  if (cached) return cached;
  const quantile = tails.kind === 'gaussian' ? normalQuantile : studentTQuantileFn(tails.dof);
  const knots = new Float32Array(CELLS + 1);
  for (let j = 1; j < CELLS; j++) knots[j] = quantile(j / CELLS);
  const table = { knots, quantile };
  tableCache.set(key, table);
  return table;
}

/** Hash of a 32-bit counter under a stream key (lowbias32 mix). */
function streamHash(counter: number, mul: number, add: number): number {
  return mix32((Math.imul(counter, mul) + add) | 0);
}

/** An element in an outer cell (p < 1/4096 or p > 4095/4096): its exact quantile, from a second hash of its index. */
function tailValue(cell: number, element: number, key: { mul: number; add: number }, table: QuantileTable): number {
  const fine = (streamHash(element, key.mul, key.add ^ 0x5bd1e995) + 0.5) / 4294967296;
  return table.quantile((cell + fine) / CELLS);
}

/** Value of a 16-bit draw: 12-bit cell, 4-bit position inside it (linear interpolation of the quantile). */
function drawValue(bits16: number, element: number, key: { mul: number; add: number }, table: QuantileTable): number {
  const cell = bits16 >>> 4;
  if (cell === 0 || cell === CELLS - 1) return tailValue(cell, element, key, table);
  const a = table.knots[cell];
  return a + (table.knots[cell + 1] - a) * ((bits16 & 15) + 0.5) * 0.0625;
}

/** Both elements of a pair one of which lies in an outer cell (kept out of the hot loop). */
function drawPair(out: Float32Array, i: number, e: number, x: number, std: number, key: { mul: number; add: number }, table: QuantileTable): void {
  out[i] = drawValue(x >>> 16, e, key, table) * std;
  out[i + 1] = drawValue(x & 0xffff, e + 1, key, table) * std;
}

/**
 * Fill `out` with elements [start, start + out.length) of a tensor's synthetic stream, times `std`.
 * One 32-bit hash of (element index >> 1) gives two 16-bit draws, one per element of the pair.
 * Deterministic in (seed, tensor name, element index), whatever the chunking.
 */
export function fillSynthetic(out: Float32Array, start: number, std: number, key: { mul: number; add: number }, table: QuantileTable): void {
  const knots = table.knots;
  const mul = key.mul;
  const add = key.add;
  const n = out.length;
  let i = 0;
  let e = start;
  if (n > 0 && e % 2 === 1) {
    out[0] = drawValue(streamHash((e - 1) / 2, mul, add) & 0xffff, e, key, table) * std;
    i = 1;
    e++;
  }
  for (; i + 1 < n; i += 2, e += 2) {
    let x = (Math.imul(e / 2, mul) + add) | 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    const hiCell = x >>> 20;
    const loCell = (x >>> 4) & 4095;
    if (hiCell === 0 || hiCell === 4095 || loCell === 0 || loCell === 4095) {
      drawPair(out, i, e, x, std, key, table);
      continue;
    }
    const a = knots[hiCell];
    const b = knots[loCell];
    out[i] = (a + (knots[hiCell + 1] - a) * (((x >>> 16) & 15) + 0.5) * 0.0625) * std;
    out[i + 1] = (b + (knots[loCell + 1] - b) * ((x & 15) + 0.5) * 0.0625) * std;
  }
  if (i < n) out[i] = drawValue(streamHash(e / 2, mul, add) >>> 16, e, key, table) * std;
}
