/**
 * Prove a synthesized block computes its kind (pure): drive vectors through the gate-level netlist and
 * compare with sum c_i x_i. Exhaustive when the input space has at most 2^16 points, else at least
 * `minVectors` random and corner vectors (seeded).
 */
import { mulberry32 } from '@hardwire/core';
import { GateSim, type CompiledNetlist } from '@hardwire/gatesim';
import { type BlockArch, type BlockKind } from './kinds.ts';

export interface VerifyResult {
  vectors: number;
  mismatches: number;
  exhaustive: boolean;
  /** First mismatch, for the log. */
  firstMismatch?: { inputs: number[]; expected: number; got: number };
}

/** Corner vectors for k signed A-bit inputs: all max, all min, zero, alternating signs, one-hot extremes. */
export function cornerVectors(k: number, inputBits: number): number[][] {
  const max = 2 ** (inputBits - 1) - 1;
  const min = -(2 ** (inputBits - 1));
  const out: number[][] = [Array(k).fill(max), Array(k).fill(min), Array(k).fill(0), Array.from({ length: k }, (_, i) => (i % 2 ? min : max)), Array.from({ length: k }, (_, i) => (i % 2 ? max : min)), Array(k).fill(-1), Array(k).fill(1)];
  for (let i = 0; i < k; i++) for (const v of [max, min, 1, -1]) out.push(Array.from({ length: k }, (_, j) => (j === i ? v : 0)));
  return out;
}

export function verifyBlock(netlist: CompiledNetlist, arch: BlockArch, kind: BlockKind, inputBits: number, minVectors: number, seed: number): VerifyResult {
  const k = kind.coefficients.length;
  const bitsIn = arch === 'da' ? k : k * inputBits;
  const exhaustive = bitsIn <= 16;
  const total = exhaustive ? 2 ** bitsIn : Math.max(minVectors, cornerVectors(k, inputBits).length);
  const words = 16;
  const sim = new GateSim(netlist, words);
  const lanes = sim.lanes;
  const rand = mulberry32(seed ^ (kind.rank * 0x9e3779b1));
  const corners = arch === 'parallel' ? cornerVectors(k, inputBits) : [];
  const vector = (index: number): number[] => {
    if (exhaustive) {
      if (arch === 'da') return Array.from({ length: k }, (_, i) => (index >> i) & 1);
      return Array.from({ length: k }, (_, i) => {
        const raw = (index >> (i * inputBits)) & ((1 << inputBits) - 1);
        return raw >= 2 ** (inputBits - 1) ? raw - 2 ** inputBits : raw;
      });
    }
    if (index < corners.length) return corners[index];
    return Array.from({ length: k }, () => {
      const raw = rand() & ((1 << inputBits) - 1);
      return raw >= 2 ** (inputBits - 1) ? raw - 2 ** inputBits : raw;
    });
  };
  const result: VerifyResult = { vectors: 0, mismatches: 0, exhaustive };
  for (let start = 0; start < total; start += lanes) {
    const count = Math.min(lanes, total - start);
    const batch = Array.from({ length: count }, (_, i) => vector(start + i));
    if (arch === 'da') sim.setInput('b', (lane) => (lane < count ? batch[lane].reduce((acc, bit, i) => acc | (bit << i), 0) : 0));
    else for (let i = 0; i < k; i++) sim.setInput(`x${i}`, (lane) => (lane < count ? batch[lane][i] : 0));
    sim.evaluate();
    for (let lane = 0; lane < count; lane++) {
      const inputs = batch[lane];
      const expected = inputs.reduce((acc, x, i) => acc + kind.coefficients[i] * x, 0);
      const got = Number(sim.readOutput('y', lane));
      result.vectors++;
      if (got !== expected) {
        result.mismatches++;
        result.firstMismatch ??= { inputs, expected, got };
      }
    }
  }
  return result;
}
