/**
 * The fixed-point tables and integer arithmetic the non-weight units compute (pure). One definition serves
 * the golden models, the generated RTL (the tables are written into it as case statements) and the
 * hardwired forward pass, so the chip, its proof and its quality measurement share one arithmetic.
 */

/** Softmax weights: EXP_TABLE[i] = round(127 · 2^(−i/16)), i = 0..255 (the score gap in 1/16 of a bit). */
export const EXP_TABLE: readonly number[] = Array.from({ length: 256 }, (_, i) => Math.round(127 * 2 ** (-i / 16)));

/** SiLU on the fixed grid of 1/16: SILU_TABLE[g + 128] = round(16 · silu(g / 16)), g = −128..127. */
export const SILU_TABLE: readonly number[] = Array.from({ length: 256 }, (_, i) => {
  const x = (i - 128) / 16;
  return Math.round((16 * x) / (1 + Math.exp(-x)));
});

/** Reciprocal mantissas: RECIP_TABLE[u] = floor((2^23 − 1) / u) for u = 128..255 (else 0). */
export const RECIP_TABLE: readonly number[] = Array.from({ length: 256 }, (_, u) => (u >= 128 ? Math.floor((2 ** 23 - 1) / u) : 0));

/** Reciprocal square-root mantissas: RSQRT_TABLE[u] = min(65535, round(2^18 / √u)) for u = 64..255 (else 0). */
export const RSQRT_TABLE: readonly number[] = Array.from({ length: 256 }, (_, u) => (u >= 64 ? Math.min(65535, Math.round(2 ** 18 / Math.sqrt(u))) : 0));

/** Two's complement wrap of `v` to `bits`, signed or not. */
export function wrap(v: bigint, bits: number, signed: boolean): bigint {
  const m = 1n << BigInt(bits);
  let r = ((v % m) + m) % m;
  if (signed && r >= m >> 1n) r -= m;
  return r;
}

export function clamp(v: bigint, lo: bigint, hi: bigint): bigint {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Round half up, then arithmetic shift right by s: (v + 2^(s−1)) >> s (v when s = 0). */
export function roundShift(v: bigint, s: number): bigint {
  return s === 0 ? v : (v + (1n << BigInt(s - 1))) >> BigInt(s);
}

/** Index of the most significant set bit (0 for v = 0). */
export function msb(v: bigint): number {
  let e = 0;
  for (let x = v >> 1n; x > 0n; x >>= 1n) e++;
  return e;
}

/**
 * A factor f (16 bits) and shift s (6 bits) with f / 2^s ≈ 1/v (mode recip) or 1/√v (mode rsqrt), v > 0 up
 * to 48 bits, from the top bits of v and a 256-entry table; v = 0 gives (65535, 0).
 */
export function reciprocal(v: bigint, sqrt: boolean): { f: number; s: number } {
  if (v <= 0n) return { f: 65535, s: 0 };
  const e = msb(v);
  const k = e >> 1;
  const t = sqrt ? 2 * k - 6 : e - 7;
  const u = Number((t >= 0 ? v >> BigInt(t) : v << BigInt(-t)) & 255n);
  return sqrt ? { f: RSQRT_TABLE[u], s: 15 + k } : { f: RECIP_TABLE[u], s: 16 + e };
}

/** Requantization: sat(resid + round(v · f / 2^s)) to int8 (narrow) or int16. */
export function requantize(v: bigint, f: number, s: number, resid: bigint, narrow: boolean): bigint {
  const t = resid + roundShift(v * BigInt(f), s);
  return narrow ? clamp(t, -128n, 127n) : clamp(t, -32768n, 32767n);
}

/** Softmax weight of a score s against the running maximum m with the score scale c (Q16): EXP_TABLE[min(255, ((m − s)⁺ · c) >> 16)]. */
export function softmaxWeight(s: bigint, m: bigint, c: number): number {
  const d = m > s ? m - s : 0n;
  const t = (d * BigInt(c)) >> 16n;
  return EXP_TABLE[t > 255n ? 255 : Number(t)];
}

/** One RoPE rotation in Q1.14: (x0·c − x1·s, x0·s + x1·c) rounded >> 14, saturated to int16. */
export function rotate(x0: bigint, x1: bigint, c: bigint, s: bigint): [bigint, bigint] {
  const y0 = clamp(roundShift(x0 * c - x1 * s, 14), -32768n, 32767n);
  const y1 = clamp(roundShift(x0 * s + x1 * c, 14), -32768n, 32767n);
  return [y0, y1];
}
