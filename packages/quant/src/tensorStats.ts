/**
 * Quantize one tensor chunk by chunk and gather its block statistics (pure: rows come from an
 * injected reader, so the same code serves files, synthetic streams and tests).
 */
import { BlockStatsAccumulator, buildBlockTables, type BlockTables } from './BlockStatsAccumulator.ts';
import { FORMATS, foldTable, levelCount, zeroLevel, type QuantFormat } from './formats.ts';
import { linearRule, quantizeRows, zeroScaleLevel, type ErrorSums } from './quantizeRows.ts';
import { WasmK4Counter, type QuantKernelExports, type SyntheticStream } from './wasmK4.ts';

export interface StatsSpec {
  readonly format: QuantFormat;
  /** Group size along the input dimension, or 'row'. Ignored by FP4 formats (fixed 32/16). */
  readonly group: number | 'row';
  /** Coefficients per block. */
  readonly k: number;
  readonly signFold: boolean;
}

export interface TensorStatsResult {
  coefficients: number;
  histogram: Float64Array;
  blocks: number;
  groups: number;
  distinctTuples: number;
  sumSq: number;
  errSq: number;
}

/** Row source: fill `out` with rows [rowStart, rowStart + rowCount). */
export type ReadRows = (rowStart: number, rowCount: number, out: Float32Array) => void;

/** Kind tables of a spec (build once, share across tensors). */
export function statsTables(spec: StatsSpec): BlockTables {
  const levels = levelCount(spec.format, false);
  return buildBlockTables({ k: spec.k, levels, fold: spec.signFold ? foldTable(spec.format) : undefined, foldedLevels: levelCount(spec.format, true) });
}

/** The group size used for a tensor with `cols` columns. */
export function effectiveGroup(spec: StatsSpec, cols: number): number {
  const fixed = FORMATS[spec.format].fixedGroup;
  if (fixed !== undefined) return fixed;
  return spec.group === 'row' ? cols : spec.group;
}

/** Default chunk: about 2^16 coefficients of whole rows (256 KB of float32, cache-resident). */
export function rowsPerChunk(cols: number, targetCoefficients = 1 << 16): number {
  return Math.max(1, Math.floor(targetCoefficients / cols));
}

export interface TensorStatsOptions {
  /** Rows per chunk (default: about 2^16 coefficients). The result does not depend on it. */
  readonly chunkRows?: number;
  /** Progress, in coefficients. */
  readonly onRows?: (coefficients: number) => void;
  /** The WebAssembly kernels (io/wasmKernels.ts); without them the JavaScript kernels run. */
  readonly kernels?: QuantKernelExports;
  /** When the rows are a synthetic stream (row r starts at element r x cols): lets the WebAssembly kernels generate them. */
  readonly synthetic?: SyntheticStream;
  /** Tests: use quantizeRows + add even where a fused kernel applies. */
  readonly forceTwoStep?: boolean;
}

/**
 * Statistics of one rows x cols tensor. The result does not depend on the chunk size or on which kernel
 * runs (WebAssembly, fused JavaScript, or quantize then count), except the order of the error sums.
 */
export function computeTensorStats(rows: number, cols: number, readRows: ReadRows, spec: StatsSpec, tables: BlockTables, options: TensorStatsOptions = {}): TensorStatsResult {
  const chunkRows = options.chunkRows ?? rowsPerChunk(cols);
  const onRows = options.onRows;
  const forceTwoStep = options.forceTwoStep ?? false;
  const levels = levelCount(spec.format, false);
  const zero = zeroLevel(spec.format);
  const acc = new BlockStatsAccumulator(
    { cols, k: spec.k, levels, fold: spec.signFold ? foldTable(spec.format) : undefined, foldedLevels: levelCount(spec.format, true), padLevel: zero >= 0 ? zero : undefined },
    tables,
  );
  const values = new Float32Array(chunkRows * cols);
  const codes = new Uint8Array(chunkRows * cols);
  const err: ErrorSums = { sumSq: 0, errSq: 0 };
  let tensorAbsMax: number | undefined;
  if (spec.format === 'fp4-nv') {
    let max = 0;
    for (let r = 0; r < rows; r += chunkRows) {
      const n = Math.min(chunkRows, rows - r);
      readRows(r, n, values);
      for (let i = 0; i < n * cols; i++) {
        const a = Math.abs(values[i]);
        if (a > max) max = a;
      }
    }
    tensorAbsMax = max;
  }
  const quant = { format: spec.format, group: effectiveGroup(spec, cols), tensorAbsMax };
  const rule = linearRule(spec.format);
  const fused = rule !== undefined && acc.canFuseK4(quant.group) && !forceTwoStep;
  if (fused && options.kernels) {
    const counter = new WasmK4Counter(options.kernels, cols, chunkRows, levels, rule, zeroScaleLevel(rule));
    for (let r = 0; r < rows; r += chunkRows) {
      const n = Math.min(chunkRows, rows - r);
      if (options.synthetic) counter.synthesize(n * cols, r * cols, options.synthetic);
      else readRows(r, n, n === chunkRows ? counter.values : counter.values.subarray(0, n * cols));
      counter.run(n, quant.group);
      onRows?.(n * cols);
    }
    const w = counter.result(tables.kindOfTuple!, tables.kinds);
    return { coefficients: rows * cols, histogram: w.histogram, blocks: w.blocks, groups: w.groups, distinctTuples: w.distinctTuples, sumSq: w.err.sumSq, errSq: w.err.errSq };
  }
  for (let r = 0; r < rows; r += chunkRows) {
    const n = Math.min(chunkRows, rows - r);
    const v = n === chunkRows ? values : values.subarray(0, n * cols);
    readRows(r, n, v);
    if (fused) acc.quantizeAndAddK4(v, n, quant.group, rule, err);
    else {
      const c = n === chunkRows ? codes : codes.subarray(0, n * cols);
      quantizeRows(v, n, cols, quant, c, err);
      acc.add(c, n);
    }
    onRows?.(n * cols);
  }
  const result = acc.result();
  return { coefficients: rows * cols, histogram: result.histogram, blocks: result.blocks, groups: result.groups, distinctTuples: result.distinctTuples, sumSq: err.sumSq, errSq: err.errSq };
}
