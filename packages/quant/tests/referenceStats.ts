/**
 * A slow, straightforward reference for block statistics, written independently of the kernels:
 * per group scale, per weight level (FP4 by nearest-grid search with ties to even), per block a sorted
 * copy ranked by the combinatorial-number formula, counts in a Map, distinct tuples in Sets of strings.
 * Shared with the kernels: only the definition of a level (floor(w * (1/s) + offset), clamped).
 */
import { FORMATS, rankSortedMultiset, type QuantFormat } from '../src/index.ts';

export interface ReferenceResult {
  histogram: Map<number, number>;
  blocks: number;
  distinctTuples: number;
  sumSq: number;
  errSq: number;
}

const E2M1 = [0, 0.5, 1, 1.5, 2, 3, 4, 6];

function roundE4M3Reference(x: number): number {
  // Enumerate every positive E4M3 value and take the nearest (ties to even mantissa).
  let best = 0;
  let bestMantissa = 0;
  for (let e = 0; e < 16; e++) {
    for (let m = 0; m < 8; m++) {
      if (e === 15 && m === 7) continue; // NaN
      const v = e === 0 ? (m / 8) * 2 ** -6 : (1 + m / 8) * 2 ** (e - 7);
      const d = Math.abs(v - x);
      const bd = Math.abs(best - x);
      if (d < bd || (d === bd && m % 2 === 0 && bestMantissa % 2 === 1)) {
        best = v;
        bestMantissa = m;
      }
    }
  }
  return best;
}

function levelOf(format: QuantFormat, x: number, scale: number): { level: number; value: number } {
  const values = FORMATS[format].levelValues;
  if (format.startsWith('fp4')) {
    const m = Math.abs(x * (1 / scale));
    let best = 0;
    for (let i = 1; i < 8; i++) {
      const d = Math.abs(E2M1[i] - m);
      const bd = Math.abs(E2M1[best] - m);
      if (d < bd || (d === bd && i % 2 === 0)) best = i;
    }
    const negative = x < 0 && best > 0;
    const level = negative ? 7 - best : 7 + best;
    return { level, value: (negative ? -E2M1[best] : E2M1[best]) * scale };
  }
  const [offset, top, center] = format === 'int3' ? [4.5, 7, 4] : format === 'int4' ? [8.5, 15, 8] : format === 'ternary' ? [1.5, 2, 1] : [4, 7, 3.5];
  const level = Math.min(top, Math.max(0, Math.floor(x * (1 / scale) + offset)));
  void values;
  return { level, value: (level - center) * scale };
}

function scaleOf(format: QuantFormat, group: number[], tensorAbsMax: number): number {
  const max = Math.max(0, ...group);
  const min = Math.min(0, ...group);
  const absMax = Math.max(max, -min);
  switch (format) {
    case 'int3': return Math.max(max / 3, -min / 4);
    case 'int4': return Math.max(max / 7, -min / 8);
    case 'ternary': return group.reduce((s, x) => s + Math.abs(x), 0) / group.length;
    case 'int3-midrise': return absMax / 3.5;
    case 'fp4-mx': return absMax === 0 ? 0 : 2 ** (Math.floor(Math.log2(absMax)) - 2);
    case 'fp4-nv': {
      const global = tensorAbsMax / (6 * 448);
      return absMax === 0 || global === 0 ? 0 : Math.min(448, roundE4M3Reference(absMax / 6 / global)) * global;
    }
  }
}

export function referenceStats(values: Float32Array, rows: number, cols: number, format: QuantFormat, groupOption: number | 'row', k: number, signFold: boolean): ReferenceResult {
  const fixed = FORMATS[format].fixedGroup;
  const group = fixed ?? (groupOption === 'row' ? cols : groupOption);
  const levelValues = FORMATS[format].levelValues;
  const magnitudes = [...new Set(levelValues.map(Math.abs))].sort((a, b) => a - b);
  const zeroLevel = levelValues.indexOf(0);
  let tensorAbsMax = 0;
  for (const x of values) tensorAbsMax = Math.max(tensorAbsMax, Math.abs(x));
  const histogram = new Map<number, number>();
  const tuples = Array.from({ length: Math.ceil(cols / k) }, () => new Set<string>());
  let sumSq = 0;
  let errSq = 0;
  let blocks = 0;
  for (let r = 0; r < rows; r++) {
    const row = Array.from(values.subarray(r * cols, (r + 1) * cols));
    const levels: number[] = [];
    for (let g = 0; g < cols; g += group) {
      const part = row.slice(g, g + group);
      const scale = scaleOf(format, part, tensorAbsMax);
      for (const x of part) {
        sumSq += x * x;
        if (scale === 0) {
          levels.push(format === 'int3-midrise' ? 4 : format.startsWith('fp4') ? 7 : levelValues.indexOf(0));
          errSq += x * x;
          continue;
        }
        const { level, value } = levelOf(format, x, scale);
        levels.push(level);
        errSq += (x - value) ** 2;
      }
    }
    for (let b = 0; b * k < cols; b++) {
      const tuple = Array.from({ length: k }, (_, i) => (b * k + i < cols ? levels[b * k + i] : zeroLevel));
      tuples[b].add(tuple.join(','));
      const kindLevels = signFold ? tuple.map((l) => magnitudes.indexOf(Math.abs(levelValues[l]))) : tuple;
      const rank = rankSortedMultiset([...kindLevels].sort((a, b2) => a - b2));
      histogram.set(rank, (histogram.get(rank) ?? 0) + 1);
      blocks++;
    }
  }
  return { histogram, blocks, distinctTuples: tuples.reduce((s, t) => s + t.size, 0), sumSq, errSq };
}
