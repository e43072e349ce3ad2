/**
 * The gate-level check of a synthesized unit (pure): every lane of the bit-parallel simulator streams its own
 * input vectors back to back under the stream protocol; every y seen with out_valid is unpacked and compared
 * with the unit's golden model. Measures the unit's cycles per vector and latency as the tiles' check does.
 */
import { ActivityCounter, GateSim, type CompiledNetlist } from '@hardwire/gatesim';
import { driveStream, resetStream } from '../checkTile.ts';
import { fieldBits, packFields, unpackFields, type UnitSpec, type UnitValues } from './units.ts';

export interface UnitCheckResult {
  vectors: number;
  mismatches: number;
  cyclesPerVector: number;
  latencyCycles: number;
  firstMismatch?: { vector: number; expected: string; got: string };
  /** The packed y of the first `keepOutputs` vectors (for the Icarus cross-check). */
  outputs: bigint[];
  /** Toggles and time high per net over the run (when asked for). */
  activity?: ActivityCounter;
}

const show = (v: UnitValues) => Object.entries(v).map(([k, xs]) => `${k}=${xs.join('/')}`).join(' ');

export function checkUnit(netlist: CompiledNetlist, spec: UnitSpec, vectors: readonly UnitValues[], words = 8, keepOutputs = Infinity, withActivity = false): UnitCheckResult {
  const sim = new GateSim(netlist, words);
  const activity = withActivity ? new ActivityCounter(sim) : undefined;
  const lanes = sim.lanes;
  const X = fieldBits(spec.inputs);
  const Y = fieldBits(spec.outputs);
  const packed = vectors.map((v) => packFields(spec.inputs, v));
  resetStream(sim);
  const result: UnitCheckResult = { vectors: 0, mismatches: 0, cyclesPerVector: 0, latencyCycles: 0, outputs: [] };
  const batches = Math.ceil(vectors.length / lanes);
  const bitWords = new Int32Array(words);
  const present = (batch: number) => {
    for (let bit = 0; bit < X; bit++) {
      bitWords.fill(0);
      for (let lane = 0; lane < lanes; lane++) {
        const v = packed[batch * lanes + lane] ?? packed[batch * lanes];
        if ((v >> BigInt(bit)) & 1n) bitWords[lane >>> 5] |= 1 << (lane & 31);
      }
      sim.setInputBitWords('x', bit, bitWords);
    }
  };
  const compare = (batch: number) => {
    const first = batch * lanes;
    const count = Math.min(lanes, vectors.length - first);
    const got = new Array<bigint>(count).fill(0n);
    for (let b = 0; b < Y; b++) {
      const w = sim.outputBitWords('y', b);
      for (let lane = 0; lane < count; lane++) if ((w[lane >>> 5] >>> (lane & 31)) & 1) got[lane] |= 1n << BigInt(b);
    }
    for (let lane = 0; lane < count; lane++) {
      const want = packFields(spec.outputs, spec.golden(vectors[first + lane]));
      if (got[lane] !== want) {
        result.mismatches++;
        result.firstMismatch ??= { vector: first + lane, expected: show(unpackFields(spec.outputs, want)), got: show(unpackFields(spec.outputs, got[lane])) };
      }
      if (first + lane < keepOutputs) result.outputs.push(got[lane]);
      result.vectors++;
    }
  };
  const timing = driveStream(sim, batches, present, compare, 64, `unit ${spec.id}`, activity);
  result.activity = activity;
  result.latencyCycles = timing.latencyCycles;
  result.cyclesPerVector = timing.cyclesPerVector;
  return result;
}

/** Hex lines of packed input vectors for the Icarus testbench. */
export function unitVectorsHex(spec: UnitSpec, vectors: readonly UnitValues[]): string {
  const digits = Math.ceil(fieldBits(spec.inputs) / 4);
  return vectors.map((v) => packFields(spec.inputs, v).toString(16).padStart(digits, '0')).join('\n') + '\n';
}

/** Packed y words from Icarus's outputs.hex (null for lines with x or z). */
export function parseUnitOutputsHex(text: string): Array<bigint | null> {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => (/[xXzZ]/.test(l) ? null : BigInt('0x' + l)));
}
