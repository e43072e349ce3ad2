import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG, fillSynthetic, modelTensors, normalQuantile, quantileTable, studentTQuantileFn, syntheticStd, tensorStreamKey } from '../src/index.ts';

function moments(v: Float32Array) {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let m2 = 0;
  let m4 = 0;
  for (const x of v) {
    const d = x - m;
    m2 += d * d;
    m4 += d ** 4;
  }
  m2 /= v.length;
  m4 /= v.length;
  let max = 0;
  for (const x of v) max = Math.max(max, Math.abs(x));
  return { mean: m, std: Math.sqrt(m2), excessKurtosis: m4 / (m2 * m2) - 3, max };
}

describe('synthetic weights', () => {
  const key = tensorStreamKey(7, 'model.layers.0.self_attn.q_proj.weight');
  const gaussian = quantileTable({ kind: 'gaussian' });

  it('do not depend on chunk size or where a chunk starts', () => {
    const whole = new Float32Array(10_001);
    fillSynthetic(whole, 5, 1, key, gaussian);
    const pieces = new Float32Array(10_001);
    for (const [start, size] of [[0, 1], [1, 2], [3, 997], [1000, 4001], [5001, 5000]] as const) {
      const part = new Float32Array(size);
      fillSynthetic(part, 5 + start, 1, key, gaussian);
      pieces.set(part, start);
    }
    expect(pieces).toEqual(whole);
  });

  it('differ by seed and by tensor', () => {
    const a = new Float32Array(64);
    const b = new Float32Array(64);
    const c = new Float32Array(64);
    fillSynthetic(a, 0, 1, tensorStreamKey(1, 'x'), gaussian);
    fillSynthetic(b, 0, 1, tensorStreamKey(2, 'x'), gaussian);
    fillSynthetic(c, 0, 1, tensorStreamKey(1, 'y'), gaussian);
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('are Gaussian: mean 0, the asked std, excess kurtosis near 0, real tails', () => {
    const v = new Float32Array(1 << 22);
    fillSynthetic(v, 0, 0.02, key, gaussian);
    const m = moments(v);
    expect(Math.abs(m.mean)).toBeLessThan(0.0002);
    expect(m.std).toBeCloseTo(0.02, 4);
    expect(Math.abs(m.excessKurtosis)).toBeLessThan(0.02);
    expect(m.max / 0.02).toBeGreaterThan(4.2); // beyond the 1/4096 table cells: tails are computed exactly
  });

  it('student-t tails give the excess kurtosis 6/(dof-4) at unit variance', () => {
    const t = studentTQuantileFn(10);
    expect(t(0.5)).toBeCloseTo(0, 9);
    // Quantile of t(10) at 0.975 is 2.228; at unit variance it is scaled by sqrt(8/10).
    expect(t(0.975)).toBeCloseTo(2.2281 * Math.sqrt(0.8), 3);
    const v = new Float32Array(1 << 22);
    fillSynthetic(v, 0, 1, key, quantileTable({ kind: 'student-t', dof: 10 }));
    const m = moments(v);
    expect(m.std).toBeCloseTo(1, 2);
    expect(m.excessKurtosis).toBeGreaterThan(0.7);
    expect(m.excessKurtosis).toBeLessThan(1.3); // theory: 1.0
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
  });

  it('scale by role: gain / sqrt(fan-in), embeddings 0.02', () => {
    const tensors = modelTensors(MODEL_CATALOG['llama-3.1-8b']);
    expect(syntheticStd(tensors.find((t) => t.role === 'attn.q')!)).toBeCloseTo(1 / 64, 9);
    expect(syntheticStd(tensors.find((t) => t.role === 'mlp.down')!)).toBeCloseTo(0.8 / Math.sqrt(14336), 9);
    expect(syntheticStd(tensors[0])).toBe(0.02);
  });
});
