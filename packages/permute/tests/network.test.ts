import { describe, expect, it } from 'vitest';
import { applyNetwork, benesSwitchCount, buildNetwork, countInversions, networkCost, parsePermutationText, randomPermutation, realizes, routePermutation, switchLowerBound, waksmanSwitchCount } from '../src/index.ts';

function* permutations(n: number): Generator<number[]> {
  const a = Array.from({ length: n }, (_, i) => i);
  const c = new Array<number>(n).fill(0);
  yield [...a];
  let i = 0;
  while (i < n) {
    if (c[i] < i) {
      const j = i % 2 ? c[i] : 0;
      [a[j], a[i]] = [a[i], a[j]];
      yield [...a];
      c[i]++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
}

describe('permutation networks', () => {
  it('route every permutation of N <= 8 (Waksman, any N; Beneš, powers of two)', () => {
    let routed = 0;
    for (const kind of ['waksman', 'benes'] as const) {
      for (let n = 1; n <= 8; n++) {
        if (kind === 'benes' && (n & (n - 1)) !== 0) continue;
        const network = buildNetwork(n, kind);
        for (const p of permutations(n)) {
          const settings = routePermutation(network, p);
          if (!realizes(network, settings, p)) throw new Error(`${kind} N=${n} fails ${p}`);
          // The simulated network puts input i's value on output p[i].
          const out = applyNetwork(network, settings, Array.from({ length: n }, (_, i) => `in${i}`));
          p.forEach((o, i) => expect(out[o]).toBe(`in${i}`));
          routed++;
        }
      }
    }
    expect(routed).toBe(46_233 + 40_320 + 24 + 2 + 1);
  });

  it('route random permutations of large and odd N', () => {
    for (const n of [9, 17, 100, 1000, 4097, 65_536]) {
      const kind = (n & (n - 1)) === 0 ? 'benes' : 'waksman';
      for (const seed of [1, 2]) {
        const network = buildNetwork(n, kind);
        const perm = randomPermutation(n, seed);
        expect(realizes(network, routePermutation(network, perm), perm), `${kind} ${n}`).toBe(true);
      }
    }
  });

  it('count N log2 N - N/2 switches (Beneš) and the Waksman recurrence, above the lower bound', () => {
    for (let e = 1; e <= 12; e++) {
      const n = 2 ** e;
      expect(buildNetwork(n, 'benes').switches.count).toBe(n * e - n / 2);
      expect(buildNetwork(n, 'benes').stages).toBe(2 * e - 1);
      expect(buildNetwork(n, 'waksman').switches.count).toBe(n * e - n + 1); // saves N/2 - 1
      expect(benesSwitchCount(n) - waksmanSwitchCount(n)).toBe(n / 2 - 1);
    }
    for (let n = 2; n <= 200; n++) {
      const network = buildNetwork(n, 'waksman');
      expect(network.switches.count).toBe(waksmanSwitchCount(n));
      expect(network.switches.count).toBeGreaterThanOrEqual(switchLowerBound(n));
    }
    expect(switchLowerBound(8)).toBe(16); // ceil(log2 40320) = 16; Waksman uses 17
  });

  it('cost: wire crossings per stage gap, by inversion counting', () => {
    expect(countInversions(Float64Array.from([3, 1, 2]))).toBe(2);
    expect(countInversions(Float64Array.from([1, 2, 3]))).toBe(0);
    const cost = networkCost(buildNetwork(8, 'benes'));
    expect(cost.crossingsPerGap).toEqual([0, 6, 2, 2, 6, 0]);
    expect(cost.controlBits).toBe(20);
  });

  it('reject what is not a permutation', () => {
    const network = buildNetwork(4, 'waksman');
    expect(() => routePermutation(network, [0, 1, 1, 2])).toThrow(/not a permutation/);
    expect(() => buildNetwork(6, 'benes')).toThrow(/power of two/);
    expect(parsePermutationText('[2, 0, 1]')).toEqual([2, 0, 1]);
    expect(parsePermutationText('2 0\n1')).toEqual([2, 0, 1]);
    expect(parsePermutationText('0 0 1')).toEqual({ error: 'entry 1: output 0 appears twice (not a permutation)' });
    expect(parsePermutationText('0 x')).toEqual({ error: 'entry 1 is "x", expected an integer in 0..1' });
  });
});
