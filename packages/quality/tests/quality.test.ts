import { readFileSync } from 'node:fs';
import { fixtureFile, mulberry32 } from '@hardwire/core';
import { MODEL_CATALOG } from '@hardwire/models';
import { FORMATS, QUANT_FORMATS, quantizeRows } from '@hardwire/quant';
import { requantize, rotate, softmaxWeight } from '@hardwire/tiles';
import { describe, expect, it } from 'vitest';
import { calibrate, clipSequences, compileHardwired, dequantize, evaluatePasses, factorShift, FloatLlama, HardwiredLlama, loadLlamaWeights, parseMixed, percentile99, quantizeMatrix, requantizeN, rotateN, sampleSequences, selectiveWeights, softmaxWeightN, textSequences } from '../src/index.ts';
import { tempDir, writeStoriesGguf, writeStoriesSafetensors } from '../../models/tests/fixtures.ts';
import { referenceLogits } from './referenceLlama.ts';

const stories260k = () => loadLlamaWeights(fixtureFile('stories260K.bin'), MODEL_CATALOG['stories-260k'], 512);

describe('the units arithmetic on numbers', () => {
  it('requantize, the softmax weight and the RoPE rotation equal the bigint versions the RTL is proven against', () => {
    const next = mulberry32(5);
    const int = (bits: number) => (next() % 2 ** bits) - 2 ** (bits - 1);
    for (let i = 0; i < 20_000; i++) {
      const v = i % 3 === 0 ? int(31) : int(1 + (next() % 31));
      const f = next() % 65536;
      const s = next() % 64;
      const resid = int(16);
      for (const narrow of [true, false]) {
        const lo = narrow ? -128 : -32768;
        expect(requantizeN(v, f, s, resid, lo, -lo - 1)).toBe(Number(requantize(BigInt(v), f, s, BigInt(resid), narrow)));
      }
      const score = int(32);
      const max = int(32);
      const c = next() % 65536;
      expect(softmaxWeightN(score, max, c)).toBe(softmaxWeight(BigInt(score), BigInt(max), c));
      const out = new Int32Array(2);
      const [x0, x1, cc, ss] = [int(16), int(16), int(16), int(16)];
      rotateN(x0, x1, cc, ss, out);
      expect([out[0], out[1]]).toEqual(rotate(BigInt(x0), BigInt(x1), BigInt(cc), BigInt(ss)).map(Number));
    }
  });

  it('a row factor f / 2^s is within half a unit of f of the real multiplier', () => {
    const next = mulberry32(9);
    for (let i = 0; i < 5000; i++) {
      const r = 10 ** ((next() / 2 ** 32) * 10 - 7);
      const { f, s } = factorShift(r);
      expect(f).toBeLessThan(65536);
      expect(f).toBeGreaterThanOrEqual(32768);
      expect(Math.abs(f / 2 ** s - r) / r).toBeLessThanOrEqual(0.5 / 32768);
    }
  });
});

describe('weights as the chip holds them', () => {
  it('integer coefficients x row unit equal the quantizer\'s dequantized weights, every format, real weights', () => {
    const w = stories260k();
    const m = w.layers[1].gate;
    const rows = 172;
    const cols = 64;
    for (const format of QUANT_FORMATS) {
      const info = FORMATS[format];
      const group = info.fixedGroup ?? cols;
      let tensorAbsMax = 0;
      for (const v of m) tensorAbsMax = Math.max(tensorAbsMax, Math.abs(v));
      const levels = new Uint8Array(rows * cols);
      const scales = new Float32Array(rows * Math.ceil(cols / group));
      quantizeRows(m, rows, cols, { format, group, tensorAbsMax }, levels, { sumSq: 0, errSq: 0 }, scales);
      const chip = dequantize(quantizeMatrix(m, rows, cols, format));
      for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) {
        const want = info.levelValues[levels[r * cols + j]] * info.valueUnit * scales[r * Math.ceil(cols / group) + Math.floor(j / group)];
        expect(Math.abs(chip[r * cols + j] - want), `${format} [${r}, ${j}]`).toBeLessThanOrEqual(Math.abs(want) * 1e-6 + 1e-12);
      }
    }
  });

  it('one matrix quantized at a time leaves the others float, and the gain is applied once', () => {
    const w = stories260k();
    const only = selectiveWeights(w, 'int3', (l, m) => l === 2 && m === 'q');
    expect(only.layers[1].q).toBe(w.layers[1].q);
    expect(only.layers[2].k).toBe(w.layers[2].k);
    expect(only.head).toBe(w.head);
    // q_proj with the gain folded then divided out: close to the float matrix, not equal.
    const q = only.layers[2].q;
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < q.length; i++) {
      diff += (q[i] - w.layers[2].q[i]) ** 2;
      norm += w.layers[2].q[i] ** 2;
    }
    expect(Math.sqrt(diff / norm)).toBeGreaterThan(0.05);
    expect(Math.sqrt(diff / norm)).toBeLessThan(0.6);
  });
});

describe('the float pass', () => {
  it('matches an independent implementation (raw llama2.c bytes, interleaved RoPE, no KV cache, float64) on stories260K', () => {
    const bytes = readFileSync(fixtureFile('stories260K.bin'));
    const tokens = [1, 403, 407, 261, 378, 283, 259, 1033 % 512, 416, 400, 261, 378, 266, 427, 388, 340, 345, 298];
    const want = referenceLogits(bytes, tokens);
    const model = new FloatLlama(stories260k());
    tokens.forEach((t, p) => {
      const got = model.step(t, p);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[p][i]));
      expect(worst, `position ${p}`).toBeLessThan(2e-4);
    });
  });
});

describe('the hardwired pass', () => {
  it('with int8 weights the integer pipeline follows float; int3 loses more than int4; results do not depend on call order', () => {
    const w = stories260k();
    const cal = calibrate(w, sampleSequences(new FloatLlama(w), 2, 128, 2), 0.9999);
    const seqs = sampleSequences(new FloatLlama(w), 2, 96, 1);
    const r = evaluatePasses(new FloatLlama(w), [new HardwiredLlama(compileHardwired(w, cal, { format: 'int8' })), new HardwiredLlama(compileHardwired(w, cal, { format: 'int4' })), new HardwiredLlama(compileHardwired(w, cal, { format: 'int3' }))], seqs);
    const [int8, int4, int3] = r.passes;
    // stories260K is a tiny (and possibly not the published) model: the bounds here are loose; stories15m.test.ts holds the real ones.
    expect(int8.top1Agree).toBeGreaterThan(0.5);
    expect(int8.klMean).toBeLessThan(int4.klMean);
    expect(int4.klMean).toBeLessThan(int3.klMean);
    expect(int8.ppl / r.pplFloat).toBeLessThan(1.5);
    const again = evaluatePasses(new FloatLlama(w), [new HardwiredLlama(compileHardwired(w, cal, { format: 'int3' }))], seqs);
    expect(again.passes[0]).toEqual(int3);
  });

  it('KL is zero and agreement total when a pass is the reference itself; the 99th percentile is a nearest rank', () => {
    const w = stories260k();
    const seqs = sampleSequences(new FloatLlama(w), 1, 40, 4);
    const r = evaluatePasses(new FloatLlama(w), [new FloatLlama(w)], seqs);
    expect(r.passes[0].klMean).toBeLessThan(1e-9);
    expect(r.passes[0].top1Agree).toBe(1);
    expect(r.passes[0].ppl).toBeCloseTo(r.pplFloat, 9);
    expect(percentile99(Array.from({ length: 200 }, (_, i) => i))).toBe(197);
  });
});

describe('texts and options', () => {
  it('stories split at blank lines, each with BOS, clipped to the context and the prediction budget', () => {
    const enc = (s: string) => [1, ...Array.from(s, (ch) => ch.charCodeAt(0))];
    const seqs = textSequences('ab\ncd\n\n\nefgh\n\n  \n' + 'x'.repeat(50), enc, 8, 12);
    expect(seqs[0]).toEqual([1, 97, 98, 32, 99, 100]);
    expect(seqs[1]).toEqual([1, 101, 102, 103, 104]);
    expect(seqs[2]).toEqual([1, 120, 120, 120]);
    expect(seqs.reduce((s, q) => s + q.length - 1, 0)).toBe(12);
    expect(clipSequences([[1, 2, 3], [1, 4, 5, 6]], 4)).toEqual([[1, 2, 3], [1, 4, 5]]);
  });

  it('--mixed items name a selector and a format, or say what is wrong', () => {
    expect(parseMixed(['*.down=int4', '0.*=int4', 'head=fp4-nv'], 6)).toEqual(new Map([['*.down', 'int4'], ['0.*', 'int4'], ['head', 'fp4-nv']]));
    expect(parseMixed(['7.q=int4'], 6)).toEqual({ error: '"7.q": the model has layers 0..5' });
    expect(parseMixed(['*.qq=int4'], 6)).toMatchObject({ error: expect.stringContaining('expected <layer|*>') });
    expect(parseMixed(['*.q=int5'], 6)).toMatchObject({ error: expect.stringContaining('"int5": expected one of int3') });
    expect(parseMixed(['*.q'], 6)).toMatchObject({ error: expect.stringContaining('not SELECTOR=FORMAT') });
  });

  it('a mixed configuration changes exactly the named matrices', () => {
    const w = stories260k();
    const cal = calibrate(w, [[1, 300, 301, 302]]);
    const base = compileHardwired(w, cal, { format: 'int3' });
    const mixed = compileHardwired(w, cal, { format: 'int3', overrides: new Map([['*.down', 'int4'], ['1.q', 'int4']]) });
    for (let l = 0; l < 5; l++) {
      expect(Array.from(mixed.layers[l].m.k.coef)).toEqual(Array.from(base.layers[l].m.k.coef));
      const downMax = Math.max(...Array.from(mixed.layers[l].m.down.coef, Math.abs));
      expect(downMax).toBeGreaterThan(4);
      expect(Math.max(...Array.from(base.layers[l].m.down.coef, Math.abs))).toBeLessThanOrEqual(4);
    }
    expect(Array.from(mixed.layers[1].m.q.coef)).not.toEqual(Array.from(base.layers[1].m.q.coef));
    expect(Array.from(mixed.layers[2].m.q.coef)).toEqual(Array.from(base.layers[2].m.q.coef));
  });
});

describe('real checkpoints through the model readers', () => {
  it('a safetensors file and a GGUF file (Meta q/k order) of the same weights give the float and hardwired passes the same logits as the llama2.c checkpoint', () => {
    const dir = tempDir('hw-quality-readers-');
    const base = stories260k();
    const tokens = [1, 403, 407, 261, 378, 283, 259];
    const cal = calibrate(base, [tokens]);
    const run = (w: ReturnType<typeof stories260k>) => {
      const f = new FloatLlama(w);
      const h = new HardwiredLlama(compileHardwired(w, cal, { format: 'int4' }));
      return tokens.map((t, p) => [Array.from(f.step(t, p)), Array.from(h.step(t, p))]);
    };
    const want = run(base);
    for (const path of [writeStoriesSafetensors(dir, 'F32'), writeStoriesGguf(dir, 'F32')]) {
      expect(run(loadLlamaWeights(path, MODEL_CATALOG['stories-260k'], 512)), path).toEqual(want);
    }
  });
});
