/**
 * A tile's blocks (pure): the window's rows x cols integer codes cut into blocks of k inputs. Per input
 * group (k consecutive columns), rows with the same ordered tuple share one block instance; all-zero
 * tuples need no block. Each instance is a kind (sorted multiset) plus the order in which the fixed
 * permutation fabric feeds it the group's inputs. Sign-folded, the kind is the sorted multiset of
 * magnitudes and the instance reads the columns of its negative coefficients inverted (the sign pushed to
 * the input), so an instance is still one ordered signed tuple but far fewer kinds exist.
 */
import { rankMultiset } from '@hardwire/quant';

export interface BlockInstance {
  readonly id: number;
  readonly group: number;
  /** Coefficients in column order (the ordered tuple). */
  readonly tuple: readonly number[];
  /** Kind coefficients, ascending (the block module's port order); magnitudes when sign-folded. */
  readonly kindCoefficients: readonly number[];
  /** Per column of the group: the block reads it inverted (sign-folded, negative coefficient). All false otherwise. */
  readonly negated: readonly boolean[];
  /** Rank of the kind among the format's multisets. */
  readonly kindRank: number;
  /** Port i of the block reads column group*k + portColumn[i]. */
  readonly portColumn: readonly number[];
  /** Rows that add this instance's output. */
  readonly rows: readonly number[];
}

export interface TilePlan {
  readonly rows: number;
  readonly cols: number;
  readonly k: number;
  readonly groups: number;
  readonly instances: readonly BlockInstance[];
  /** rowInstances[r] = instance ids whose outputs row r sums. */
  readonly rowInstances: readonly (readonly number[])[];
  /** Blocks before sharing (rows x groups, zero blocks included). */
  readonly blocks: number;
  readonly zeroBlocks: number;
}

/**
 * Plan a tile. `codes` is rows x cols, row-major, integer coefficients; `levelIndex` maps a kind coefficient
 * to its level index (a magnitude's index among the folded levels when `signFold`).
 */
export function planTile(codes: ArrayLike<number>, rows: number, cols: number, k: number, levelIndex: (code: number) => number, signFold = false): TilePlan {
  if (cols % k !== 0) throw new RangeError(`tile width ${cols} is not a multiple of the block size ${k}`);
  const groups = cols / k;
  const instances: BlockInstance[] = [];
  const rowInstances: number[][] = Array.from({ length: rows }, () => []);
  let zeroBlocks = 0;
  for (let g = 0; g < groups; g++) {
    const byTuple = new Map<string, { id: number; rows: number[] }>();
    for (let r = 0; r < rows; r++) {
      const tuple = Array.from({ length: k }, (_, i) => codes[r * cols + g * k + i]);
      if (tuple.every((c) => c === 0)) {
        zeroBlocks++;
        continue;
      }
      const key = tuple.join(',');
      let entry = byTuple.get(key);
      if (!entry) {
        // Stable sort of the columns by coefficient (by magnitude when folded): the kind's ascending port order.
        const kindValue = signFold ? tuple.map(Math.abs) : tuple;
        const portColumn = tuple.map((_, i) => i).sort((a, b) => kindValue[a] - kindValue[b] || a - b);
        const kindCoefficients = portColumn.map((i) => kindValue[i]);
        const negated = tuple.map((c) => signFold && c < 0);
        entry = { id: instances.length, rows: [] };
        instances.push({ id: entry.id, group: g, tuple, kindCoefficients, kindRank: rankMultiset(kindCoefficients.map(levelIndex)), portColumn, negated, rows: entry.rows });
        byTuple.set(key, entry);
      }
      entry.rows.push(r);
      rowInstances[r].push(entry.id);
    }
  }
  return { rows, cols, k, groups, instances, rowInstances, blocks: rows * groups, zeroBlocks };
}

/** Exact y = W x for one input vector (the golden model), as bigints. */
export function goldenOutputs(codes: ArrayLike<number>, rows: number, cols: number, x: ArrayLike<number>): bigint[] {
  const y: bigint[] = [];
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += codes[r * cols + c] * x[c];
    y.push(BigInt(sum));
  }
  return y;
}

/** Output width W: enough for the largest row's sum of |c| times the most negative input. */
export function tileOutputBits(codes: ArrayLike<number>, rows: number, cols: number, inputBits: number): number {
  let worst = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.abs(codes[r * cols + c]);
    worst = Math.max(worst, s);
  }
  const bound = worst * 2 ** (inputBits - 1);
  let bits = 1;
  while (-(2 ** (bits - 1)) > -bound || 2 ** (bits - 1) - 1 < bound) bits++;
  return bits;
}
