import { describe, expect, it } from 'vitest';
import { fixtureFile } from '@hardwire/core';
import { MODEL_CATALOG, WeightReader, LAYER_MATRIX_ROLES, matrixDims, modelTensors, openWeights } from '@hardwire/models';
import {
  buildStatsReport,
  computeTensorStats,
  e2m1Index,
  quantizeRows,
  roundE4M3,
  statsCsv,
  statsTables,
  summarizeHistogram,
  type StatsSpec,
  type TensorStatsResult,
} from '../src/index.ts';
import { loadQuantKernels } from '../src/io/wasmKernels.ts';
import { referenceStats } from './referenceStats.ts';

const STORIES = fixtureFile('stories260K.bin');
if (!STORIES) console.log('skip: test/fixtures/stories260K.bin is absent; reference statistics not compared');

function storiesMatrices() {
  const index = openWeights(STORIES!, MODEL_CATALOG['stories-260k']);
  const reader = new WeightReader();
  const roles = new Map(modelTensors(MODEL_CATALOG['stories-260k']).map((t) => [t.name, t.role]));
  const out = index.tensors
    .filter((t) => LAYER_MATRIX_ROLES.includes(roles.get(t.name)!))
    .map((t) => {
      const { rows, cols } = matrixDims(t.shape);
      const data = new Float32Array(rows * cols);
      reader.readRows(t, 0, rows, data);
      return { name: t.name, rows, cols, data };
    });
  reader.close();
  return out;
}

const KERNELS = loadQuantKernels();
function ours(t: { rows: number; cols: number; data: Float32Array }, spec: StatsSpec, chunkRows?: number, forceTwoStep = false, kernels = KERNELS): TensorStatsResult {
  return computeTensorStats(t.rows, t.cols, (r, n, out) => out.set(t.data.subarray(r * t.cols, (r + n) * t.cols)), spec, statsTables(spec), { chunkRows, forceTwoStep, kernels });
}

describe.runIf(STORIES)('block statistics on stories260K equal a slow reference, exactly', () => {
  const matrices = storiesMatrices();
  it('covers the 35 layer matrices, 226,560 coefficients', () => {
    expect(matrices).toHaveLength(35);
    expect(matrices.reduce((s, t) => s + t.rows * t.cols, 0)).toBe(226_560);
  });
  const specs: StatsSpec[] = [
    { format: 'int3', group: 'row', k: 4, signFold: false },
    { format: 'int3', group: 32, k: 4, signFold: false },
    { format: 'int3', group: 'row', k: 4, signFold: true },
    { format: 'int3-midrise', group: 'row', k: 4, signFold: false },
    { format: 'ternary', group: 16, k: 4, signFold: false },
    { format: 'int4', group: 'row', k: 4, signFold: false },
    { format: 'fp4-mx', group: 'row', k: 4, signFold: false },
    { format: 'fp4-mx', group: 'row', k: 4, signFold: true },
    { format: 'fp4-nv', group: 'row', k: 4, signFold: false },
    { format: 'int3', group: 'row', k: 3, signFold: false },
    { format: 'int3', group: 'row', k: 2, signFold: true },
    { format: 'int4', group: 'row', k: 8, signFold: false },
  ];
  for (const spec of specs) {
    it(`${spec.format} group ${spec.group} k=${spec.k}${spec.signFold ? ' sign-folded' : ''}`, () => {
      for (const t of matrices) {
        const got = ours(t, spec);
        const want = referenceStats(t.data, t.rows, t.cols, spec.format, spec.group, spec.k, spec.signFold);
        const gotMap = new Map([...got.histogram.entries()].filter(([, c]) => c > 0));
        expect(gotMap, `${t.name}`).toEqual(want.histogram);
        expect(got.blocks).toBe(want.blocks);
        expect(got.distinctTuples, t.name).toBe(want.distinctTuples);
        expect(got.sumSq).toBeCloseTo(want.sumSq, 9);
        expect(Math.abs(got.errSq - want.errSq)).toBeLessThanOrEqual(1e-9 * want.sumSq);
        expect([...got.histogram].reduce((a, b) => a + b, 0)).toBe(got.blocks);
      }
    });
  }

  it('the WebAssembly kernel loads and equals the fused JavaScript kernel and quantizeRows + count; chunking changes nothing', () => {
    expect(KERNELS, 'packages/quant/wasm/kernels.wasm (npm run build:wasm)').toBeDefined();
    for (const spec of [{ format: 'int3', group: 'row', k: 4, signFold: false }, { format: 'int4', group: 32, k: 4, signFold: false }, { format: 'ternary', group: 16, k: 4, signFold: true }, { format: 'int3-midrise', group: 'row', k: 4, signFold: false }] as StatsSpec[]) for (const t of matrices.slice(0, 10)) {
      const fused = ours(t, spec);
      for (const variant of [ours(t, spec, undefined, false, undefined), ours(t, spec, undefined, true), ours(t, spec, 1), ours(t, spec, 7, true), ours(t, spec, 3)]) {
        expect([...variant.histogram]).toEqual([...fused.histogram]);
        expect(variant.distinctTuples).toBe(fused.distinctTuples);
        expect(variant.errSq).toBeCloseTo(fused.errSq, 12);
      }
    }
  });

  it('report and CSV agree with the histograms', () => {
    const spec: StatsSpec = { format: 'int3', group: 'row', k: 4, signFold: false };
    const entries = matrices.map((t) => ({ name: t.name, role: 'x', layer: Number(/layers\.(\d+)/.exec(t.name)![1]), shape: [t.rows, t.cols], result: ours(t, spec) }));
    const report = buildStatsReport(entries, spec);
    expect(report.overall.blocks).toBe(226_560 / 4);
    expect(report.overall.histogram.reduce((a, b) => a + b, 0)).toBe(56_640);
    expect(report.layers).toHaveLength(5);
    expect(report.layers.reduce((s, l) => s + l.blocks, 0)).toBe(56_640);
    const csv = statsCsv(entries, spec).trim().split('\n');
    expect(csv[0]).toBe('tensor,layer,role,kind,levels,blocks');
    expect(csv.slice(1).reduce((s, line) => s + Number(line.split(',').at(-1)), 0)).toBe(56_640);
    const top = report.overall.topKinds[0];
    expect(top.levels).toHaveLength(4);
    expect(summarizeHistogram(report.overall.histogram).kindsUsed).toBe(report.overall.kindsUsed);
  });
});

describe('number formats', () => {
  it('E2M1 rounds half to even and saturates at 6', () => {
    const cases: Array<[number, number]> = [[0, 0], [0.25, 0], [0.26, 1], [0.75, 2], [1.25, 2], [1.26, 3], [1.75, 4], [2.5, 4], [2.51, 5], [3.5, 6], [5, 6], [5.01, 7], [100, 7]];
    for (const [m, idx] of cases) expect(e2m1Index(m), String(m)).toBe(idx);
  });

  it('E4M3 rounding: exact values, ties to even, subnormals, saturation', () => {
    expect(roundE4M3(1)).toBe(1);
    expect(roundE4M3(1.0625)).toBe(1); // tie between 1 and 1.125 -> even mantissa
    expect(roundE4M3(1.1875)).toBe(1.25);
    expect(roundE4M3(2 ** -9)).toBe(2 ** -9);
    expect(roundE4M3(3 * 2 ** -10)).toBe(2 ** -8); // tie between 1 and 2 subnormal steps -> even (2)
    expect(roundE4M3(1000)).toBe(448);
  });

  it('int3 mid-tread uses -4..3 with a no-clip scale', () => {
    const v = Float32Array.from([-1, -0.5, 0, 0.2, 0.75]);
    const levels = new Uint8Array(5);
    const err = { sumSq: 0, errSq: 0 };
    const scales = new Float32Array(1);
    quantizeRows(v, 1, 5, { format: 'int3', group: 5 }, levels, err, scales);
    expect(scales[0]).toBe(0.25);
    expect([...levels].map((l) => l - 4)).toEqual([-4, -2, 0, 1, 3]);
  });
});
