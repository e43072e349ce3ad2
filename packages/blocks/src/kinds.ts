/** The block kinds of a configuration (pure): rank and integer coefficients, in the statistics' ranks. */
import { FORMATS, foldedValues, kindCount, levelCount, unrankMultiset, type QuantFormat } from '@hardwire/quant';

export type BlockArch = 'parallel' | 'da';

export interface KindSpec {
  readonly format: QuantFormat;
  readonly k: number;
  readonly signFold: boolean;
}

export interface BlockKind {
  readonly rank: number;
  /** Integer coefficients, ascending (magnitudes when sign-folded; FP4 values doubled). */
  readonly coefficients: readonly number[];
}

/** Every kind, rank 0 .. C(q+k-1, k) - 1. */
export function enumerateKinds(spec: KindSpec): BlockKind[] {
  const q = levelCount(spec.format, spec.signFold);
  const values = spec.signFold ? foldedValues(spec.format) : [...FORMATS[spec.format].levelValues];
  return Array.from({ length: kindCount(q, spec.k) }, (_, rank) => ({ rank, coefficients: unrankMultiset(rank, q, spec.k).map((i) => values[i]) }));
}

/** Largest |coefficient| of a configuration. */
export function maxAbsCoefficient(spec: KindSpec): number {
  return Math.max(...FORMATS[spec.format].levelValues.map(Math.abs));
}

/** Bits of a signed integer able to hold every value in [min, max]. */
export function signedBits(min: number, max: number): number {
  let bits = 1;
  while (-(2 ** (bits - 1)) > min || 2 ** (bits - 1) - 1 < max) bits++;
  return bits;
}

/** Output width of a parallel block for A-bit signed inputs (library-wide, from the largest kind). */
export function parallelOutputBits(spec: KindSpec, inputBits: number): number {
  const bound = spec.k * maxAbsCoefficient(spec) * 2 ** (inputBits - 1);
  return signedBits(-bound, bound);
}

/** Output width of a DA block (one bit per input): sums of any subset of coefficients. */
export function daOutputBits(spec: KindSpec): number {
  const bound = spec.k * maxAbsCoefficient(spec);
  return signedBits(-bound, bound);
}

/** Verilog module name of a kind. */
export function kindModuleName(spec: KindSpec, arch: BlockArch, rank: number): string {
  return `hw_${arch}_${spec.format.replace(/-/g, '_')}${spec.signFold ? '_fold' : ''}_k${spec.k}_r${rank}`;
}
