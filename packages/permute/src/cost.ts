/**
 * Cost of a network (pure): switches, stages, control bits, and wire crossings per stage gap, the metal
 * the fixed fabric spends. In the drawing, a switch's ports sit at rows `row` and `row + 1` of its
 * column; network inputs and outputs at rows 0..N-1. A wire runs from the row where it is driven to
 * the row where it is read, and it is counted in the gap right after the column that drives it.
 * Two wires of one gap cross when their row order flips.
 */
import type { Network } from './network.ts';

export interface NetworkCost {
  switches: number;
  stages: number;
  controlBits: number;
  /** Crossings in gap g (between column g-1 and g; gap 0 follows the inputs), g = 0..stages. */
  crossingsPerGap: number[];
  crossingsTotal: number;
}

/** Count inversions of `values` (merge sort, O(n log n)). */
export function countInversions(values: Float64Array): number {
  const a = Float64Array.from(values);
  const tmp = new Float64Array(a.length);
  let inversions = 0;
  for (let width = 1; width < a.length; width *= 2) {
    for (let lo = 0; lo < a.length; lo += 2 * width) {
      const mid = Math.min(lo + width, a.length);
      const hi = Math.min(lo + 2 * width, a.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (a[i] <= a[j]) tmp[k++] = a[i++];
        else {
          inversions += mid - i;
          tmp[k++] = a[j++];
        }
      }
      while (i < mid) tmp[k++] = a[i++];
      while (j < hi) tmp[k++] = a[j++];
    }
    a.set(tmp);
  }
  return inversions;
}

export function networkCost(network: Network): NetworkCost {
  const { a, b, lo, hi, stage, row, count } = network.switches;
  const wires = network.wireCount;
  const fromStage = new Int32Array(wires).fill(-1);
  const fromRow = new Float64Array(wires);
  const toRow = new Float64Array(wires);
  for (let i = 0; i < network.n; i++) fromRow[i] = i;
  for (let k = 0; k < count; k++) {
    fromStage[lo[k]] = stage[k];
    fromRow[lo[k]] = row[k];
    fromStage[hi[k]] = stage[k];
    fromRow[hi[k]] = row[k] + 1;
    toRow[a[k]] = row[k];
    toRow[b[k]] = row[k] + 1;
  }
  network.outputs.forEach((w, j) => (toRow[w] = j));
  const gaps = network.stages + 1;
  const byGap: number[][] = Array.from({ length: gaps }, () => []);
  for (let w = 0; w < wires; w++) byGap[fromStage[w] + 1]?.push(w);
  const crossingsPerGap = byGap.map((ws) => {
    ws.sort((x, y) => fromRow[x] - fromRow[y] || toRow[x] - toRow[y]);
    return countInversions(Float64Array.from(ws, (w) => toRow[w]));
  });
  return { switches: count, stages: network.stages, controlBits: count, crossingsPerGap, crossingsTotal: crossingsPerGap.reduce((s, x) => s + x, 0) };
}
