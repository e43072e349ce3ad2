/**
 * The WebAssembly quantize-and-count kernel (pure; the module is loaded at the edge, io/wasmKernels.ts):
 * memory layout in the module's memory and the calls. Same levels, counts and distinct tuples as the
 * JavaScript kernel (BlockStatsAccumulator.quantizeAndAddK4); the error sums differ only in summation order.
 */
import { fillSynthetic, type QuantileTable } from '@hardwire/models';
import { popcount32 } from './BlockStatsAccumulator.ts';
import type { ErrorSums, LinearRule } from './quantizeRows.ts';

/** What the compiled module exports (packages/quant/wasm/kernels.ts). */
export interface QuantKernelExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  quantizeCountK4(
    vPtr: number, rows: number, cols: number, group: number,
    rule: number, posMax: number, negMax: number, offset: number, top: number, center: number, q: number, zeroLevel: number,
    countsPtr: number, seenPtr: number, words: number, tuplesPtr: number, accPtr: number,
  ): void;
  buildDrawTable(knotsPtr: number, std: number, tablePtr: number): void;
  fillSyntheticPairs(outPtr: number, pairs: number, counter0: number, tablePtr: number, tailPtr: number, mul: number, add: number): number;
}

/** A synthetic stream (models' fillSynthetic parameters). */
export interface SyntheticStream {
  readonly std: number;
  readonly key: { readonly mul: number; readonly add: number };
  readonly table: QuantileTable;
}

const RULE_CODE: Record<LinearRule['scaleRule'], number> = { midtread: 0, absmean: 1, midrise: 2 };
const PAGE = 65_536;

/** One tensor's counters in the module's memory (one tensor at a time per module instance). */
export class WasmK4Counter {
  /** Where the caller writes each chunk of rows (a view of the module's memory). */
  readonly values: Float32Array;
  private readonly counts: Uint32Array;
  private readonly seen: Uint32Array;
  private readonly acc: Float64Array;
  private readonly ptr: { values: number; tuples: number; counts: number; seen: number; acc: number; knots: number; tails: number; draws: number };
  private readonly tails: Uint32Array;
  private readonly knots: Float32Array;
  private drawsOf: { table: QuantileTable; std: number } | undefined;
  private readonly words: number;
  private blocks = 0;

  constructor(private readonly ex: QuantKernelExports, private readonly cols: number, chunkRows: number, private readonly levels: number, private readonly rule: LinearRule, private readonly zeroLevel: number) {
    const tupleSpace = levels ** 4;
    this.words = Math.ceil(tupleSpace / 32);
    const groups = cols / 4;
    const align = (x: number) => Math.ceil(x / 16) * 16;
    let at = 1024;
    const values = at;
    at = align(at + chunkRows * cols * 4);
    const tuples = at;
    at = align(at + chunkRows * groups * 2);
    const counts = at;
    at = align(at + tupleSpace * 4);
    const seen = at;
    at = align(at + groups * this.words * 4);
    const acc = at;
    at += 16;
    const knots = at;
    at = align(at + 4097 * 4);
    const tails = at;
    at = align(at + Math.ceil((chunkRows * cols) / 2) * 4);
    const draws = at;
    at = align(at + 65536 * 4);
    const pages = Math.ceil(at / PAGE) - ex.memory.buffer.byteLength / PAGE;
    if (pages > 0) ex.memory.grow(pages);
    const buffer = ex.memory.buffer;
    this.ptr = { values, tuples, counts, seen, acc, knots, tails, draws };
    this.knots = new Float32Array(buffer, knots, 4097);
    this.tails = new Uint32Array(buffer, tails, Math.ceil((chunkRows * cols) / 2));
    this.values = new Float32Array(buffer, values, chunkRows * cols);
    this.counts = new Uint32Array(buffer, counts, tupleSpace);
    this.seen = new Uint32Array(buffer, seen, groups * this.words);
    this.acc = new Float64Array(buffer, acc, 2);
    this.counts.fill(0);
    this.seen.fill(0);
    this.acc.fill(0);
  }

  /**
   * Fill the first n values with elements [start, start + n) of a synthetic stream, bit-identical to models'
   * fillSynthetic: pairs in WebAssembly, the rare pairs with an outer-cell draw and an unpaired first or last
   * element through fillSynthetic itself.
   */
  synthesize(n: number, start: number, stream: SyntheticStream): void {
    if (this.drawsOf?.table !== stream.table || this.drawsOf.std !== stream.std) {
      this.knots.set(stream.table.knots);
      this.ex.buildDrawTable(this.ptr.knots, stream.std, this.ptr.draws);
      this.drawsOf = { table: stream.table, std: stream.std };
    }
    const out = this.values;
    let i = 0;
    if (n > 0 && start % 2 === 1) {
      fillSynthetic(out.subarray(0, 1), start, stream.std, stream.key, stream.table);
      i = 1;
    }
    const pairs = Math.floor((n - i) / 2);
    const first = start + i;
    const tails = this.ex.fillSyntheticPairs(this.ptr.values + i * 4, pairs, first / 2, this.ptr.draws, this.ptr.tails, stream.key.mul, stream.key.add);
    for (let t = 0; t < tails; t++) {
      const j = i + 2 * this.tails[t];
      fillSynthetic(out.subarray(j, j + 2), start + j, stream.std, stream.key, stream.table);
    }
    const done = i + 2 * pairs;
    if (done < n) fillSynthetic(out.subarray(done, n), start + done, stream.std, stream.key, stream.table);
  }

  /** Quantize and count the first `rows` rows of `values` (scale groups of `group` inputs, a multiple of 4). */
  run(rows: number, group: number): void {
    const r = this.rule;
    const p = this.ptr;
    this.ex.quantizeCountK4(p.values, rows, this.cols, group, RULE_CODE[r.scaleRule], r.posMax, r.negMax, r.offset, r.top, r.center, this.levels, this.zeroLevel, p.counts, p.seen, this.words, p.tuples, p.acc);
    this.blocks += (rows * this.cols) / 4;
  }

  /** Kind histogram (through the tuple-to-kind table), blocks, distinct tuples summed over input groups, error sums. */
  result(kindOfTuple: ArrayLike<number>, kinds: number): { histogram: Float64Array; blocks: number; groups: number; distinctTuples: number; err: ErrorSums } {
    const histogram = new Float64Array(kinds);
    for (let t = 0; t < this.counts.length; t++) if (this.counts[t] !== 0) histogram[kindOfTuple[t]] += this.counts[t];
    let distinct = 0;
    for (let i = 0; i < this.seen.length; i++) distinct += popcount32(this.seen[i]);
    return { histogram, blocks: this.blocks, groups: this.cols / 4, distinctTuples: distinct, err: { sumSq: this.acc[0], errSq: this.acc[1] } };
  }
}
