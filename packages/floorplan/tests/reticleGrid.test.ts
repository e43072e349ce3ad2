import { describe, expect, it } from 'vitest';
import { bestFieldGrid, fieldsAt, textbookDiesPerWafer } from '../src/index.ts';

const field = { widthMm: 26, heightMm: 33, scribeMm: 0 };

/** Brute force: every offset on a 0.25 mm grid, counting fields corner by corner. */
function bruteForce(r: number, step: number): number {
  let best = 0;
  for (let x0 = 0; x0 < 26; x0 += step) {
    for (let y0 = 0; y0 < 33; y0 += step) {
      let count = 0;
      for (let i = -7; i <= 7; i++) {
        for (let j = -6; j <= 6; j++) {
          const x = x0 + i * 26;
          const y = y0 + j * 33;
          if ([[x, y], [x + 26, y], [x, y + 33], [x + 26, y + 33]].every(([a, b]) => a * a + b * b <= r * r + 1e-9)) count++;
        }
      }
      best = Math.max(best, count);
    }
  }
  return best;
}

describe('reticle fields on a 300 mm wafer', () => {
  it('fit 66 full 26 x 33 mm fields on the whole wafer and 64 with 3 mm edge exclusion (textbook: 59.6)', () => {
    expect(bestFieldGrid({ diameterMm: 300, edgeExclusionMm: 0 }, field).fields).toHaveLength(66);
    const grid = bestFieldGrid({ diameterMm: 300, edgeExclusionMm: 3 }, field);
    expect(grid.fields).toHaveLength(64);
    expect(textbookDiesPerWafer(300, 858)).toBeCloseTo(59.6, 1);
    for (const f of grid.fields) for (const [x, y] of [[f.x, f.y], [f.x + f.w, f.y], [f.x, f.y + f.h], [f.x + f.w, f.y + f.h]]) expect(Math.hypot(x, y)).toBeLessThanOrEqual(147 + 1e-6);
  });

  it('is never beaten by a brute-force offset search', () => {
    for (const exclusion of [3, 5, 10]) {
      const r = 150 - exclusion;
      expect(bestFieldGrid({ diameterMm: 300, edgeExclusionMm: exclusion }, field).fields.length).toBeGreaterThanOrEqual(bruteForce(r, 0.5));
    }
  });

  it('fields do not overlap and keep the scribe lanes', () => {
    const fields = fieldsAt(0, 0, { widthMm: 26, heightMm: 33, scribeMm: 0.2 }, 147);
    for (const a of fields) for (const b of fields) if (a.id < b.id) expect(a.x + a.w <= b.x - 0.2 + 1e-9 || b.x + b.w <= a.x - 0.2 + 1e-9 || a.y + a.h <= b.y - 0.2 + 1e-9 || b.y + b.h <= a.y - 0.2 + 1e-9).toBe(true);
  });
});
