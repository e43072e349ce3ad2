/**
 * Tile cost model (pure): transistors (and cell area, and cells) of a synthesized tile as a linear function
 * of what the tile generator emits, in every micro-architecture: the bits entering the row adder trees each
 * cycle (about one full adder each), the serial adders of shared sub-expressions, the block instances (da,
 * parallel), the accumulator and output register bits, and the input register bits. These are structural
 * counts, so a tile of any size is priced from its generated structure (no synthesis); the fit is made on
 * synthesized tiles of several sizes, and the error that counts is on tiles left out of the fit
 * (leave-one-out).
 */

/** The generator's structural counts of one tile (golden.json `structure`). */
export interface TileFeatures {
  readonly rowBits: number;
  readonly serialAdders: number;
  /** Block instances after sharing equal tuples across rows (da, parallel; 0 otherwise). */
  readonly instances: number;
  readonly accumulatorBits: number;
  readonly inputRegisterBits: number;
}

export interface TileSample extends TileFeatures {
  readonly id: string;
  readonly arch: string;
  readonly rows: number;
  readonly cols: number;
  readonly inputBits: number;
  readonly outputBits: number;
  readonly cyclesPerVector: number;
  /** Standard cells of the synthesized netlist. */
  readonly cells: number;
  readonly transistors: number;
  readonly areaUm2: number;
}

export const FEATURE_NAMES = ['intercept', 'row_bits', 'serial_adders', 'block_instances', 'accumulator_bits', 'input_register_bits'] as const;

export function features(t: TileFeatures): number[] {
  return [1, t.rowBits, t.serialAdders, t.instances, t.accumulatorBits, t.inputRegisterBits];
}

/**
 * Least squares: beta minimizing |X beta - y|², by Householder QR on column-scaled X (stable for the small,
 * badly scaled systems here). A column that adds nothing (rank deficiency) gets coefficient 0.
 */
export function leastSquares(X: readonly number[][], y: readonly number[]): number[] {
  const n = X.length;
  const p = X[0].length;
  const scale = Array.from({ length: p }, (_, j) => Math.sqrt(X.reduce((s, row) => s + row[j] * row[j], 0)) || 1);
  const A = X.map((row) => row.map((v, j) => v / scale[j]));
  const b = [...y];
  for (let k = 0; k < p && k < n; k++) {
    let norm = 0;
    for (let i = k; i < n; i++) norm += A[i][k] * A[i][k];
    norm = Math.sqrt(norm);
    if (norm < 1e-14) continue;
    const alpha = A[k][k] > 0 ? -norm : norm;
    const v = new Array<number>(n).fill(0);
    v[k] = A[k][k] - alpha;
    for (let i = k + 1; i < n; i++) v[i] = A[i][k];
    const vv = v.reduce((s, x) => s + x * x, 0);
    if (vv < 1e-300) continue;
    for (let j = k; j < p; j++) {
      let dot = 0;
      for (let i = k; i < n; i++) dot += v[i] * A[i][j];
      const f = (2 * dot) / vv;
      for (let i = k; i < n; i++) A[i][j] -= f * v[i];
    }
    let dot = 0;
    for (let i = k; i < n; i++) dot += v[i] * b[i];
    const f = (2 * dot) / vv;
    for (let i = k; i < n; i++) b[i] -= f * v[i];
  }
  const beta = new Array<number>(p).fill(0);
  for (let k = Math.min(p, n) - 1; k >= 0; k--) {
    if (Math.abs(A[k][k]) < 1e-12) continue;
    let s = b[k];
    for (let j = k + 1; j < p; j++) s -= A[k][j] * beta[j];
    beta[k] = s / A[k][k];
  }
  return beta.map((v, j) => v / scale[j]);
}

export interface TileModel {
  readonly arch: string;
  readonly transistorCoefficients: number[];
  readonly areaCoefficients: number[];
  readonly cellCoefficients: number[];
  readonly samples: number;
}

export function fitTileModel(samples: readonly TileSample[]): TileModel {
  if (samples.length < FEATURE_NAMES.length) throw new Error(`tile model: ${samples.length} samples for ${FEATURE_NAMES.length} coefficients`);
  const X = samples.map(features);
  // Relative least squares: each tile's row divided by its measured value, so the fit minimizes the squared
  // percentage errors and a 64x1024 tile does not outweigh a 4x16 one a thousand times over.
  const relative = (y: readonly number[]) => leastSquares(X.map((row, i) => row.map((v) => v / y[i])), y.map(() => 1));
  return {
    arch: samples[0].arch,
    transistorCoefficients: relative(samples.map((s) => s.transistors)),
    areaCoefficients: relative(samples.map((s) => s.areaUm2)),
    cellCoefficients: relative(samples.map((s) => s.cells)),
    samples: samples.length,
  };
}

export type TileCostModel = Pick<TileModel, 'transistorCoefficients' | 'areaCoefficients' | 'cellCoefficients'>;

export function predict(model: TileCostModel, t: TileFeatures): { transistors: number; areaUm2: number; cells: number } {
  const f = features(t);
  const dot = (beta: readonly number[]) => beta.reduce((s, b, i) => s + b * f[i], 0);
  return { transistors: dot(model.transistorCoefficients), areaUm2: dot(model.areaCoefficients), cells: dot(model.cellCoefficients) };
}

export interface HeldOut {
  readonly id: string;
  readonly measured: number;
  readonly predicted: number;
  readonly errorPct: number;
}

/** Leave-one-out: each tile's transistors (or cells, or area) predicted by a model fitted to the others. */
export function leaveOneOut(samples: readonly TileSample[], target: 'transistors' | 'cells' | 'areaUm2' = 'transistors'): { rows: HeldOut[]; meanAbsPct: number; maxAbsPct: number } {
  const rows: HeldOut[] = samples.map((s, i) => {
    const model = fitTileModel(samples.filter((_, j) => j !== i));
    const predicted = predict(model, s)[target];
    return { id: s.id, measured: s[target], predicted, errorPct: (100 * (predicted - s[target])) / s[target] };
  });
  const abs = rows.map((r) => Math.abs(r.errorPct));
  return { rows, meanAbsPct: abs.reduce((a, b) => a + b, 0) / abs.length, maxAbsPct: Math.max(...abs) };
}
