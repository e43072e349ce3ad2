/**
 * The largest llama-shaped model one wafer holds (pure): hidden size on a grid, bisected, since area grows
 * with it; shapes between the catalog's Llama 3.x models by `llamaShapeAt`.
 */

export interface LargestSearch {
  /** Largest hidden size that fits (0: none does). */
  readonly hidden: number;
  readonly limit: 'none fits' | 'one wafer' | 'search limit';
}

/** Bisect the hidden size (multiples of `step`, up to `maxHidden`) for the largest that `fits`. */
export function largestHidden(fits: (hidden: number) => boolean, step = 128, maxHidden = 32_768): LargestSearch {
  if (!fits(step)) return { hidden: 0, limit: 'none fits' };
  let lo = 1;
  let hi = Math.floor(maxHidden / step);
  if (fits(hi * step)) return { hidden: hi * step, limit: 'search limit' };
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(mid * step)) lo = mid;
    else hi = mid;
  }
  return { hidden: lo * step, limit: 'one wafer' };
}
