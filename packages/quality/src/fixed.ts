/**
 * The units' integer arithmetic on JavaScript numbers (pure, hot): the same functions as `@hardwire/tiles`'
 * tables.ts (which work on bigint for the RTL's widths), exact while every product stays below 2^51; the
 * tests require equality with the bigint versions. Also the row factor: a real multiplier as a 16-bit factor
 * and a 6-bit shift, what the reducer's `f` and `s` inputs hold.
 */
import { EXP_TABLE } from '@hardwire/tiles';

const LIMIT = 2 ** 51;

/** (v + 2^(s−1)) >> s, v an integer with |v| < 2^51, 0 <= s <= 63. */
export function roundShiftN(v: number, s: number): number {
  if (s === 0) return v;
  if (s > 52) return 0; // |v| < 2^51 <= 2^(s−1): v + 2^(s−1) lies in (0, 2^s)
  const p = 2 ** s;
  return Math.floor((v + p / 2) / p);
}

/** sat(resid + round(v · f / 2^s)) to [lo, hi]; `sat` counts the clamps. */
export function requantizeN(v: number, f: number, s: number, resid: number, lo: number, hi: number, sat?: { count: number }): number {
  const prod = v * f;
  if (prod >= LIMIT || prod <= -LIMIT) throw new RangeError(`requantize: ${v} x ${f} is beyond 2^51`);
  const t = resid + roundShiftN(prod, s);
  if (t < lo) {
    if (sat) sat.count++;
    return lo;
  }
  if (t > hi) {
    if (sat) sat.count++;
    return hi;
  }
  return t;
}

/** EXP_TABLE[min(255, ((m − s)⁺ · c) >> 16)]. */
export function softmaxWeightN(score: number, max: number, c: number): number {
  const d = max > score ? max - score : 0;
  const t = Math.floor((d * c) / 65536);
  return EXP_TABLE[t > 255 ? 255 : t];
}

/** One RoPE rotation in Q1.14, rounded and saturated to int16, into out[0], out[1]. */
export function rotateN(x0: number, x1: number, c: number, s: number, out: Int32Array | number[]): void {
  const y0 = roundShiftN(x0 * c - x1 * s, 14);
  const y1 = roundShiftN(x0 * s + x1 * c, 14);
  out[0] = y0 < -32768 ? -32768 : y0 > 32767 ? 32767 : y0;
  out[1] = y1 < -32768 ? -32768 : y1 > 32767 ? 32767 : y1;
}

/** A real multiplier r >= 0 as f / 2^s with f < 2^16 and s <= 63 (the most bits of f that fit). */
export function factorShift(r: number): { f: number; s: number } {
  if (!(r > 0)) return { f: 0, s: 0 };
  let s = Math.floor(Math.log2(65535 / r));
  if (s > 63) s = 63;
  if (s < 0) s = 0;
  let f = Math.round(r * 2 ** s);
  if (f > 65535) {
    if (s > 0) {
      s -= 1;
      f = Math.round(r * 2 ** s);
    }
    if (f > 65535) f = 65535;
  }
  return { f, s };
}
