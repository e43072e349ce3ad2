import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureFile } from '@hardwire/core';
import { MODEL_CATALOG, WeightReader, openWeights } from '@hardwire/models';
import { FORMATS, quantizeRows } from '@hardwire/quant';
import { planTile } from '@hardwire/tiles';
import { describe, expect, it } from 'vitest';
import { routedUtilization, expectedInstancesPerGroup, expectedTileInstances, parseBlocksCsv, poolKinds, tupleOrderings, type KindCount } from '../src/index.ts';

/** Every ordered tuple over `values` of length k. */
function allTuples(values: readonly number[], k: number): number[][] {
  let out: number[][] = [[]];
  for (let i = 0; i < k; i++) out = out.flatMap((t) => values.map((v) => [...t, v]));
  return out;
}
const kindKey = (t: readonly number[]) => [...t].sort((a, b) => a - b).join(' ');

describe('block instances from block statistics', () => {
  it('orderings of a kind equal a brute-force count of the ordered tuples that sort (or fold) to it', () => {
    const tuples = allTuples([-2, -1, 0, 1, 2], 4);
    const byKind = new Map<string, number>();
    const byFolded = new Map<string, number>();
    for (const t of tuples) {
      byKind.set(kindKey(t), (byKind.get(kindKey(t)) ?? 0) + 1);
      const folded = kindKey(t.map(Math.abs));
      byFolded.set(folded, (byFolded.get(folded) ?? 0) + 1);
    }
    for (const [key, n] of byKind) expect(tupleOrderings(key.split(' ').map(Number), false), key).toBe(n);
    for (const [key, n] of byFolded) expect(tupleOrderings(key.split(' ').map(Number), true), key).toBe(n);
  });

  it('the expected distinct non-zero tuples among R rows equal an exact enumeration of every R-row draw', () => {
    // Independent coefficients (so the orderings of a kind are equally likely), k = 2, three levels, R = 3 rows.
    const p = new Map([[-1, 0.2], [0, 0.5], [1, 0.3]]);
    const tuples = allTuples([-1, 0, 1], 2);
    const prob = tuples.map((t) => t.reduce((s, v) => s * p.get(v)!, 1));
    const kinds = new Map<string, number>();
    tuples.forEach((t, i) => kinds.set(kindKey(t), (kinds.get(kindKey(t)) ?? 0) + prob[i] * 1e6));
    const histogram: KindCount[] = [...kinds].map(([k, count]) => ({ levels: k.split(' ').map(Number), count }));
    let exact = 0;
    for (let a = 0; a < 9; a++) for (let b = 0; b < 9; b++) for (let c = 0; c < 9; c++) {
      const distinct = new Set([a, b, c].filter((i) => tuples[i].some((v) => v !== 0)));
      exact += prob[a] * prob[b] * prob[c] * distinct.size;
    }
    expect(expectedInstancesPerGroup(histogram, 3, false)).toBeCloseTo(exact, 9);
    expect(expectedTileInstances(histogram, 3, 8, 2, false)).toBeCloseTo(4 * exact, 9);
    expect(expectedInstancesPerGroup(histogram, 1, false)).toBeCloseTo(1 - 0.25, 9); // one row: P(non-zero tuple)
  });

  it('parses the statistics CSV and pools histograms by kind', () => {
    const csv = 'tensor,layer,role,kind,levels,blocks\na,0,attn.q,3,-1 0 0 1,10\na,0,attn.q,0,0 0 0 0,5\nb,0,attn.k,3,-1 0 0 1,2\n';
    const h = parseBlocksCsv(csv);
    expect([...h.keys()]).toEqual(['a', 'b']);
    expect(poolKinds(h.values())).toEqual([{ levels: [-1, 0, 0, 1], count: 12 }, { levels: [0, 0, 0, 0], count: 5 }]);
    expect(() => parseBlocksCsv('x,y\n')).toThrow(/unexpected header/);
  });

  const STORIES = fixtureFile('stories260K.bin');
  it.runIf(STORIES)('predicts the mean instances of every 8x16 window of the real stories260K layer matrices (planTile) within a few percent', () => {
    const weights = openWeights(STORIES!, MODEL_CATALOG['stories-260k']);
    const reader = new WeightReader();
    const values = FORMATS.int3.levelValues;
    let measuredSum = 0;
    let predictedSum = 0;
    const R = 8;
    const C = 16;
    for (const t of weights.tensors.filter((x) => x.shape.length === 2 && /\.(self_attn|mlp)\./.test(x.name))) {
      const [rows, cols] = t.shape;
      const v = new Float32Array(rows * cols);
      reader.readRows(t, 0, rows, v);
      const levels = new Uint8Array(rows * cols);
      quantizeRows(v, rows, cols, { format: 'int3', group: cols }, levels, { sumSq: 0, errSq: 0 });
      const codes = Int32Array.from(levels, (l) => values[l]);
      const kinds = new Map<string, number>();
      for (let r = 0; r < rows; r++) for (let g = 0; g < cols; g += 4) {
        const key = kindKey(Array.from(codes.subarray(r * cols + g, r * cols + g + 4)));
        kinds.set(key, (kinds.get(key) ?? 0) + 1);
      }
      const histogram = [...kinds].map(([k, count]) => ({ levels: k.split(' ').map(Number), count }));
      let measured = 0;
      let windows = 0;
      for (let r0 = 0; r0 + R <= rows; r0 += R) for (let c0 = 0; c0 + C <= cols; c0 += C) {
        const win = new Int32Array(R * C);
        for (let r = 0; r < R; r++) for (let j = 0; j < C; j++) win[r * C + j] = codes[(r0 + r) * cols + c0 + j];
        measured += planTile(win, R, C, 4, (c) => values.indexOf(c)).instances.length;
        windows++;
      }
      const predicted = expectedTileInstances(histogram, R, C, 4, false);
      expect(Math.abs(predicted - measured / windows) / (measured / windows), t.name).toBeLessThan(0.1);
      measuredSum += measured / windows;
      predictedSum += predicted;
    }
    reader.close();
    expect(Math.abs(predictedSum - measuredSum) / measuredSum).toBeLessThan(0.05);
  });
});

describe('routed utilization', () => {
  it('is cell area over die area of the tiles routed with no unrouted net; none without such a tile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-util-'));
    const tile = (id: string, m: Record<string, number>) => {
      mkdirSync(join(dir, id));
      writeFileSync(join(dir, id, 'physical.json'), JSON.stringify(m));
    };
    expect(routedUtilization(undefined)).toBeUndefined();
    tile('a', { route__net__unrouted__count: 3, physical__design__instance__area: 100, finish__design__die__area: 200 });
    expect(routedUtilization(dir)).toBeUndefined();
    tile('b', { route__net__unrouted__count: 0, physical__design__instance__area: 100, finish__design__die__area: 400 });
    tile('c', { route__net__unrouted__count: 0, physical__design__instance__area: 300, finish__design__die__area: 600 });
    mkdirSync(join(dir, 'd')); // synthesized only: no physical.json
    expect(routedUtilization(dir)).toBeCloseTo(400 / 1000, 12);
  });
});
