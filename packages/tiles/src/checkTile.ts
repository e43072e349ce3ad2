/**
 * Stimulus and the gate-level check of a synthesized tile (pure). All lanes of the bit-parallel simulator
 * run the stream protocol in lockstep, each with its own sequence of input vectors offered back to back
 * (a vector is presented with in_valid until in_ready takes it); every y seen with out_valid is compared
 * with the golden model. The cycles between results are the tile's measured cycles per vector.
 */
import { mulberry32 } from '@hardwire/core';
import { ActivityCounter, GateSim, type CompiledNetlist } from '@hardwire/gatesim';

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
  /** Cycles between consecutive results in steady streaming (the tile's throughput), and from acceptance to result. */
  cyclesPerVector: number;
  latencyCycles: number;
  /** Gate evaluations (ops x lanes). */
  gateEvaluations: number;
  firstMismatch?: { vector: number; row: number; expected: string; got: string };
  /** y per vector and row, for the first `keepOutputs` vectors (for cross-checks). */
  outputs: bigint[][];
  /** Toggles and time high per net (when asked for). */
  activity?: ActivityCounter;
}

/** y = W x for one vector, as numbers (exact while |y| < 2^53). */
function golden(rowsNonZero: ReadonlyArray<{ cols: Int32Array; codes: Int32Array }>, x: Int32Array): number[] {
  return rowsNonZero.map(({ cols, codes }) => {
    let s = 0;
    for (let i = 0; i < cols.length; i++) s += codes[i] * x[cols[i]];
    return s;
  });
}

/** Simulate `vectors` through the tile netlist and compare with W x. */
export function checkTile(netlist: CompiledNetlist, codes: ArrayLike<number>, rows: number, cols: number, inputBits: number, outputBits: number, vectors: readonly Int32Array[], words = 16, maxCyclesPerVector = 256, keepOutputs = Infinity, withActivity = false): TileCheckResult {
  const sim = new GateSim(netlist, words);
  const counter = withActivity ? new ActivityCounter(sim) : undefined;
  const lanes = sim.lanes;
  const sparse = Array.from({ length: rows }, (_, r) => {
    const idx: number[] = [];
    for (let c = 0; c < cols; c++) if (codes[r * cols + c] !== 0) idx.push(c);
    return { cols: Int32Array.from(idx), codes: Int32Array.from(idx.map((c) => codes[r * cols + c])) };
  });
  resetStream(sim);
  const result: TileCheckResult = { vectors: 0, mismatches: 0, cycles: 2, cyclesPerVector: 0, latencyCycles: 0, gateEvaluations: 0, outputs: [] };
  const batches = Math.ceil(vectors.length / lanes);
  const xBits = cols * inputBits;
  const packed = new Int32Array(words);
  const yPort = netlist.outputs.get('y');
  if (!yPort) throw new Error('tile netlist has no output y');
  const present = (batch: number) => {
    const first = batch * lanes;
    for (let bit = 0; bit < xBits; bit++) {
      packed.fill(0);
      const c = Math.floor(bit / inputBits);
      const b = bit % inputBits;
      for (let lane = 0; lane < lanes; lane++) {
        const v = vectors[first + lane] ?? vectors[first];
        if ((v[c] >> b) & 1) packed[lane >>> 5] |= 1 << (lane & 31);
      }
      sim.setInputBitWords('x', bit, packed);
    }
  };
  const compare = (batch: number) => {
    const first = batch * lanes;
    const count = Math.min(lanes, vectors.length - first);
    const got = Array.from({ length: count }, () => new Array<number | bigint>(rows).fill(0));
    const wide = outputBits > 31;
    for (let r = 0; r < rows; r++) {
      for (let b = 0; b < outputBits; b++) {
        const w = sim.outputBitWords('y', r * outputBits + b);
        for (let lane = 0; lane < count; lane++) {
          if (((w[lane >>> 5] >>> (lane & 31)) & 1) === 0) continue;
          if (wide) got[lane][r] = (got[lane][r] as bigint) + (1n << BigInt(b));
          else got[lane][r] = (got[lane][r] as number) + 2 ** b;
        }
      }
    }
    for (let lane = 0; lane < count; lane++) {
      const want = golden(sparse, vectors[first + lane]);
      const row: bigint[] = [];
      for (let r = 0; r < rows; r++) {
        let v = BigInt(got[lane][r]);
        if (v >> BigInt(outputBits - 1)) v -= 1n << BigInt(outputBits);
        row.push(v);
        if (v !== BigInt(want[r])) {
          result.mismatches++;
          result.firstMismatch ??= { vector: first + lane, row: r, expected: String(want[r]), got: String(v) };
        }
      }
      if (first + lane < keepOutputs) result.outputs.push(row);
      result.vectors++;
    }
  };
  const timing = driveStream(sim, batches, present, compare, maxCyclesPerVector, 'tile', counter);
  result.activity = counter;
  result.cycles += timing.cycles;
  result.latencyCycles = timing.latencyCycles;
  result.cyclesPerVector = timing.cyclesPerVector;
  result.gateEvaluations = sim.wordOps * 32;
  return result;
}

/** Two clock cycles in reset with nothing offered, then reset released (tiles and units). */
export function resetStream(sim: GateSim): void {
  sim.setInput('rst', () => 1);
  sim.setInput('in_valid', () => 0);
  sim.setInput('x', () => 0);
  sim.evaluate();
  sim.clock();
  sim.clock();
  sim.setInput('rst', () => 0);
  sim.evaluate();
}

/**
 * The stream protocol, shared by tiles and units: offer batch after batch with in_valid (each held until
 * in_ready takes it), hand every result seen with out_valid to `compare`, until every batch came back.
 * Returns the cycles run, the latency from the first acceptance to the first result, and the cycles between
 * consecutive results (the throughput).
 */
export function driveStream(sim: GateSim, batches: number, present: (batch: number) => void, compare: (batch: number) => void, maxIdleCycles: number, what: string, activity?: ActivityCounter): { cycles: number; latencyCycles: number; cyclesPerVector: number } {
  let offered = 0;
  let presented = -1;
  let received = 0;
  let firstAccept = -1;
  let cycles = 0;
  const resultCycles: number[] = [];
  let idle = 0;
  while (received < batches) {
    if (offered < batches) {
      if (presented !== offered) present((presented = offered));
      sim.setInput('in_valid', () => 1);
    } else sim.setInput('in_valid', () => 0);
    sim.evaluate();
    const accepted = offered < batches && sim.readOutput('in_ready', 0, false) === 1n;
    if (sim.readOutput('out_valid', 0, false) === 1n) {
      compare(received++);
      resultCycles.push(cycles);
      idle = 0;
    } else if (++idle > maxIdleCycles) throw new Error(`${what} gave no result for ${maxIdleCycles} cycles`);
    sim.clock();
    activity?.sample();
    if (accepted) {
      if (firstAccept < 0) firstAccept = cycles;
      offered++;
    }
    cycles++;
  }
  const latencyCycles = resultCycles[0] - firstAccept;
  return { cycles, latencyCycles, cyclesPerVector: resultCycles.length > 1 ? (resultCycles[resultCycles.length - 1] - resultCycles[0]) / (resultCycles.length - 1) : latencyCycles };
}
