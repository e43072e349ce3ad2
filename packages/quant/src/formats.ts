/**
 * Quantization formats (pure data). Every format maps a weight to one of q ordered levels with an
 * integer value (the code a tile multiplies by; FP4 values are doubled to make them integers).
 */

export const QUANT_FORMATS = ['int3', 'int3-midrise', 'ternary', 'int4', 'fp4-mx', 'fp4-nv'] as const;
export type QuantFormat = (typeof QUANT_FORMATS)[number];

export interface FormatInfo {
  readonly id: QuantFormat;
  readonly summary: string;
  /** Integer value of each level, ascending. Real weight = value * scale (* 0.5 for FP4, * 0.5 for mid-rise). */
  readonly levelValues: readonly number[];
  /** Factor from integer value to the real multiple of the scale (0.5 for mid-rise and FP4). */
  readonly valueUnit: number;
  /** Fixed group size along the input dimension (FP4 formats), or undefined when `--group` chooses. */
  readonly fixedGroup?: number;
}

const E2M1_DOUBLED = [0, 1, 2, 3, 4, 6, 8, 12];

export const FORMATS: Readonly<Record<QuantFormat, FormatInfo>> = {
  int3: { id: 'int3', summary: '3-bit mid-tread, codes -4..3, scale max(max+/3, -min/4) per group', levelValues: [-4, -3, -2, -1, 0, 1, 2, 3], valueUnit: 1 },
  'int3-midrise': { id: 'int3-midrise', summary: '3-bit mid-rise, values ±{1,3,5,7}/2 × scale, scale absmax/3.5 per group', levelValues: [-7, -5, -3, -1, 1, 3, 5, 7], valueUnit: 0.5 },
  ternary: { id: 'ternary', summary: 'ternary {-1,0,1}, scale mean|w| per group (absmean)', levelValues: [-1, 0, 1], valueUnit: 1 },
  int4: { id: 'int4', summary: '4-bit mid-tread, codes -8..7, scale max(max+/7, -min/8) per group', levelValues: [-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7], valueUnit: 1 },
  'fp4-mx': {
    id: 'fp4-mx',
    summary: 'FP4 E2M1 (±0 merged: 15 levels) with an E8M0 power-of-two scale per 32 (OCP MXFP4)',
    levelValues: [...E2M1_DOUBLED.slice(1).reverse().map((v) => -v), ...E2M1_DOUBLED],
    valueUnit: 0.5,
    fixedGroup: 32,
  },
  'fp4-nv': {
    id: 'fp4-nv',
    summary: 'FP4 E2M1 (15 levels) with an E4M3 scale per 16 and an FP32 per-tensor scale (NVFP4)',
    levelValues: [...E2M1_DOUBLED.slice(1).reverse().map((v) => -v), ...E2M1_DOUBLED],
    valueUnit: 0.5,
    fixedGroup: 16,
  },
};

/** Level count q of a format, signed or sign-folded (folded: distinct magnitudes). */
export function levelCount(format: QuantFormat, signFold: boolean): number {
  return signFold ? foldedValues(format).length : FORMATS[format].levelValues.length;
}

/** Distinct magnitudes of a format's values, ascending. */
export function foldedValues(format: QuantFormat): number[] {
  return [...new Set(FORMATS[format].levelValues.map(Math.abs))].sort((a, b) => a - b);
}

/** Map from signed level index to folded (magnitude) level index. */
export function foldTable(format: QuantFormat): Uint8Array {
  const mags = foldedValues(format);
  return Uint8Array.from(FORMATS[format].levelValues.map((v) => mags.indexOf(Math.abs(v))));
}

/** Index of the level whose value is 0, or -1 (mid-rise has none). */
export function zeroLevel(format: QuantFormat): number {
  return FORMATS[format].levelValues.indexOf(0);
}
