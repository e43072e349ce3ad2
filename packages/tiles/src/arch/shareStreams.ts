/**
 * Sharing across rows (pure): the constant-matrix-multiplication idea (common sub-expressions of several
 * rows computed once) on bit-serial streams. A pair of terms of one row at the same weight, S1 and ±S2,
 * is the same sub-expression wherever it occurs, whatever the weight and the overall sign; computed once as
 * a serial adder (one full adder and a carry flop) it replaces two bits of every row that uses it by one.
 * Greedy: always extract the pair used most often (ties: the pair of lower stream ids), recount, repeat
 * while a pair is used by at least `minUses` rows; a sum may be a pair of earlier sums, up to `maxWidth`
 * bits (each level adds a cycle).
 */
import { sumOffset, type Stream, type Term } from './streams.ts';

export interface ShareOptions {
  /** Extract a pair only when it replaces at least this many pairs of row bits (3: a serial adder costs about two tree bits). */
  readonly minUses: number;
  /** Widest shared stream (input bits + levels of sharing); wider sums are not formed. */
  readonly maxWidth: number;
  /** Streams up to which the first pair count uses a dense table (default 4096: 128 MB); 0 counts in the hash table alone. Same result either way. */
  readonly denseCountMaxStreams?: number;
}

export interface ShareResult {
  readonly streams: readonly Stream[];
  readonly rows: readonly (readonly Term[])[];
  /** Serial adders formed. */
  readonly adders: number;
  /** Row bits before and after sharing. */
  readonly bitsBefore: number;
  readonly bitsAfter: number;
  /** Uses of each shared stream (sums only), by stream id. */
  readonly uses: ReadonlyMap<number, number>;
}

const KEY_STRIDE = 2 ** 20;

/** Pair key: streams a < b and whether their signs differ. */
function pairKey(a: number, b: number, differ: boolean): number {
  return a < b ? (a * KEY_STRIDE + b) * 2 + (differ ? 1 : 0) : (b * KEY_STRIDE + a) * 2 + (differ ? 1 : 0);
}

/** Counts by integer key (< 2^53): open addressing in typed arrays (the pass spends its time here). */
class CountTable {
  private keys: Float64Array;
  private values: Int32Array;
  private used = 0;

  /** Room for about `expected` keys without growing. */
  constructor(expected: number) {
    const size = 2 ** Math.max(16, Math.ceil(Math.log2(2 * expected + 1)));
    this.keys = new Float64Array(size).fill(-1);
    this.values = new Int32Array(size);
  }

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    let h = (Math.imul(key % 4294967296 | 0, 0x9e3779b1) ^ Math.imul(Math.floor(key / 4294967296) | 0, 0x85ebca77)) >>> 0;
    for (;;) {
      const i = h & mask;
      const k = this.keys[i];
      if (k === key || k === -1) return i;
      h = (h + 1) >>> 0;
    }
  }

  get(key: number): number {
    const i = this.slot(key);
    return this.keys[i] === key ? this.values[i] : 0;
  }

  /** Add delta; returns the new count. */
  add(key: number, delta: number): number {
    let i = this.slot(key);
    if (this.keys[i] !== key) {
      if (2 * (this.used + 1) > this.keys.length) {
        this.grow();
        i = this.slot(key);
      }
      this.keys[i] = key;
      this.used++;
    }
    return (this.values[i] += delta);
  }

  /** Every key with its count. */
  *entries(): Generator<[number, number]> {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== -1) yield [this.keys[i], this.values[i]];
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.values = new Int32Array(keys.length * 2);
    for (let j = 0; j < keys.length; j++) {
      if (keys[j] === -1) continue;
      const i = this.slot(keys[j]);
      this.keys[i] = keys[j];
      this.values[i] = values[j];
    }
  }
}

/** A max-heap of (count, key), most uses first, then the smaller key; stale entries are checked on pop. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  private above(i: number, j: number): boolean {
    return this.counts[i] > this.counts[j] || (this.counts[i] === this.counts[j] && this.keys[i] < this.keys[j]);
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { count: number; key: number } {
    const top = { count: this.counts[0], key: this.keys[0] };
    const last = this.keys.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.keys.length && this.above(l, best)) best = l;
      if (r < this.keys.length && this.above(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }
}

/** Greedy pair extraction over every row's terms (deterministic). */
export function shareStreams(streams: readonly Stream[], rowTerms: readonly (readonly Term[])[], o: ShareOptions): ShareResult {
  const all: Stream[] = [...streams];
  if (all.length >= KEY_STRIDE) throw new RangeError(`sharing supports fewer than ${KEY_STRIDE} streams`);
  // Per row, per weight: stream -> sign. Each (stream, weight) occurs at most once in a row.
  const groups: Map<number, Map<number, 1 | -1>>[] = rowTerms.map((terms) => {
    const byWeight = new Map<number, Map<number, 1 | -1>>();
    for (const t of terms) {
      let g = byWeight.get(t.weight);
      if (!g) byWeight.set(t.weight, (g = new Map()));
      if (g.has(t.stream)) throw new Error(`row has stream ${t.stream} twice at weight ${t.weight}`);
      g.set(t.stream, t.sign);
    }
    return byWeight;
  });
  const bitsBefore = rowTerms.reduce((s, t) => s + t.length, 0);
  let pairs = 0;
  for (const byWeight of groups) for (const g of byWeight.values()) pairs += (g.size * (g.size - 1)) / 2;
  const count = new CountTable(Math.min(pairs, all.length * (all.length - 1)));
  const heap = new PairHeap();
  const dead = new Set<number>();
  // Decrements leave the heap alone (its entries are checked when popped); a pair that reaches minUses or grows is pushed.
  let counting = true;
  const bump = (key: number, delta: number) => {
    const now = count.add(key, delta);
    if (!counting && delta > 0 && now >= o.minUses) heap.push(now, key);
  };
  // Rows in which a stream occurs (at any weight).
  const streamRows = new Map<number, Set<number>>();
  const addRow = (stream: number, row: number) => {
    let s = streamRows.get(stream);
    if (!s) streamRows.set(stream, (s = new Set()));
    s.add(row);
  };
  // The first count: every pair of every group (24 M in a 64x1024 tile), into a dense table when the streams are
  // few enough (8 bytes per stream pair), then the pairs that occur into the hash table. The same counts as
  // bumping each pair, in a fraction of the time; the heap pops by (count, key), so the order the pairs enter it
  // changes nothing.
  const streamCount = all.length;
  const dense = streamCount <= (o.denseCountMaxStreams ?? 4096) ? new Int32Array(streamCount * streamCount * 2) : undefined;
  groups.forEach((byWeight, r) => {
    for (const g of byWeight.values()) {
      const entries = [...g.entries()];
      for (let i = 0; i < entries.length; i++) {
        addRow(entries[i][0], r);
        const [si, gi] = entries[i];
        for (let j = i + 1; j < entries.length; j++) {
          const [sj, gj] = entries[j];
          if (dense) dense[(si < sj ? si * streamCount + sj : sj * streamCount + si) * 2 + (gi !== gj ? 1 : 0)]++;
          else bump(pairKey(si, sj, gi !== gj), 1);
        }
      }
    }
  });
  if (dense) {
    for (let a = 0; a < streamCount; a++) {
      for (let b = a + 1; b < streamCount; b++) {
        for (let d = 0; d < 2; d++) {
          const uses = dense[(a * streamCount + b) * 2 + d];
          if (uses > 0) count.add(pairKey(a, b, d === 1), uses);
        }
      }
    }
  }

  counting = false;
  for (const [key, n] of count.entries()) if (n >= o.minUses) heap.push(n, key);
  const uses = new Map<number, number>();
  let adders = 0;
  while (heap.size > 0) {
    const { count: seen, key } = heap.pop();
    const current = count.get(key);
    if (current < o.minUses || dead.has(key)) continue;
    if (current !== seen) {
      // Stale: fewer uses now (decrements do not touch the heap), so the pair goes back at its current count;
      // more uses means a newer entry carries them.
      if (current < seen) heap.push(current, key);
      continue;
    }
    const differ = key % 2 === 1;
    const s1 = Math.floor(key / 2 / KEY_STRIDE);
    const s2 = Math.floor(key / 2) % KEY_STRIDE;
    const a = all[s1];
    const b = all[s2];
    const width = Math.max(a.width, b.width) + 1;
    if (width > o.maxWidth) {
      dead.add(key);
      continue;
    }
    const id = all.length;
    const bSign: 1 | -1 = differ ? -1 : 1;
    all.push({ id, width, source: { kind: 'sum', a: s1, b: s2, bInverted: differ }, offset: sumOffset(a, b, bSign) });
    const rows1 = streamRows.get(s1)!;
    const rows2 = streamRows.get(s2)!;
    const [small, large] = rows1.size <= rows2.size ? [rows1, rows2] : [rows2, rows1];
    const candidates = [...small].filter((r) => large.has(r)).sort((x, y) => x - y);
    let used = 0;
    for (const r of candidates) {
      for (const g of groups[r].values()) {
        const sign1 = g.get(s1);
        const sign2 = g.get(s2);
        if (sign1 === undefined || sign2 === undefined || (sign1 !== sign2) !== differ) continue;
        g.delete(s1);
        g.delete(s2);
        bump(pairKey(s1, s2, differ), -1);
        for (const [s, sign] of g) {
          bump(pairKey(s1, s, sign1 !== sign), -1);
          bump(pairKey(s2, s, sign2 !== sign), -1);
          bump(pairKey(id, s, sign1 !== sign), 1);
        }
        g.set(id, sign1);
        addRow(id, r);
        used++;
      }
      const still = (s: number) => [...groups[r].values()].some((g) => g.has(s));
      if (!still(s1)) rows1.delete(r);
      if (!still(s2)) rows2.delete(r);
    }
    if (used !== current) throw new Error(`sharing: pair ${s1},${s2} counted ${current} uses but found ${used}`);
    uses.set(id, used);
    adders++;
  }
  const rows: Term[][] = groups.map((byWeight) => {
    const terms: Term[] = [];
    for (const [weight, g] of [...byWeight.entries()].sort((x, y) => x[0] - y[0])) for (const [stream, sign] of [...g.entries()].sort((x, y) => x[0] - y[0])) terms.push({ stream, weight, sign });
    return terms;
  });
  return { streams: all, rows, adders, bitsBefore, bitsAfter: rows.reduce((s, t) => s + t.length, 0), uses };
}
