/**
 * Zero-delay, bit-parallel simulation of a compiled netlist (pure): 32 vectors per 32-bit word, `words`
 * words per net, one levelized sweep per evaluation, flops loaded on `clock()`.
 */
import { OP_AND, OP_COPY, OP_NOT, OP_OR, OP_XOR, type CompiledNetlist } from './compileNetlist.ts';

export class GateSim {
  /** Net values: net n, word w at values[n * words + w]. */
  readonly values: Int32Array;
  /** Gate evaluations so far (ops x words x 32 lanes / 32 = word-ops). */
  wordOps = 0;

  constructor(readonly netlist: CompiledNetlist, readonly words: number) {
    this.values = new Int32Array(netlist.netCount * words);
    this.values.fill(-1, words, 2 * words); // net 1 is constant 1
  }

  /** Vectors simulated at once. */
  get lanes(): number {
    return this.words * 32;
  }

  /** Evaluate every gate once, in level order. */
  evaluate(): void {
    const { ops } = this.netlist;
    const v = this.values;
    const W = this.words;
    for (let p = 0; p < ops.length; p += 4) {
      const out = ops[p + 1] * W;
      const a = ops[p + 2] * W;
      const b = ops[p + 3] * W;
      switch (ops[p]) {
        case OP_AND:
          for (let w = 0; w < W; w++) v[out + w] = v[a + w] & v[b + w];
          break;
        case OP_OR:
          for (let w = 0; w < W; w++) v[out + w] = v[a + w] | v[b + w];
          break;
        case OP_XOR:
          for (let w = 0; w < W; w++) v[out + w] = v[a + w] ^ v[b + w];
          break;
        case OP_NOT:
          for (let w = 0; w < W; w++) v[out + w] = ~v[a + w];
          break;
        case OP_COPY:
          for (let w = 0; w < W; w++) v[out + w] = v[a + w];
          break;
      }
    }
    this.wordOps += (ops.length / 4) * W;
  }

  /** A rising clock edge: every flop loads its next value; then the logic settles. */
  clock(): void {
    const W = this.words;
    const v = this.values;
    for (const f of this.netlist.flops) v.copyWithin(f.stateNet * W, f.nextNet * W, f.nextNet * W + W);
    this.evaluate();
  }

  /** Set input port `name` for every lane: `value(lane)` gives the lane's integer (two's complement bits, LSB first). */
  setInput(name: string, value: (lane: number) => bigint | number): void {
    const port = this.netlist.inputs.get(name);
    if (!port) throw new Error(`no input port ${name}; inputs: ${[...this.netlist.inputs.keys()].join(', ')}`);
    const W = this.words;
    const v = this.values;
    for (let b = 0; b < port.nets.length; b++) v.fill(0, port.nets[b] * W, port.nets[b] * W + W);
    for (let lane = 0; lane < this.lanes; lane++) {
      const raw = value(lane);
      const x = typeof raw === 'bigint' ? raw : BigInt(raw);
      const w = lane >>> 5;
      const bit = 1 << (lane & 31);
      for (let b = 0; b < port.nets.length; b++) if ((x >> BigInt(b)) & 1n) v[port.nets[b] * W + w] |= bit;
    }
  }

  /** Set one input bit for all lanes from packed words (bit `lane` of the words). */
  setInputBitWords(name: string, bit: number, words: Int32Array): void {
    const port = this.netlist.inputs.get(name)!;
    this.values.set(words.subarray(0, this.words), port.nets[bit] * this.words);
  }

  /** Output port `name` of one lane as a signed (or unsigned) integer. */
  readOutput(name: string, lane: number, signed = true): bigint {
    const port = this.netlist.outputs.get(name);
    if (!port) throw new Error(`no output port ${name}; outputs: ${[...this.netlist.outputs.keys()].join(', ')}`);
    const W = this.words;
    const w = lane >>> 5;
    const bit = lane & 31;
    let x = 0n;
    for (let b = 0; b < port.nets.length; b++) if ((this.values[port.nets[b] * W + w] >>> bit) & 1) x |= 1n << BigInt(b);
    if (signed && port.nets.length > 0 && (x >> BigInt(port.nets.length - 1)) & 1n) x -= 1n << BigInt(port.nets.length);
    return x;
  }

  /** Output port bit as packed words (one bit per lane). */
  outputBitWords(name: string, bit: number): Int32Array {
    const port = this.netlist.outputs.get(name)!;
    return this.values.subarray(port.nets[bit] * this.words, port.nets[bit] * this.words + this.words);
  }
}
