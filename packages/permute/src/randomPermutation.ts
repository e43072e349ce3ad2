import { mulberry32 } from '@hardwire/core';

/** Seeded permutations and permutation files (pure). */

/** Fisher-Yates with mulberry32(seed): perm[i] = output of input i. */
export function randomPermutation(n: number, seed: number): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const next = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}

/** Parse a permutation file: a JSON array, or integers separated by spaces, commas or newlines. */
export function parsePermutationText(text: string): number[] | { error: string } {
  const trimmed = text.trim();
  let values: unknown[];
  if (trimmed.startsWith('[')) {
    try {
      values = JSON.parse(trimmed) as unknown[];
    } catch (error) {
      return { error: `not valid JSON (${(error as Error).message.split('\n')[0]})` };
    }
    if (!Array.isArray(values)) return { error: 'expected a JSON array of integers' };
  } else values = trimmed === '' ? [] : trimmed.split(/[\s,]+/).map((t) => (/^-?\d+$/.test(t) ? Number(t) : t));
  const n = values.length;
  if (n === 0) return { error: 'no entries' };
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= n) return { error: `entry ${i} is ${JSON.stringify(v)}, expected an integer in 0..${n - 1}` };
    if (seen[v]) return { error: `entry ${i}: output ${v} appears twice (not a permutation)` };
    seen[v] = 1;
  }
  return values as number[];
}
