/**
 * Quality of a pass against the float reference on token sequences (pure): natural-log perplexity of the
 * text, KL(float || pass) of the next-token distributions (mean and 99th percentile over positions) and the
 * share of positions whose argmax agrees. Both passes see the same tokens (teacher forcing); a sequence
 * restarts every pass at position 0 (their caches are only read up to the current position).
 */
import { mulberry32 } from '@hardwire/core';
import { logSoftmax } from './llama.ts';

export interface TokenPass {
  step(token: number, pos: number): ArrayLike<number>;
}

export interface PassQuality {
  readonly tokens: number;
  readonly ppl: number;
  readonly klMean: number;
  readonly klP99: number;
  readonly top1Agree: number;
}

export interface QualityResult {
  readonly tokens: number;
  readonly pplFloat: number;
  readonly passes: PassQuality[];
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** The value below which 99 % of `values` lie (nearest rank). */
export function percentile99(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
}

export function evaluatePasses(reference: TokenPass, passes: readonly TokenPass[], sequences: readonly number[][], onToken?: (done: number) => void): QualityResult {
  let nllFloat = 0;
  let count = 0;
  const nll = passes.map(() => 0);
  const kls: number[][] = passes.map(() => []);
  const agree = passes.map(() => 0);
  let vocab = 0;
  let lf = new Float64Array(0);
  let lp = new Float64Array(0);
  let done = 0;
  for (const seq of sequences) {
    for (let p = 0; p + 1 < seq.length; p++) {
      const ref = reference.step(seq[p], p);
      if (ref.length !== vocab) {
        vocab = ref.length;
        lf = new Float64Array(vocab);
        lp = new Float64Array(vocab);
      }
      logSoftmax(ref, lf);
      const next = seq[p + 1];
      nllFloat -= lf[next];
      const refTop = argmax(ref);
      passes.forEach((pass, i) => {
        const logits = pass.step(seq[p], p);
        logSoftmax(logits, lp);
        nll[i] -= lp[next];
        let kl = 0;
        for (let j = 0; j < vocab; j++) kl += Math.exp(lf[j]) * (lf[j] - lp[j]);
        kls[i].push(Math.max(0, kl));
        if (argmax(logits) === refTop) agree[i]++;
      });
      count++;
      onToken?.(++done);
    }
  }
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
  return {
    tokens: count,
    pplFloat: Math.exp(nllFloat / Math.max(1, count)),
    passes: passes.map((_, i) => ({ tokens: count, ppl: Math.exp(nll[i] / Math.max(1, count)), klMean: mean(kls[i]), klP99: percentile99(kls[i]), top1Agree: count ? agree[i] / count : 0 })),
  };
}

/** Seeded sampling from the float model: `count` sequences of up to `length` tokens from BOS, ending at EOS or BOS. */
export function sampleSequences(model: TokenPass, count: number, length: number, seed: number, temperature = 1): number[][] {
  const next32 = mulberry32(seed);
  const uniform = () => next32() / 4294967296;
  const out: number[][] = [];
  for (let n = 0; n < count; n++) {
    const seq = [1];
    for (let p = 0; seq.length < length; p++) {
      const logits = model.step(seq[p], p);
      let max = -Infinity;
      for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
      let sum = 0;
      const probs = new Float64Array(logits.length);
      for (let i = 0; i < logits.length; i++) sum += probs[i] = Math.exp((logits[i] - max) / temperature);
      let u = uniform() * sum;
      let next = logits.length - 1;
      for (let i = 0; i < logits.length; i++) {
        u -= probs[i];
        if (u <= 0) {
          next = i;
          break;
        }
      }
      if (next === 1 || next === 2) break;
      seq.push(next);
    }
    out.push(seq);
  }
  return out;
}
