/**
 * Block kinds as multisets (pure). A block of k coefficients over q levels, up to order, is a multiset;
 * there are C(q+k-1, k) of them. A sorted multiset a0 <= a1 <= ... <= a(k-1) maps to the strictly
 * increasing b_i = a_i + i, and its rank is sum_i C(b_i, i+1) (combinatorial number system, colex order):
 * a bijection onto 0 .. C(q+k-1, k)-1.
 */

const PASCAL_N = 64;
/** Pascal's triangle up to n = 63, exact in float64 (C(63, 31) < 2^53). */
const PASCAL: Float64Array[] = (() => {
  const rows: Float64Array[] = [];
  for (let n = 0; n < PASCAL_N; n++) {
    const row = new Float64Array(n + 1);
    row[0] = row[n] = 1;
    for (let r = 1; r < n; r++) row[r] = rows[n - 1][r - 1] + rows[n - 1][r];
    rows.push(row);
  }
  return rows;
})();

/** Binomial coefficient C(n, r), exact for n < 64. */
export function binomial(n: number, r: number): number {
  if (r < 0 || r > n) return 0;
  if (n >= PASCAL_N) throw new RangeError(`binomial(${n}, ${r}): n must be below ${PASCAL_N}`);
  return PASCAL[n][r];
}

/** Number of block kinds: multisets of size k from q levels. */
export function kindCount(levels: number, k: number): number {
  return binomial(levels + k - 1, k);
}

/** Rank of a sorted (non-decreasing) list of level indices. */
export function rankSortedMultiset(sorted: ArrayLike<number>): number {
  let rank = 0;
  for (let i = 0; i < sorted.length; i++) rank += binomial(sorted[i] + i, i + 1);
  return rank;
}

/** Rank of any ordering of a multiset (sorts a copy). */
export function rankMultiset(levels: ArrayLike<number>): number {
  return rankSortedMultiset(Array.from(levels).sort((a, b) => a - b));
}

/** The sorted level indices of the kind with this rank (inverse of rankSortedMultiset). */
export function unrankMultiset(rank: number, levels: number, k: number): number[] {
  if (!Number.isInteger(rank) || rank < 0 || rank >= kindCount(levels, k)) throw new RangeError(`rank ${rank} outside 0..${kindCount(levels, k) - 1}`);
  const out = new Array<number>(k);
  let remaining = rank;
  for (let i = k - 1; i >= 0; i--) {
    // Largest b with C(b, i+1) <= remaining; b ranges over i .. levels+k-2.
    let b = i;
    while (binomial(b + 1, i + 1) <= remaining) b++;
    remaining -= binomial(b, i + 1);
    out[i] = b - i;
  }
  return out;
}

/**
 * Table from an ordered tuple index (sum of level_i * q^i) to its kind rank, for q^k up to `maxEntries`;
 * undefined when the table would be larger.
 */
export function buildRankTable(levels: number, k: number, maxEntries = 1 << 22): Uint16Array | Uint32Array | undefined {
  const size = levels ** k;
  if (size > maxEntries) return undefined;
  const kinds = kindCount(levels, k);
  const table = kinds <= 0xffff ? new Uint16Array(size) : new Uint32Array(size);
  const digits = new Array<number>(k).fill(0);
  const sorted = new Array<number>(k);
  for (let t = 0; t < size; t++) {
    for (let i = 0; i < k; i++) sorted[i] = digits[i];
    sorted.sort((a, b) => a - b);
    table[t] = rankSortedMultiset(sorted);
    for (let i = 0; i < k; i++) {
      if (++digits[i] < levels) break;
      digits[i] = 0;
    }
  }
  return table;
}
