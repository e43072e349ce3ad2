/**
 * Rearrangeable permutation networks (pure): Beneš for N = 2^n and Waksman for any N, built recursively,
 * with switch settings found by the looping algorithm in O(N log N).
 *
 * A network is a flat list of 2x2 switches over numbered wires. Wires 0..N-1 are the inputs; every switch
 * reads two wires and drives two new ones (straight: a->lo, b->hi; crossed: a->hi, b->lo); `outputs[j]`
 * names the wire that carries output j. Switches are listed in dependency order, each with its stage.
 *
 * Recursive construction for N > 2 (top subnetwork ⌊N/2⌋ ports, bottom ⌈N/2⌉):
 * - input switch i (i < ⌊N/2⌋) takes inputs 2i, 2i+1 and sends one to top port i, one to bottom port i;
 *   for odd N, input N-1 goes straight to bottom port ⌊N/2⌋;
 * - output switch j takes top port j and bottom port j and drives outputs 2j, 2j+1; for odd N, output N-1
 *   comes straight from bottom port ⌊N/2⌋. Waksman: for even N, the last output switch is left out
 *   (top -> output N-2, bottom -> output N-1), saving one switch per level: W(N) = W(⌊N/2⌋)+W(⌈N/2⌉)+N-1.
 */

/**
 * Switches as parallel typed arrays (switch k): wires read `a[k]` (upper) and `b[k]`, wires driven
 * `lo[k]` (upper) and `hi[k]`, its `stage` (column, 0-based) and `row` (drawing row of its upper port).
 */
export interface NetworkSwitches {
  readonly count: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly stage: Int32Array;
  readonly row: Int32Array;
}

export interface Network {
  readonly n: number;
  readonly kind: 'benes' | 'waksman';
  readonly switches: NetworkSwitches;
  /** outputs[j] = wire carrying output j. */
  readonly outputs: Int32Array;
  readonly wireCount: number;
  readonly stages: number;
}

/** Switch count of a Waksman network: W(1) = 0, W(2) = 1, W(N) = W(⌊N/2⌋) + W(⌈N/2⌉) + N - 1. */
export function waksmanSwitchCount(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return waksmanSwitchCount(Math.floor(n / 2)) + waksmanSwitchCount(Math.ceil(n / 2)) + n - 1;
}

/** Switch count of a Beneš network (N = 2^n): N log2 N - N/2. */
export function benesSwitchCount(n: number): number {
  return n <= 1 ? 0 : n * Math.log2(n) - n / 2;
}

/** ceil(log2 N!) — the information lower bound on switches. */
export function switchLowerBound(n: number): number {
  let bits = 0;
  for (let i = 2; i <= n; i++) bits += Math.log2(i);
  return Math.ceil(bits - 1e-9);
}

/** Build the network for N inputs. Beneš needs N a power of two. */
export function buildNetwork(n: number, kind: 'benes' | 'waksman'): Network {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`network size ${n}`);
  if (kind === 'benes' && (n & (n - 1)) !== 0) throw new RangeError(`a Beneš network needs N a power of two, got ${n}`);
  const count = kind === 'waksman' ? waksmanSwitchCount(n) : benesSwitchCount(n);
  const switches: NetworkSwitches = { count, a: new Int32Array(count), b: new Int32Array(count), lo: new Int32Array(count), hi: new Int32Array(count), stage: new Int32Array(count), row: new Int32Array(count) };
  let k = 0;
  const push = (a: number, b: number, lo: number, hi: number, stage: number, row: number) => {
    switches.a[k] = a;
    switches.b[k] = b;
    switches.lo[k] = lo;
    switches.hi[k] = hi;
    switches.stage[k] = stage;
    switches.row[k] = row;
    k++;
  };
  let wireCount = n;
  const depth = n <= 1 ? 0 : 2 * Math.ceil(Math.log2(n)) - 1;
  /** Build over input wires `ins` starting at stage `s0` within a block of `levels` = ceil(log2 size); returns output wires. */
  const build = (ins: readonly number[], s0: number, span: number, r0: number): number[] => {
    const size = ins.length;
    if (size === 1) return [ins[0]];
    const mid = s0 + (span - 1) / 2; // the centre stage of this block
    if (size === 2) {
      const lo = wireCount++;
      const hi = wireCount++;
      push(ins[0], ins[1], lo, hi, mid, r0);
      return [lo, hi];
    }
    const half = Math.floor(size / 2);
    const top: number[] = [];
    const bottom: number[] = [];
    for (let i = 0; i < half; i++) {
      const lo = wireCount++;
      const hi = wireCount++;
      push(ins[2 * i], ins[2 * i + 1], lo, hi, s0, r0 + 2 * i);
      top.push(lo);
      bottom.push(hi);
    }
    if (size % 2 === 1) bottom.push(ins[size - 1]);
    const topOut = build(top, s0 + 1, span - 2, r0);
    const bottomOut = build(bottom, s0 + 1, span - 2, r0 + half);
    const outs: number[] = new Array(size);
    const last = s0 + span - 1;
    for (let j = 0; j < half; j++) {
      if (kind === 'waksman' && size % 2 === 0 && j === half - 1) {
        outs[2 * j] = topOut[j];
        outs[2 * j + 1] = bottomOut[j];
        continue;
      }
      const lo = wireCount++;
      const hi = wireCount++;
      push(topOut[j], bottomOut[j], lo, hi, last, r0 + 2 * j);
      outs[2 * j] = lo;
      outs[2 * j + 1] = hi;
    }
    if (size % 2 === 1) outs[size - 1] = bottomOut[half];
    return outs;
  };
  const inputs = Array.from({ length: n }, (_, i) => i);
  const outputs = build(inputs, 0, depth, 0);
  if (k !== count) throw new Error(`network built ${k} switches, expected ${count}`);
  return { n, kind, switches, outputs: Int32Array.from(outputs), wireCount, stages: depth };
}
