import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@hardwire/core';
import { describe, expect, it } from 'vitest';
import { annealFloorplan, packSequencePair, parseBlocks, searchSkyline, skylinePack, type HardBlock, type PlacedBlock } from '../src/index.ts';

function overlaps(p: readonly PlacedBlock[]): number {
  let n = 0;
  for (let i = 0; i < p.length; i++) for (let j = i + 1; j < p.length; j++) {
    const a = p[i];
    const b = p[j];
    if (a.x < b.x + b.w - 1e-9 && b.x < a.x + a.w - 1e-9 && a.y < b.y + b.h - 1e-9 && b.y < a.y + a.h - 1e-9) n++;
  }
  return n;
}

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

let seed = 11;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const randomBlocks = (n: number): HardBlock[] => Array.from({ length: n }, (_, i) => ({ name: `b${i}`, w: 1 + Math.floor(9 * rand()), h: 1 + Math.floor(9 * rand()) }));

describe('hard-block floorplanning', () => {
  it('decodes sequence pairs as the longest paths of their constraint graphs (a plain O(n²) decoder beside FAST-SP)', () => {
    for (let trial = 0; trial < 50; trial++) {
      const blocks = randomBlocks(9);
      const shuffle = () => [...blocks.keys()].sort(() => rand() - 0.5);
      const plus = shuffle();
      const minus = shuffle();
      const got = packSequencePair(blocks, plus, minus);
      // a left of b: a before b in both; a below b: a after b in plus, before b in minus. Longest paths in order.
      const at = (s: number[]) => new Map(s.map((b, i) => [b, i]));
      const p = at(plus);
      const m = at(minus);
      const x = new Array(9).fill(0);
      const y = new Array(9).fill(0);
      for (const b of plus) for (const a of blocks.keys()) if (p.get(a)! < p.get(b)! && m.get(a)! < m.get(b)!) x[b] = Math.max(x[b], x[a] + blocks[a].w);
      for (const b of [...plus].reverse()) for (const a of blocks.keys()) if (p.get(a)! > p.get(b)! && m.get(a)! < m.get(b)!) y[b] = Math.max(y[b], y[a] + blocks[a].h);
      expect(got.blocks.map((b) => [b.x, b.y])).toEqual(x.map((v, i) => [v, y[i]]));
      expect(overlaps(got.blocks)).toBe(0);
    }
  });

  it('the annealer finds the optimum an exhaustive search over every sequence pair and rotation finds (5 blocks)', () => {
    for (let trial = 0; trial < 3; trial++) {
      const blocks = randomBlocks(5);
      const perms = permutations(5);
      let optimum = Infinity;
      for (const plus of perms) for (const minus of perms) for (let r = 0; r < 32; r++) {
        const packed = packSequencePair(blocks, plus, minus, [0, 1, 2, 3, 4].map((i) => ((r >> i) & 1) === 1));
        optimum = Math.min(optimum, packed.width * packed.height);
      }
      const annealed = annealFloorplan(blocks, { seed: 1, moves: 20_000, rotate: true });
      expect(annealed.area).toBe(optimum);
      expect(overlaps(annealed.blocks)).toBe(0);
    }
  });

  it('packs the MCNC and GSRC benchmarks without overlaps, each block itself or turned, deterministically', () => {
    for (const name of ['ami33', 'n100']) {
      const blocks = parseBlocks(readFileSync(join(REPO_ROOT, 'tools', 'bench', 'floorplan', 'data', `${name}.blocks`), 'utf8'));
      const blockArea = blocks.reduce((s, b) => s + b.w * b.h, 0);
      for (const r of [searchSkyline(blocks, { seed: 1, iterations: 300, rotate: true }), annealFloorplan(blocks, { seed: 1, moves: 30_000, rotate: true })]) {
        expect(r.blocks).toHaveLength(blocks.length);
        expect(overlaps(r.blocks)).toBe(0);
        r.blocks.forEach((p, i) => expect([`${p.w}x${p.h}`, `${p.h}x${p.w}`]).toContain(`${blocks[i].w}x${blocks[i].h}`));
        const right = Math.max(...r.blocks.map((b) => b.x + b.w));
        const top = Math.max(...r.blocks.map((b) => b.y + b.h));
        expect(r.area).toBeCloseTo(right * top, 6);
        expect(r.deadFraction).toBeCloseTo(1 - blockArea / r.area, 9);
        expect(r.deadFraction).toBeLessThan(0.12);
      }
      expect(searchSkyline(blocks, { seed: 1, iterations: 100, rotate: true })).toEqual(searchSkyline(blocks, { seed: 1, iterations: 100, rotate: true }));
      // The skyline packer keeps to its strip.
      const strip = skylinePack(blocks, [...blocks.keys()], Math.sqrt(blockArea) * 1.1, true);
      expect(strip.width).toBeLessThanOrEqual(Math.sqrt(blockArea) * 1.1 + 1e-9);
      expect(overlaps(strip.blocks)).toBe(0);
      // The area under the final skyline (what the search counts as blocks plus holes) covers at least the
      // blocks' own top profile, which covers at least the blocks.
      const xs = [...new Set(strip.blocks.flatMap((p) => [p.x, p.x + p.w]))].sort((a, b) => a - b);
      let profile = 0;
      for (let i = 1; i < xs.length; i++) {
        const mid = (xs[i - 1] + xs[i]) / 2;
        profile += (xs[i] - xs[i - 1]) * Math.max(0, ...strip.blocks.filter((p) => p.x < mid && mid < p.x + p.w).map((p) => p.y + p.h));
      }
      expect(profile).toBeGreaterThanOrEqual(blockArea - 1e-6);
      expect(strip.under).toBeGreaterThanOrEqual(profile - 1e-6);
      expect(strip.under).toBeLessThanOrEqual(Math.sqrt(blockArea) * 1.1 * strip.height + 1e-6);
    }
  });
});
