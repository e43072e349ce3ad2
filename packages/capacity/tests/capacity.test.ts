import { MODEL_CATALOG, buildInventory } from '@hardwire/models';
import { describe, expect, it } from 'vitest';
import { CONSTANTS, NODE_CONSTANTS, atLeast, constantRows, estimateModel, fitTileModel, leastSquares, leaveOneOut, llamaShapeAt, murphyYield, negBinomialYield, poissonYield, predict, type ModelShape, type TileSample } from '../src/index.ts';

const shape = (id: string): ModelShape => {
  const m = MODEL_CATALOG[id];
  const inv = buildInventory(m);
  return { id, params: inv.params, hiddenSize: m.hiddenSize, layers: m.layers, heads: m.heads, kvHeads: m.kvHeads, headDim: m.headDim, tensors: inv.tensors };
};

describe('tile cost model', () => {
  it('least squares recovers exact coefficients, and leave-one-out is zero on exact data', () => {
    const beta = [1000, 52, 28, 28, 9];
    const samples: TileSample[] = [
      [4, 8, 20], [4, 16, 35], [8, 8, 30], [8, 16, 55], [16, 16, 100], [16, 32, 180], [32, 32, 330],
    ].map(([rows, cols, instances]) => {
      const outputBits = 12 + Math.log2(cols);
      const t = beta[0] + beta[1] * instances + beta[2] * rows * outputBits + beta[3] * cols * 8 + beta[4] * ((rows * cols) / 4);
      return { id: `${rows}x${cols}`, arch: 'da', rows, cols, inputBits: 8, outputBits, instances, cells: t / 20, transistors: t, areaUm2: t * 0.9 };
    });
    const fit = fitTileModel(samples);
    fit.transistorCoefficients.forEach((b, i) => expect(b).toBeCloseTo(beta[i], 4));
    expect(predict(fit, samples[3]).areaUm2).toBeCloseTo(samples[3].areaUm2, 3);
    expect(leaveOneOut(samples).maxAbsPct).toBeLessThan(1e-6);
    expect(predict(fit, samples[5]).cells).toBeCloseTo(samples[5].cells, 3);
    expect(leaveOneOut(samples, 'cells').maxAbsPct).toBeLessThan(1e-6);
    expect(leastSquares([[1, 0], [1, 1], [1, 2]], [1, 3, 5])).toEqual([expect.closeTo(1, 6), expect.closeTo(2, 6)]);
  });
});

describe('yield', () => {
  it('matches the domain figures for one 858 mm² field at D0 = 0.1 /cm²', () => {
    expect(poissonYield(0.1, 8.58)).toBeCloseTo(0.424, 3);
    expect(murphyYield(0.1, 8.58)).toBeGreaterThan(poissonYield(0.1, 8.58));
    expect(negBinomialYield(0.1, 8.58, 2)).toBeGreaterThan(poissonYield(0.1, 8.58));
    expect(negBinomialYield(0.1, 8.58, 1e9)).toBeCloseTo(poissonYield(0.1, 8.58), 6); // α → ∞ is Poisson
  });
  it('at-least-n-of-n+s equals a brute-force sum', () => {
    const brute = (n: number, s: number, y: number) => {
      let p = 0;
      for (let mask = 0; mask < 1 << (n + s); mask++) {
        let good = 0;
        let pr = 1;
        for (let i = 0; i < n + s; i++) {
          const ok = (mask >> i) & 1;
          good += ok;
          pr *= ok ? y : 1 - y;
        }
        if (good >= n) p += pr;
      }
      return p;
    };
    for (const [n, s, y] of [[3, 0, 0.9], [5, 2, 0.8], [6, 3, 0.95], [1, 4, 0.5]]) expect(atLeast(n, s, y)).toBeCloseTo(brute(n, s, y), 7);
  });
});

describe('whole-model estimate', () => {
  const models = { da: { transistorCoefficients: [1000, 50, 28, 28, 5], areaCoefficients: [900, 45, 25, 25, 4], cellCoefficients: [50, 2.5, 1.4, 1.4, 0.25] }, parallel: { transistorCoefficients: [1000, 900, 28, 28, 20], areaCoefficients: [900, 800, 25, 25, 18], cellCoefficients: [50, 45, 1.4, 1.4, 1] } };
  const basis = { rows: 16, cols: 32, k: 4, inputBits: 8, outputBits: 14, instancesPerBlock: 0.85, sky130Um2PerTransistor: 0.9, sky130ClockMHz: 220 };
  it('rom for llama-3.1-8b at n6: weight bits at the assumed ROM bitcell, KV at the SRAM bitcell, every category present', () => {
    const e = estimateModel(shape('llama-3.1-8b'), { arch: 'rom', node: 'n6', weightBits: 3, context: 8192, batch: 1, models, basis });
    const bits = 8_030_261_248 * 3;
    const romMm2 = (bits * 0.027 * CONSTANTS.romBitcellOverSram.value) / CONSTANTS.romArrayEfficiency.value / 1e6;
    expect(e.areaByCategoryMm2.weights_rom).toBeGreaterThan(romMm2 * 0.99);
    expect(e.areaByCategoryMm2.weights_rom).toBeLessThan(romMm2 * 1.01);
    const kvBits = 2 * 32 * 8 * 128 * 8192 * 16;
    expect(e.areaByCategoryMm2.kv_sram).toBeCloseTo((kvBits * 0.027) / 0.7 / 1e6, 6);
    expect(Object.keys(e.areaByCategoryMm2).sort()).toEqual(['activation_buffers', 'attention_units', 'io', 'kv_sram', 'mac_units', 'norm_units', 'weights_rom']);
    expect(e.reticles).toBe(Math.ceil(e.areaMm2 / (858 * CONSTANTS.fieldUtilization.value)));
  });
  it('each matrix is costed at its own predicted instances; SKY130 logic at the routed utilization when given', () => {
    const base = { arch: 'da' as const, node: 'n5' as const, weightBits: 3, context: 8192, batch: 1, models, basis };
    const s = shape('llama-3.1-8b');
    const plain = estimateModel(s, base);
    expect(plain.tensors.every((t) => t.instancesFrom === 'calibration')).toBe(true);
    const q0 = s.tensors.find((t) => t.role === 'attn.q' && t.layer === 0)!;
    const more = estimateModel(s, { ...base, tensorInstancesPerTile: { [q0.name!]: 0.85 * 128 + 100 } });
    const before = plain.tensors.find((t) => t.name === q0.name)!;
    const after = more.tensors.find((t) => t.name === q0.name)!;
    expect(after.instancesFrom).toBe('statistics');
    // 100 more instances per tile at 50 transistors each (the da coefficient), over every tile of the matrix.
    expect(after.transistors - before.transistors).toBeCloseTo(100 * 50 * (q0.params / (16 * 32)), 0);
    expect(after.cells - before.cells).toBeCloseTo(100 * 2.5 * (q0.params / (16 * 32)), 0);
    expect(more.transistorsByCategory.weights_logic - plain.transistorsByCategory.weights_logic).toBeCloseTo(after.transistors - before.transistors, 0);
    expect(plain.tensors.reduce((a, t) => a + t.areaMm2, 0)).toBeCloseTo(plain.areaByCategoryMm2.weights_logic, 6);
    const sky = estimateModel(s, { ...base, node: 'sky130' });
    const routed = estimateModel(s, { ...base, node: 'sky130', sky130Utilization: CONSTANTS.logicUtilization.value / 2 });
    expect(routed.areaByCategoryMm2.weights_logic / sky.areaByCategoryMm2.weights_logic).toBeCloseTo(2, 9);
    expect(routed.logicUtilization).toBeCloseTo(CONSTANTS.logicUtilization.value / 2, 9);
    expect(estimateModel(s, { ...base, sky130Utilization: 0.1 }).areaMm2).toBe(plain.areaMm2); // only SKY130 is measured
  });
  it('more context, bigger node or a bigger model never shrinks the area; a newer node never grows it', () => {
    const base = { arch: 'da' as const, node: 'n5' as const, weightBits: 3, context: 8192, batch: 1, models, basis };
    const a = estimateModel(shape('llama-3.1-8b'), base).areaMm2;
    expect(estimateModel(shape('llama-3.1-8b'), { ...base, context: 32768 }).areaMm2).toBeGreaterThan(a);
    expect(estimateModel(shape('llama-3.1-70b'), base).areaMm2).toBeGreaterThan(a);
    expect(estimateModel(shape('llama-3.1-8b'), { ...base, node: 'n3' }).areaMm2).toBeLessThan(a);
    expect(estimateModel(shape('llama-3.1-8b'), { ...base, node: 'n7' }).areaMm2).toBeGreaterThan(a);
  });
  it('first-order power: logic transistors x measured energy x clock, over the node divisor; none without a measurement', () => {
    const base = { arch: 'da' as const, weightBits: 3, context: 8192, batch: 1, models };
    expect(estimateModel(shape('llama-3.1-8b'), { ...base, node: 'n5', basis }).powerW).toBeUndefined();
    const measured = { ...basis, sky130EnergyPerTransistorJ: 1e-15 };
    const n5 = estimateModel(shape('llama-3.1-8b'), { ...base, node: 'n5', basis: measured });
    const n7 = estimateModel(shape('llama-3.1-8b'), { ...base, node: 'n7', basis: measured });
    const logic = n5.transistors - n5.transistorsByCategory.kv_sram;
    expect(n5.powerW).toBeCloseTo((logic * 1e-15 * n5.clockMHz * 1e6) / NODE_CONSTANTS.n5.energyDivisorVsSky130.value, 6);
    expect(n5.powerW! / n7.powerW!).toBeCloseTo((n5.clockMHz / n7.clockMHz) * (NODE_CONSTANTS.n7.energyDivisorVsSky130.value / NODE_CONSTANTS.n5.energyDivisorVsSky130.value), 9);
  });

  it('llama-shaped interpolation reproduces the catalog anchors and grows in between', () => {
    const anchors = ['llama-3.2-1b', 'llama-3.2-3b', 'llama-3.1-8b', 'llama-3.1-70b', 'llama-3.1-405b'].map((id) => ({ hidden: MODEL_CATALOG[id].hiddenSize, layers: MODEL_CATALOG[id].layers, inter: MODEL_CATALOG[id].intermediateSize }));
    for (const a of anchors) {
      const s = llamaShapeAt(a.hidden, anchors);
      expect([s.layers, s.intermediateSize]).toEqual([a.layers, Math.round(a.inter / 256) * 256]);
    }
    const mid = llamaShapeAt(6144, anchors);
    expect(mid.layers).toBeGreaterThan(32);
    expect(mid.layers).toBeLessThan(80);
  });
  it('every constant has a source and a kind', () => {
    const rows = constantRows();
    expect(rows.length).toBeGreaterThan(30);
    for (const r of rows) expect(r.source.length, r.name).toBeGreaterThan(10);
    expect(NODE_CONSTANTS.n6.logicMTrPerMm2!.value).toBeCloseTo(107.38, 2);
  });
});

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedFile } from '@hardwire/core';
import { kitAvailable } from '@hardwire/eda';
import { runCli } from '@hardwire/flow';
import { inkPixels } from '@hardwire/render';

const STORIES = sharedFile('models', 'stories260K.bin');
describe.runIf(kitAvailable() && STORIES)('flow:study', () => {
  it('calibrates on real stories260K tiles, writes study.csv with one row per model x node x arch, and the largest model per wafer', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hw-study-'));
    const run = await runCli(['study', '--model', 'stories-260k', '--weights', STORIES!, '--calibration-sizes', '4x8,4x16,8x8,8x16,16x16,16x32', '--production-tile', '8x16', '--nodes', 'sky130,n5', '--archs', 'da,rom', '--out', out, '--no-cache']);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, number>;
    // The calibration error is measured on held-out tiles; the run fails exactly when it is over 10 %.
    expect(m.capacity__calibration__error_pct).toBeTypeOf('number');
    expect(run.code, run.stderr).toBe(m.capacity__calibration__error_pct <= 10 ? 0 : 1);
    expect(m.capacity__calibration__samples).toBe(12);
    expect(m['capacity__sky130__energy_per_transistor_fj__arch:da']).toBeGreaterThan(0);
    expect(m['capacity__sky130__clock_mhz__arch:da']).toBeGreaterThan(1);
    const csv = readFileSync(join(out, 'study', 'study.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('model,node,arch,params,area_mm2,transistors,reticles,wafers,fits_one_wafer,tokens_per_s');
    expect(csv).toHaveLength(1 + 5 * 2 * 2);
    for (const node of ['sky130', 'n5']) for (const arch of ['da', 'rom']) expect(m[`study__largest_params__node:${node}__arch:${arch}`], `${node} ${arch}`).toBeGreaterThan(0);
    // A newer node holds a bigger model; ROM (3 bits per weight) holds more than hardwired logic.
    expect(m['study__largest_params__node:n5__arch:da']).toBeGreaterThan(m['study__largest_params__node:sky130__arch:da']);
    expect(m['study__largest_params__node:n5__arch:rom']).toBeGreaterThan(m['study__largest_params__node:n5__arch:da']);
    const study = JSON.parse(readFileSync(join(out, 'study', 'study.json'), 'utf8')) as { constants: { source: string }[]; largest: unknown[] };
    expect(study.constants.length).toBeGreaterThan(30);
    const few = await runCli(['study', '--model', 'stories-260k', '--calibration-sizes', '4x8,8x8,8x16', '--production-tile', '8x16', '--out', join(out, 'few'), '--no-cache']);
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(/--calibration-sizes: 3 sizes; the held-out fit needs at least 6/);
    expect(await inkPixels(join(out, 'study', 'images', 'study.png'), { left: 0, top: 0, width: 700, height: 50 })).toBeGreaterThan(100);
  }, 10 * 60_000);
});
