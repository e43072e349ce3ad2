/**
 * The looping algorithm (pure): switch settings that make a network realize a permutation, level by
 * level, O(N) per level and O(N log N) in all. `perm[i]` is the output that input i must reach.
 */
import type { Network } from './network.ts';

/** Switch count of a block of `m` ports (matches the network's construction). */
function blockSwitches(m: number, waksman: boolean, memo: Map<number, number>): number {
  if (m <= 1) return 0;
  if (m === 2) return 1;
  const known = memo.get(m);
  if (known !== undefined) return known;
  const half = m >> 1;
  const outputs = waksman && m % 2 === 0 ? half - 1 : half;
  const total = half + blockSwitches(half, waksman, memo) + blockSwitches(m - half, waksman, memo) + outputs;
  memo.set(m, total);
  return total;
}

/**
 * Settings (1 = crossed) in the network's switch order. Throws on a non-permutation.
 * No allocation per block: permutations of one recursion depth live in one of two ping-pong buffers
 * (a block only ever writes inside its own segment), and each switch's index in the flat order is
 * computed from the block sizes, so output switches are set before the subnetworks are routed.
 */
export function routePermutation(network: Pick<Network, 'n' | 'kind'>, perm: ArrayLike<number>): Uint8Array {
  const n = network.n;
  if (perm.length !== n) throw new RangeError(`permutation has ${perm.length} entries, network has ${n} inputs`);
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = perm[i];
    if (!Number.isInteger(o) || o < 0 || o >= n || seen[o]) throw new RangeError(`not a permutation of 0..${n - 1}: entry ${i} is ${o}`);
    seen[o] = 1;
  }
  const waksman = network.kind === 'waksman';
  const memo = new Map<number, number>();
  const settings = new Uint8Array(blockSwitches(n, waksman, memo));
  const buffers = [Int32Array.from(perm), new Int32Array(n)];
  const q = new Int32Array(n);
  const side = new Int8Array(n);
  const stack = new Int32Array(n);

  // Per-block state, shared by assign/propagate (set before use; the recursion happens after).
  let base = 0;
  let P = buffers[0];
  let half = 0;
  let pairedOutputs = 0;
  let top = 0;
  const assign = (i: number, sv: number): void => {
    const cur = side[base + i];
    if (cur === -1) {
      side[base + i] = sv;
      stack[top++] = i;
    } else if (cur !== sv) throw new Error('looping algorithm: conflicting constraint (malformed network or permutation)');
  };
  const propagate = (): void => {
    while (top > 0) {
      const i = stack[--top];
      const sv = side[base + i];
      if (i < 2 * half) assign(i ^ 1, 1 - sv);
      const o = P[base + i];
      if (o >> 1 < pairedOutputs) assign(q[base + (o ^ 1)], 1 - sv);
    }
  };

  /** Route the block of size m whose permutation is buffers[d][b .. b+m), settings from index c. */
  const level = (d: number, b: number, m: number, c: number): void => {
    base = b;
    P = buffers[d & 1];
    if (m === 1) return;
    if (m === 2) {
      settings[c] = P[base] === 1 ? 1 : 0;
      return;
    }
    half = m >> 1;
    pairedOutputs = waksman && m % 2 === 0 ? half - 1 : half;
    for (let i = 0; i < m; i++) {
      q[base + P[base + i]] = i;
      side[base + i] = -1;
    }
    top = 0;
    if (m % 2 === 1) {
      assign(m - 1, 1);
      assign(q[base + m - 1], 1);
    } else if (waksman) {
      assign(q[base + m - 2], 0);
      assign(q[base + m - 1], 1);
    }
    propagate();
    for (let i = 0; i < m; i++) {
      if (side[base + i] === -1) {
        assign(i, 0);
        propagate();
      }
    }
    const topSize = half;
    const bottomSize = m - half;
    const cTop = c + half;
    const cBottom = cTop + blockSwitches(topSize, waksman, memo);
    const cOut = cBottom + blockSwitches(bottomSize, waksman, memo);
    const C = buffers[(d + 1) & 1];
    for (let i = 0; i < half; i++) {
      const crossed = side[base + 2 * i] === 1;
      settings[c + i] = crossed ? 1 : 0;
      const toTop = crossed ? 2 * i + 1 : 2 * i;
      const toBottom = crossed ? 2 * i : 2 * i + 1;
      const ot = P[base + toTop];
      C[base + i] = ot >> 1;
      if (ot >> 1 < pairedOutputs) settings[cOut + (ot >> 1)] = ot & 1;
      const ob = P[base + toBottom];
      C[base + half + i] = m % 2 === 1 && ob === m - 1 ? half : ob >> 1;
    }
    if (m % 2 === 1) {
      const ob = P[base + m - 1];
      C[base + half + half] = ob === m - 1 ? half : ob >> 1;
    }
    const here = base;
    const h = half;
    level(d + 1, here, topSize, cTop);
    level(d + 1, here + h, bottomSize, cBottom);
  };
  level(0, 0, n, 0);
  return settings;
}

/** Simulate the configured network on values; returns what each output carries. */
export function applyNetwork<T>(network: Network, settings: ArrayLike<number>, inputs: readonly T[]): T[] {
  const wires = new Array<T>(network.wireCount);
  for (let i = 0; i < network.n; i++) wires[i] = inputs[i];
  const { a, b, lo, hi, count } = network.switches;
  for (let k = 0; k < count; k++) {
    const x = wires[a[k]];
    const y = wires[b[k]];
    wires[lo[k]] = settings[k] ? y : x;
    wires[hi[k]] = settings[k] ? x : y;
  }
  return Array.from(network.outputs, (w) => wires[w]);
}

/** True when the configured network sends input i to output perm[i] for every i. */
export function realizes(network: Network, settings: ArrayLike<number>, perm: ArrayLike<number>): boolean {
  const wires = new Int32Array(network.wireCount);
  for (let i = 0; i < network.n; i++) wires[i] = i;
  const { a, b, lo, hi, count } = network.switches;
  for (let k = 0; k < count; k++) {
    const x = wires[a[k]];
    const y = wires[b[k]];
    wires[lo[k]] = settings[k] ? y : x;
    wires[hi[k]] = settings[k] ? x : y;
  }
  for (let j = 0; j < network.n; j++) if (perm[wires[network.outputs[j]]] !== j) return false;
  return true;
}
