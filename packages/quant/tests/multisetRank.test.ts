import { describe, expect, it } from 'vitest';
import { QUANT_FORMATS, buildRankTable, kindCount, levelCount, rankMultiset, rankSortedMultiset, unrankMultiset } from '../src/index.ts';

describe('block kinds', () => {
  it('count C(q+k-1, k): 330 for 3-bit k=4, 3,060 for FP4, 15 ternary, 3,876 int4, 330 FP4 sign-folded', () => {
    expect(kindCount(levelCount('int3', false), 4)).toBe(330);
    expect(kindCount(levelCount('fp4-mx', false), 4)).toBe(3060);
    expect(kindCount(levelCount('fp4-nv', true), 4)).toBe(330);
    expect(kindCount(levelCount('ternary', false), 4)).toBe(15);
    expect(kindCount(levelCount('int4', false), 4)).toBe(3876);
  });

  it('rank/unrank is a bijection onto 0..C-1 for every (levels, k) the CLI accepts', () => {
    const levelSet = new Set(QUANT_FORMATS.flatMap((f) => [levelCount(f, false), levelCount(f, true)]));
    expect([...levelSet].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 8, 9, 15, 16]);
    let checked = 0;
    for (const q of levelSet) {
      for (let k = 1; k <= 8; k++) {
        const n = kindCount(q, k);
        let previous: number[] | undefined;
        for (let rank = 0; rank < n; rank++) {
          const levels = unrankMultiset(rank, q, k);
          if (levels.length !== k || levels.some((l, i) => l < 0 || l >= q || (i > 0 && l < levels[i - 1]))) throw new Error(`bad unrank ${q} ${k} ${rank}: ${levels}`);
          if (rankSortedMultiset(levels) !== rank) throw new Error(`rank(unrank(${rank})) != ${rank} for q=${q} k=${k}`);
          // Colex order: consecutive ranks give distinct multisets.
          if (previous && previous.join() === levels.join()) throw new Error('repeated multiset');
          previous = levels;
        }
        checked += n;
      }
    }
    expect(checked).toBeGreaterThan(1_000_000);
    expect(() => unrankMultiset(330, 8, 4)).toThrow(RangeError);
  });

  it('every multiset (brute-force enumeration) gets a distinct rank below C', () => {
    for (const [q, k] of [[8, 4], [3, 5], [15, 3]] as const) {
      const seen = new Set<number>();
      const rec = (prefix: number[], min: number) => {
        if (prefix.length === k) {
          seen.add(rankSortedMultiset(prefix));
          return;
        }
        for (let l = min; l < q; l++) rec([...prefix, l], l);
      };
      rec([], 0);
      expect(seen.size).toBe(kindCount(q, k));
      expect(Math.max(...seen)).toBe(kindCount(q, k) - 1);
    }
  });

  it('the tuple table gives the rank of the sorted tuple', () => {
    const table = buildRankTable(8, 4)!;
    expect(table.length).toBe(4096);
    for (let t = 0; t < 4096; t += 37) {
      const digits = [t & 7, (t >> 3) & 7, (t >> 6) & 7, (t >> 9) & 7];
      expect(table[t]).toBe(rankMultiset(digits));
    }
    expect(buildRankTable(16, 8)).toBeUndefined();
  });
});
