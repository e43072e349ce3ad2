/**
 * Stimulus and the gate-level check of a synthesized tile (pure). All lanes of the bit-parallel simulator
 * run the stream protocol in lockstep, each with its own input vector; every output is compared with the
 * golden model.
 */
import { mulberry32 } from '@hardwire/core';
import { GateSim, type CompiledNetlist } from '@hardwire/gatesim';
import { goldenOutputs } from './planTile.ts';

/** `count` input vectors of `cols` signed A-bit values: corners first (all max, all min, zero, alternating signs), then seeded random. */
export function tileVectors(cols: number, inputBits: number, count: number, seed: number): Int32Array[] {
  const max = 2 ** (inputBits - 1) - 1;
  const min = -(2 ** (inputBits - 1));
  const corners = [
    Array(cols).fill(max),
    Array(cols).fill(min),
    Array(cols).fill(0),
    Array.from({ length: cols }, (_, i) => (i % 2 ? min : max)),
    Array.from({ length: cols }, (_, i) => (i % 2 ? max : min)),
    Array(cols).fill(-1),
  ];
  const next = mulberry32(seed);
  const out: Int32Array[] = [];
  for (let v = 0; v < count; v++) {
    if (v < corners.length) out.push(Int32Array.from(corners[v]));
    else out.push(Int32Array.from({ length: cols }, () => min + (next() % (max - min + 1))));
  }
  return out;
}

export interface TileCheckResult {
  vectors: number;
  mismatches: number;
  cycles: number;
  /** Gate evaluations (ops x lanes). */
  gateEvaluations: number;
  firstMismatch?: { vector: number; row: number; expected: string; got: string };
  /** y per vector and row (for cross-checks). */
  outputs: bigint[][];
}

/** Simulate `vectors` through the tile netlist and compare with W x. */
export function checkTile(netlist: CompiledNetlist, codes: ArrayLike<number>, rows: number, cols: number, inputBits: number, outputBits: number, vectors: readonly Int32Array[], words = 16, maxCyclesPerVector = 64): TileCheckResult {
  const sim = new GateSim(netlist, words);
  const lanes = sim.lanes;
  const set = (name: string, value: number) => sim.setInput(name, () => value);
  set('rst', 1);
  set('in_valid', 0);
  set('x', 0);
  sim.evaluate();
  sim.clock();
  sim.clock();
  set('rst', 0);
  sim.evaluate();
  const result: TileCheckResult = { vectors: 0, mismatches: 0, cycles: 2, gateEvaluations: 0, outputs: [] };
  const xBits = cols * inputBits;
  const packed = new Int32Array(words);
  for (let start = 0; start < vectors.length; start += lanes) {
    const batch = vectors.slice(start, start + lanes);
    for (let bit = 0; bit < xBits; bit++) {
      packed.fill(0);
      const c = Math.floor(bit / inputBits);
      const b = bit % inputBits;
      for (let lane = 0; lane < batch.length; lane++) if ((batch[lane][c] >> b) & 1) packed[lane >>> 5] |= 1 << (lane & 31);
      sim.setInputBitWords('x', bit, packed);
    }
    let waited = 0;
    while (sim.readOutput('in_ready', 0, false) !== 1n) {
      if (++waited > maxCyclesPerVector) throw new Error('tile never raises in_ready');
      sim.clock();
      result.cycles++;
    }
    set('in_valid', 1);
    sim.evaluate();
    sim.clock();
    result.cycles++;
    set('in_valid', 0);
    sim.evaluate();
    waited = 0;
    while (sim.readOutput('out_valid', 0, false) !== 1n) {
      if (++waited > maxCyclesPerVector) throw new Error('tile never raises out_valid');
      sim.clock();
      result.cycles++;
    }
    for (let lane = 0; lane < batch.length; lane++) {
      const bus = sim.readOutput('y', lane, false);
      const want = goldenOutputs(codes, rows, cols, batch[lane]);
      const got: bigint[] = [];
      for (let r = 0; r < rows; r++) {
        let v = (bus >> BigInt(r * outputBits)) & ((1n << BigInt(outputBits)) - 1n);
        if (v >> BigInt(outputBits - 1)) v -= 1n << BigInt(outputBits);
        got.push(v);
        if (v !== want[r]) {
          result.mismatches++;
          result.firstMismatch ??= { vector: start + lane, row: r, expected: String(want[r]), got: String(v) };
        }
      }
      result.outputs.push(got);
      result.vectors++;
    }
  }
  result.gateEvaluations = sim.wordOps * 32;
  return result;
}
