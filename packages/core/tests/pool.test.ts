import { describe, expect, it } from 'vitest';
import { forEachBounded } from '../src/index.ts';

describe('forEachBounded', () => {
  it('never runs more than `jobs` at once, starts items in order and finishes them all', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const done = new Set<number>();
    await forEachBounded([30, 5, 20, 1, 10, 2, 7], 3, async (ms, i) => {
      started.push(i);
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      done.add(i);
    });
    expect(peak).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(done.size).toBe(7);
  });

  it('rejects with the first error and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      forEachBounded([0, 1, 2, 3, 4], 1, async (i) => {
        started.push(i);
        if (i === 1) throw new Error('boom at 1');
      }),
    ).rejects.toThrow('boom at 1');
    expect(started).toEqual([0, 1]);
  });
});
