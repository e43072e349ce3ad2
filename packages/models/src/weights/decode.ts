/** Stored bytes to float32 (pure, hot). Input buffers are aligned copies, so any file offset works. */
import type { StoredDType } from './types.ts';

let f16Table: Float32Array | undefined;

/** IEEE half -> float32 for every 16-bit pattern (built once). */
export function halfToFloatTable(): Float32Array {
  if (f16Table) return f16Table;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) table[h] = sign * frac * 2 ** -24;
    else if (exp === 31) table[h] = frac ? NaN : sign * Infinity;
    else table[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  f16Table = table;
  return table;
}

/** float32 -> IEEE half bits, round to nearest even (for writers). */
export function floatToHalfBits(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++; // a carry rounds up into the exponent
  return sign | half;
}

/** float32 -> bfloat16 bits, round to nearest even (for writers). */
export function floatToBf16Bits(value: number): number {
  const x = new Uint32Array(new Float32Array([value]).buffer)[0];
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return (x >>> 16) | 0x40;
  const rounded = x + 0x7fff + ((x >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

/**
 * Decode `count` elements from `bytes` (starting at byte 0, aligned) into `out` at `outOffset`.
 * Q8_0: blocks of an f16 scale and 32 int8 values.
 */
export function decodeInto(dtype: StoredDType, bytes: Uint8Array, count: number, out: Float32Array, outOffset = 0): void {
  if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice();
  switch (dtype) {
    case 'F32': {
      out.set(new Float32Array(bytes.buffer, bytes.byteOffset, count), outOffset);
      return;
    }
    case 'BF16': {
      const src = new Uint16Array(bytes.buffer, bytes.byteOffset, count);
      const dst = new Uint32Array(out.buffer, out.byteOffset + outOffset * 4, count);
      for (let i = 0; i < count; i++) dst[i] = src[i] << 16;
      return;
    }
    case 'F16': {
      const table = halfToFloatTable();
      const src = new Uint16Array(bytes.buffer, bytes.byteOffset, count);
      for (let i = 0; i < count; i++) out[outOffset + i] = table[src[i]];
      return;
    }
    case 'Q8_0': {
      const table = halfToFloatTable();
      const blocks = count / 32;
      for (let b = 0; b < blocks; b++) {
        const base = b * 34;
        const d = table[bytes[base] | (bytes[base + 1] << 8)];
        const o = outOffset + b * 32;
        for (let i = 0; i < 32; i++) out[o + i] = d * ((bytes[base + 2 + i] << 24) >> 24);
      }
      return;
    }
  }
}
