/**
 * Block statistics of one tensor (pure, hot). Blocks are k consecutive level indices along a row
 * (the input dimension); a block's kind is the rank of its sorted multiset (of magnitudes when sign
 * folding is on). It also counts, per input group (the k inputs one block column reads), how many
 * distinct ordered signed tuples the rows use: rows with the same tuple could share one block instance.
 */
import { popcount32 } from '@hardwire/core';
import { buildRankTable, kindCount, rankSortedMultiset } from './multisetRank.ts';
import { groupScale, zeroScaleLevel, type ErrorSums, type LinearRule } from './quantizeRows.ts';

export interface BlockStatsSpec {
  /** Columns (input dimension) of the tensor. */
  readonly cols: number;
  /** Coefficients per block. */
  readonly k: number;
  /** Signed level count of the format. */
  readonly levels: number;
  /** Signed level -> folded level, when sign folding is on. */
  readonly fold?: Uint8Array;
  /** Folded level count (with fold). */
  readonly foldedLevels?: number;
  /** Level used to pad a row's last partial block (a zero weight); undefined forbids partial blocks. */
  readonly padLevel?: number;
}

/** Tables shared by all tensors of one configuration (build once per worker). */
export interface BlockTables {
  readonly kinds: number;
  /** Signed ordered tuple index (sum level_i * q^i) -> kind rank; undefined when q^k is too large. */
  readonly kindOfTuple: Uint16Array | Uint32Array | undefined;
}

const MAX_TUPLE_TABLE = 1 << 22;
/** Largest q^k for which distinct tuples are tracked with one bitset per input group. */
const MAX_TUPLE_BITSET = 1 << 16;

/** Build the kind lookup for a configuration. */
export function buildBlockTables(spec: Omit<BlockStatsSpec, 'cols' | 'padLevel'>): BlockTables {
  const kindLevels = spec.fold ? spec.foldedLevels! : spec.levels;
  const kinds = kindCount(kindLevels, spec.k);
  const size = spec.levels ** spec.k;
  if (size > MAX_TUPLE_TABLE) return { kinds, kindOfTuple: undefined };
  if (!spec.fold) return { kinds, kindOfTuple: buildRankTable(spec.levels, spec.k, MAX_TUPLE_TABLE) };
  const table = kinds <= 0xffff ? new Uint16Array(size) : new Uint32Array(size);
  const sorted = new Array<number>(spec.k);
  for (let t = 0; t < size; t++) {
    let rest = t;
    for (let i = 0; i < spec.k; i++) {
      sorted[i] = spec.fold[rest % spec.levels];
      rest = Math.floor(rest / spec.levels);
    }
    sorted.sort((a, b) => a - b);
    table[t] = rankSortedMultiset(sorted);
  }
  return { kinds, kindOfTuple: table };
}

export interface BlockStatsResult {
  /** Count of blocks per kind rank. */
  histogram: Float64Array;
  blocks: number;
  /** Input groups (block columns) of the tensor. */
  groups: number;
  /** Sum over input groups of the distinct ordered tuples used (rows that could share: rows / mean). */
  distinctTuples: number;
}

export class BlockStatsAccumulator {
  private readonly counts: Uint32Array | Float64Array;
  private readonly groupsPerRow: number;
  private readonly words: number;
  private readonly seen: Uint32Array | undefined;
  private readonly seenSets: Array<Set<number>> | undefined;
  private readonly scratch: number[];
  private blocks = 0;

  constructor(private readonly spec: BlockStatsSpec, private readonly tables: BlockTables) {
    if (spec.cols % spec.k !== 0 && spec.padLevel === undefined) {
      throw new RangeError(`${spec.cols} columns are not a multiple of the block size ${spec.k}, and this format has no zero level to pad with`);
    }
    this.counts = tables.kinds <= 1 << 24 ? new Uint32Array(tables.kinds) : new Float64Array(tables.kinds);
    this.groupsPerRow = Math.ceil(spec.cols / spec.k);
    const tupleSpace = spec.levels ** spec.k;
    this.words = Math.ceil(tupleSpace / 32);
    if (tupleSpace <= MAX_TUPLE_BITSET) this.seen = new Uint32Array(this.groupsPerRow * this.words);
    else this.seenSets = Array.from({ length: this.groupsPerRow }, () => new Set<number>());
    this.scratch = new Array<number>(spec.k);
  }

  /** Add `rows` full rows of level indices (row-major, `cols` per row). */
  add(levels: Uint8Array, rows: number): void {
    const { cols, k } = this.spec;
    const table = this.tables.kindOfTuple;
    if (table && k === 4 && cols % 4 === 0 && this.seen) this.addK4(levels, rows, table, this.seen);
    else this.addGeneric(levels, rows);
    this.blocks += rows * this.groupsPerRow;
  }

  /** True when `quantizeAndAddK4` applies: k = 4, whole blocks, a tuple table and per-group bitsets. */
  canFuseK4(group: number): boolean {
    return this.spec.k === 4 && this.spec.cols % 4 === 0 && group % 4 === 0 && this.tables.kindOfTuple !== undefined && this.seen !== undefined;
  }

  /**
   * Quantize rows with a linear rule and count their blocks in one pass (no level array): the same
   * levels and counts as quantizeRows + add, with the error summed per block of four.
   */
  quantizeAndAddK4(v: Float32Array, rows: number, group: number, rule: LinearRule, err: ErrorSums): void {
    const { cols } = this.spec;
    const q = this.spec.levels;
    const q2 = q * q;
    const q3 = q2 * q;
    const table = this.tables.kindOfTuple!;
    const seen = this.seen!;
    const counts = this.counts;
    const words = this.words;
    const { offset, top, center } = rule;
    const zero = zeroScaleLevel(rule);
    const zeroTuple = zero + q * zero + q2 * zero + q3 * zero;
    let sumSq = 0;
    let errSq = 0;
    for (let r = 0; r < rows; r++) {
      const rowBase = r * cols;
      for (let g0 = 0; g0 < cols; g0 += group) {
        const start = rowBase + g0;
        const end = Math.min(start + group, rowBase + cols);
        const scale = groupScale(v, start, end, rule);
        let w = (g0 / 4) * words;
        if (scale === 0) {
          for (let i = start; i < end; i += 4, w += words) {
            counts[table[zeroTuple]]++;
            seen[w + (zeroTuple >>> 5)] |= 1 << (zeroTuple & 31);
          }
          continue;
        }
        const inv = 1 / scale;
        for (let i = start; i < end; i += 4, w += words) {
          const x0 = v[i];
          const x1 = v[i + 1];
          const x2 = v[i + 2];
          const x3 = v[i + 3];
          let l0 = (x0 * inv + offset) | 0;
          if (l0 < 0) l0 = 0;
          else if (l0 > top) l0 = top;
          let l1 = (x1 * inv + offset) | 0;
          if (l1 < 0) l1 = 0;
          else if (l1 > top) l1 = top;
          let l2 = (x2 * inv + offset) | 0;
          if (l2 < 0) l2 = 0;
          else if (l2 > top) l2 = top;
          let l3 = (x3 * inv + offset) | 0;
          if (l3 < 0) l3 = 0;
          else if (l3 > top) l3 = top;
          const d0 = x0 - (l0 - center) * scale;
          const d1 = x1 - (l1 - center) * scale;
          const d2 = x2 - (l2 - center) * scale;
          const d3 = x3 - (l3 - center) * scale;
          errSq += d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
          sumSq += x0 * x0 + x1 * x1 + x2 * x2 + x3 * x3;
          const t = l0 + q * l1 + q2 * l2 + q3 * l3;
          counts[table[t]]++;
          seen[w + (t >>> 5)] |= 1 << (t & 31);
        }
      }
    }
    this.blocks += rows * this.groupsPerRow;
    err.sumSq += sumSq;
    err.errSq += errSq;
  }

  private addK4(levels: Uint8Array, rows: number, table: Uint16Array | Uint32Array, seen: Uint32Array): void {
    const q = this.spec.levels;
    const q2 = q * q;
    const q3 = q2 * q;
    const counts = this.counts;
    const words = this.words;
    const groups = this.groupsPerRow;
    let p = 0;
    for (let r = 0; r < rows; r++) {
      let w = 0;
      for (let g = 0; g < groups; g++, p += 4, w += words) {
        const t = levels[p] + q * levels[p + 1] + q2 * levels[p + 2] + q3 * levels[p + 3];
        counts[table[t]]++;
        seen[w + (t >>> 5)] |= 1 << (t & 31);
      }
    }
  }

  private addGeneric(levels: Uint8Array, rows: number): void {
    const { cols, k, padLevel, fold } = this.spec;
    const q = this.spec.levels;
    const table = this.tables.kindOfTuple;
    const sorted = this.scratch;
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let g = 0; g < this.groupsPerRow; g++) {
        let t = 0;
        let mul = 1;
        for (let i = 0; i < k; i++) {
          const c = g * k + i;
          const level = c < cols ? levels[base + c] : padLevel!;
          t += level * mul;
          mul *= q;
          sorted[i] = fold ? fold[level] : level;
        }
        let kind: number;
        if (table) kind = table[t];
        else {
          sorted.sort((a, b) => a - b);
          kind = rankSortedMultiset(sorted);
        }
        this.counts[kind]++;
        if (this.seen) this.seen[g * this.words + Math.floor(t / 32)] |= 1 << (t % 32);
        else this.seenSets![g].add(t);
      }
    }
  }

  /** The statistics so far. */
  result(): BlockStatsResult {
    let distinct = 0;
    if (this.seen) for (let i = 0; i < this.seen.length; i++) distinct += popcount32(this.seen[i]);
    else for (const set of this.seenSets!) distinct += set.size;
    return { histogram: Float64Array.from(this.counts), blocks: this.blocks, groups: this.groupsPerRow, distinctTuples: distinct };
  }
}

export { popcount32 };

export interface HistogramSummary {
  blocks: number;
  kindsUsed: number;
  top10Share: number;
  /** Shannon entropy of the kind distribution, bits per block. */
  entropyBits: number;
  /** Kind ranks by count, descending (ties by rank), first `top` of them. */
  topKinds: Array<{ rank: number; count: number }>;
}

/** Summaries of a kind histogram. */
export function summarizeHistogram(histogram: ArrayLike<number>, top = 10): HistogramSummary {
  let blocks = 0;
  let used = 0;
  for (let i = 0; i < histogram.length; i++) {
    blocks += histogram[i];
    if (histogram[i] > 0) used++;
  }
  let entropy = 0;
  const order: number[] = [];
  for (let i = 0; i < histogram.length; i++) {
    const c = histogram[i];
    if (c > 0) {
      const p = c / blocks;
      entropy -= p * Math.log2(p);
      order.push(i);
    }
  }
  order.sort((a, b) => histogram[b] - histogram[a] || a - b);
  const topKinds = order.slice(0, top).map((rank) => ({ rank, count: histogram[rank] }));
  const topSum = order.slice(0, 10).reduce((s, i) => s + histogram[i], 0);
  return { blocks, kindsUsed: used, top10Share: blocks > 0 ? topSum / blocks : 0, entropyBits: entropy, topKinds };
}
