/**
 * Block instances a tile needs, predicted from block statistics (pure). In a tile, the rows of one input
 * group (k columns) that hold the same ordered tuple share one block instance, and all-zero tuples need
 * none (see the tiles package's planTile). With the tensor's kind histogram, each kind's share split evenly
 * over its orderings (and sign patterns when the statistics folded signs), and rows drawn independently,
 * the expected number of distinct non-zero tuples among R rows is
 *   Σ_t (1 − (1 − p_t)^R)   over non-zero ordered tuples t,
 * so a tile of R rows and C columns needs (C / k) times that many instances.
 */

export interface KindCount {
  /** The kind's level values, ascending (magnitudes when sign-folded). */
  readonly levels: readonly number[];
  /** Blocks of this kind. */
  readonly count: number;
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Ordered signed tuples one kind stands for: distinct orderings of the multiset, times 2^(non-zeros) when signs were folded. */
export function tupleOrderings(levels: readonly number[], signFolded: boolean): number {
  const multiplicity = new Map<number, number>();
  for (const v of levels) multiplicity.set(v, (multiplicity.get(v) ?? 0) + 1);
  let orderings = factorial(levels.length);
  for (const m of multiplicity.values()) orderings /= factorial(m);
  const nonZero = levels.filter((v) => v !== 0).length;
  return signFolded ? orderings * 2 ** nonZero : orderings;
}

/** Expected distinct non-zero ordered tuples among `rows` rows of one input group. */
export function expectedInstancesPerGroup(kinds: readonly KindCount[], rows: number, signFolded: boolean): number {
  const total = kinds.reduce((s, k) => s + k.count, 0);
  if (total === 0) return 0;
  let expected = 0;
  for (const kind of kinds) {
    if (kind.count === 0 || kind.levels.every((v) => v === 0)) continue;
    const orderings = tupleOrderings(kind.levels, signFolded);
    const p = kind.count / total / orderings;
    // 1 − (1 − p)^rows, accurate for tiny p.
    expected += orderings * -Math.expm1(rows * Math.log1p(-p));
  }
  return expected;
}

/** Expected block instances of a rows x cols tile (cols a multiple of k). */
export function expectedTileInstances(kinds: readonly KindCount[], rows: number, cols: number, k: number, signFolded: boolean): number {
  return (cols / k) * expectedInstancesPerGroup(kinds, rows, signFolded);
}

/** Per-tensor kind histograms from the statistics CSV (`tensor,layer,role,kind,levels,blocks`). */
export function parseBlocksCsv(text: string): Map<string, KindCount[]> {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines[0] !== 'tensor,layer,role,kind,levels,blocks') throw new Error(`blocks.csv: unexpected header '${lines[0]}'`);
  const byTensor = new Map<string, KindCount[]>();
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    if (f.length !== 6) throw new Error(`blocks.csv line ${i + 1}: expected 6 fields, got ${f.length}`);
    const list = byTensor.get(f[0]) ?? [];
    list.push({ levels: f[4].split(' ').map(Number), count: Number(f[5]) });
    byTensor.set(f[0], list);
  }
  return byTensor;
}

/** One histogram over several tensors (kinds matched by their levels). */
export function poolKinds(histograms: Iterable<readonly KindCount[]>): KindCount[] {
  const pooled = new Map<string, { levels: readonly number[]; count: number }>();
  for (const h of histograms) for (const k of h) {
    const key = k.levels.join(' ');
    const entry = pooled.get(key) ?? { levels: k.levels, count: 0 };
    entry.count += k.count;
    pooled.set(key, entry);
  }
  return [...pooled.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, v]) => v);
}
