import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@hardwire/core';
import { describe, expect, it } from 'vitest';
import { WASM_KERNELS, buildWasm } from '../../../tools/wasm/build.ts';

describe('WebAssembly kernels', () => {
  it('the committed .wasm files are exactly what their AssemblyScript sources compile to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-wasm-'));
    const built = await buildWasm(dir);
    expect(built).toHaveLength(WASM_KERNELS.length);
    WASM_KERNELS.forEach((k, i) => {
      const committed = readFileSync(join(REPO_ROOT, k.wasm));
      expect(Buffer.compare(readFileSync(built[i]), committed), `${k.wasm} is stale: npm run build:wasm`).toBe(0);
    });
  }, 120_000);
});

import { fillSynthetic, quantileTable, tensorStreamKey } from '@hardwire/models';
import { WasmK4Counter, computeTensorStats, linearRule, statsTables, type StatsSpec } from '../src/index.ts';
import { loadQuantKernels } from '../src/io/wasmKernels.ts';

describe('WebAssembly synthetic stream', () => {
  const kernels = loadQuantKernels();
  it('is bit-identical to fillSynthetic for odd and even starts, odd lengths, both tail models and counters past 2^31', () => {
    expect(kernels).toBeDefined();
    const cols = 1000;
    const counter = new WasmK4Counter(kernels!, cols, 7, 8, linearRule('int3')!, 4);
    let tailsSeen = 0;
    for (const tails of [{ kind: 'gaussian' } as const, { kind: 'student-t', dof: 3 } as const]) {
      const table = quantileTable(tails);
      for (const [start, n] of [[0, 7000], [1, 6999], [12_345, 4321], [2 ** 32 - 2000, 3001], [2 ** 31 + 3, 5000], [5, 1], [8, 0]]) {
        const key = tensorStreamKey(7, `t${start}`);
        const want = new Float32Array(n);
        fillSynthetic(want, start, 0.02, key, table);
        counter.values.fill(NaN);
        counter.synthesize(n, start, { std: 0.02, key, table });
        const got = counter.values.subarray(0, n);
        expect(Buffer.compare(Buffer.from(got.buffer, got.byteOffset, got.byteLength), Buffer.from(want.buffer)), `${tails.kind} start ${start} n ${n}`).toBe(0);
        for (const v of want) if (Math.abs(v) > 0.02 * 3.3) tailsSeen++;
      }
    }
    expect(tailsSeen).toBeGreaterThan(0); // the outer-cell pairs (host-filled) were exercised
  });

  it('statistics of a synthetic tensor are the same whether WebAssembly generates it or JavaScript does', () => {
    const spec: StatsSpec = { format: 'int3', group: 'row', k: 4, signFold: false };
    const table = quantileTable({ kind: 'gaussian' });
    const key = tensorStreamKey(3, 'w');
    const rows = 300;
    const cols = 512;
    const read = (r: number, n: number, out: Float32Array) => fillSynthetic(out.subarray(0, n * cols), r * cols, 0.02, key, table);
    const js = computeTensorStats(rows, cols, read, spec, statsTables(spec), { chunkRows: 37 });
    const wasm = computeTensorStats(rows, cols, () => { throw new Error('not called'); }, spec, statsTables(spec), { kernels, synthetic: { std: 0.02, key, table } });
    expect([...wasm.histogram]).toEqual([...js.histogram]);
    expect(wasm.distinctTuples).toBe(js.distinctTuples);
    expect(wasm.sumSq).toBeCloseTo(js.sumSq, 10);
    expect(wasm.errSq).toBeCloseTo(js.errSq, 10);
  });
});
