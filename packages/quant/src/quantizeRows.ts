/**
 * Quantization kernels (pure, hot): a chunk of rows in, one level index per weight out, with the
 * error sums that give relative RMSE and SNR. Scales are per group along the input dimension.
 */
import type { QuantFormat } from './formats.ts';

export interface QuantizeSpec {
  readonly format: QuantFormat;
  /** Group size along the input dimension; `cols` means one scale per row. Ignored for FP4 (fixed). */
  readonly group: number;
  /** fp4-nv only: the tensor's max |w|, for the FP32 second-level scale. */
  readonly tensorAbsMax?: number;
}

/** Running sums for the quantization error: sum w^2 and sum (w - dequant(w))^2, in float64. */
export interface ErrorSums {
  sumSq: number;
  errSq: number;
}

/** Relative RMSE and SNR (dB) from error sums. */
export function errorMetrics(sums: ErrorSums): { relRmse: number; snrDb: number } {
  if (sums.sumSq === 0) return { relRmse: 0, snrDb: Infinity };
  return { relRmse: Math.sqrt(sums.errSq / sums.sumSq), snrDb: sums.errSq === 0 ? Infinity : 10 * Math.log10(sums.sumSq / sums.errSq) };
}

/**
 * A linear format: level = clamp(floor(w / scale + offset), 0, top), value = (level - center) * scale.
 * `scaleRule` picks the group scale: mid-tread max(max+/posMax, -min/negMax), absmean, or absmax/3.5.
 */
export interface LinearRule {
  readonly scaleRule: 'midtread' | 'absmean' | 'midrise';
  readonly posMax: number;
  readonly negMax: number;
  readonly offset: number;
  readonly top: number;
  readonly center: number;
}

/** The linear rule of a format, or undefined for FP4 (a non-uniform grid). */
export function linearRule(format: QuantFormat): LinearRule | undefined {
  switch (format) {
    case 'int3': return { scaleRule: 'midtread', posMax: 3, negMax: 4, offset: 4.5, top: 7, center: 4 };
    case 'int4': return { scaleRule: 'midtread', posMax: 7, negMax: 8, offset: 8.5, top: 15, center: 8 };
    case 'ternary': return { scaleRule: 'absmean', posMax: 1, negMax: 1, offset: 1.5, top: 2, center: 1 };
    case 'int3-midrise': return { scaleRule: 'midrise', posMax: 3.5, negMax: 3.5, offset: 4, top: 7, center: 3.5 };
    default: return undefined;
  }
}

/** Scale of weights v[start, end) under a linear rule (0 when they are all zero). */
export function groupScale(v: Float32Array, start: number, end: number, rule: LinearRule): number {
  if (rule.scaleRule === 'absmean') {
    let sumAbs = 0;
    for (let i = start; i < end; i++) sumAbs += Math.abs(v[i]);
    return sumAbs / (end - start);
  }
  let max = 0;
  let min = 0;
  for (let i = start; i < end; i++) {
    const x = v[i];
    if (x > max) max = x;
    if (x < min) min = x;
  }
  return rule.scaleRule === 'midtread' ? Math.max(max / rule.posMax, -min / rule.negMax) : Math.max(max, -min) / 3.5;
}

/** Level a zero-scale group gets (all its weights are zero): the zero level, or +1/2 for mid-rise. */
export function zeroScaleLevel(rule: LinearRule): number {
  return Math.ceil(rule.center);
}

/**
 * Quantize `rows` rows of `cols` weights (row-major) into level indices (see FORMATS[f].levelValues).
 * When `scalesOut` is given it receives one scale per group (row-major, ceil(cols/group) per row);
 * dequantized weight = levelValues[level] * valueUnit * scale.
 */
export function quantizeRows(values: Float32Array, rows: number, cols: number, spec: QuantizeSpec, levelsOut: Uint8Array, err: ErrorSums, scalesOut?: Float32Array): void {
  const rule = linearRule(spec.format);
  if (rule) return quantizeLinear(values, rows, cols, spec.group, rule, levelsOut, err, scalesOut);
  if (spec.format === 'fp4-mx') return quantizeFp4(values, rows, cols, 32, 'mx', 0, levelsOut, err, scalesOut);
  return quantizeFp4(values, rows, cols, 16, 'nv', spec.tensorAbsMax ?? 0, levelsOut, err, scalesOut);
}

function quantizeLinear(v: Float32Array, rows: number, cols: number, group: number, rule: LinearRule, out: Uint8Array, err: ErrorSums, scales?: Float32Array): void {
  let sumSq = 0;
  let errSq = 0;
  const { offset, top, center } = rule;
  const groupsPerRow = Math.ceil(cols / group);
  for (let r = 0; r < rows; r++) {
    const rowBase = r * cols;
    for (let g = 0; g < groupsPerRow; g++) {
      const start = rowBase + g * group;
      const end = Math.min(start + group, rowBase + cols);
      const scale = groupScale(v, start, end, rule);
      if (scales) scales[r * groupsPerRow + g] = scale;
      if (scale === 0) {
        out.fill(zeroScaleLevel(rule), start, end);
        continue;
      }
      const inv = 1 / scale;
      for (let i = start; i < end; i++) {
        const x = v[i];
        // floor(x/scale + offset) then clamp; `| 0` is floor for t >= 0 and far faster than Math.round/floor on real data.
        let level = (x * inv + offset) | 0;
        if (level < 0) level = 0;
        else if (level > top) level = top;
        out[i] = level;
        const d = x - (level - center) * scale;
        errSq += d * d;
        sumSq += x * x;
      }
    }
  }
  err.sumSq += sumSq;
  err.errSq += errSq;
}

/** Round a positive value to the nearest FP8 E4M3 value (round half to even, saturating at 448). */
export function roundE4M3(x: number): number {
  if (!(x > 0)) return 0;
  if (x >= 448) return 448;
  let e = Math.floor(Math.log2(x));
  if (2 ** e > x) e--;
  else if (2 ** (e + 1) <= x) e++;
  const step = e < -6 ? 2 ** -9 : 2 ** (e - 3);
  const q = x / step;
  let n = Math.round(q);
  if (n - q === 0.5 && n % 2 !== 0) n -= 1; // ties to even
  return Math.min(448, n * step);
}

/** Largest power of two <= x (x > 0), exactly. */
function floorPow2Exponent(x: number): number {
  let e = Math.floor(Math.log2(x));
  if (2 ** e > x) e--;
  else if (2 ** (e + 1) <= x) e++;
  return e;
}

/** E2M1 index of magnitudes in quarter steps: cell j covers [j/4, (j+1)/4) (its interior). */
const E2M1_CELL = Uint8Array.from([0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7]);
/** Where a cell's left edge is a tie, round half to even picks a different index than the interior. */
const E2M1_TIE = Int8Array.from([-1, 0, -1, -1, -1, 2, -1, -1, -1, -1, 4, -1, -1, -1, -1, -1, -1, -1, -1, -1, 6, -1, -1, -1, -1]);

/** E2M1 magnitude index (0..7 for 0, .5, 1, 1.5, 2, 3, 4, 6) of m = |x| in scale units, round half to even, saturating. */
export function e2m1Index(m: number): number {
  const u = m * 4;
  let j = u | 0;
  if (j > 24 || u !== u) j = 24;
  if (u === j && E2M1_TIE[j] >= 0) return E2M1_TIE[j];
  return E2M1_CELL[j];
}

const E2M1_VALUES = [0, 0.5, 1, 1.5, 2, 3, 4, 6];

function quantizeFp4(v: Float32Array, rows: number, cols: number, group: number, kind: 'mx' | 'nv', tensorAbsMax: number, out: Uint8Array, err: ErrorSums, scales?: Float32Array): void {
  let sumSq = 0;
  let errSq = 0;
  const groupsPerRow = Math.ceil(cols / group);
  const globalScale = kind === 'nv' ? tensorAbsMax / (6 * 448) : 1;
  for (let r = 0; r < rows; r++) {
    const rowBase = r * cols;
    for (let g = 0; g < groupsPerRow; g++) {
      const start = rowBase + g * group;
      const end = Math.min(start + group, rowBase + cols);
      let absMax = 0;
      for (let i = start; i < end; i++) {
        const a = Math.abs(v[i]);
        if (a > absMax) absMax = a;
      }
      let scale = 0;
      if (absMax > 0) {
        if (kind === 'mx') scale = 2 ** (floorPow2Exponent(absMax) - 2);
        else if (globalScale > 0) scale = roundE4M3(absMax / 6 / globalScale) * globalScale;
      }
      if (scales) scales[r * groupsPerRow + g] = scale;
      if (scale === 0) {
        out.fill(7, start, end);
        for (let i = start; i < end; i++) {
          errSq += v[i] * v[i];
          sumSq += v[i] * v[i];
        }
        continue;
      }
      const inv = 1 / scale;
      for (let i = start; i < end; i++) {
        const x = v[i];
        const idx = e2m1Index(Math.abs(x * inv));
        const negative = x < 0 && idx > 0;
        out[i] = negative ? 7 - idx : 7 + idx;
        const d = x - (negative ? -E2M1_VALUES[idx] : E2M1_VALUES[idx]) * scale;
        errSq += d * d;
        sumSq += x * x;
      }
    }
  }
  err.sumSq += sumSq;
  err.errSq += errSq;
}
