/**
 * Configurations of the hardware around the weights (pure): the grid `--tokens-per-s` searches, the balanced
 * configurations the study sweeps, and the search for the cheapest configuration reaching a speed.
 */
import type { ScheduleConfig } from './schedule.ts';

/** Powers of two from `from` to `to`, with the value half-way (1.5x) between each pair. */
const steps = (from: number, to: number) => {
  const out: number[] = [];
  for (let v = from; v <= to; v *= 2) out.push(v, ...(v * 1.5 <= to ? [v * 1.5] : []));
  return out;
};

/**
 * KV banks that keep pace with the attention lanes: the lanes take 8 products per cycle each, a cached k or v
 * serves heads/kvHeads query heads, so they read 8 x lanes x kvHeads/heads x kvBits bits per cycle; rounded up to a power of two.
 */
export function balancedKvBanks(attentionLanes: number, readBits: number, heads: number, kvHeads: number, kvBits: number, dotWidth = 8): number {
  const bits = (dotWidth * attentionLanes * kvHeads * kvBits) / heads;
  return 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, bits / readBits))));
}

/** A balanced configuration at a scale: attentionLanes, vector lanes a quarter of it (at least 64), 256-bit banks keeping pace. */
export function balancedConfig(attentionLanes: number, heads: number, kvHeads: number, kvBits: number): ScheduleConfig {
  return { attentionLanes, kvReadBits: 256, kvBanks: balancedKvBanks(attentionLanes, 256, heads, kvHeads, kvBits), vectorLanes: Math.max(64, attentionLanes / 4) };
}

/** The grid `--tokens-per-s` searches: attention lanes and vector lanes in steps of 1.5x and 2x, read widths, banks around the balanced count. */
export function searchGrid(heads: number, kvHeads: number, kvBits: number): ScheduleConfig[] {
  const out: ScheduleConfig[] = [];
  for (const attentionLanes of steps(64, 65536)) for (const kvReadBits of [128, 256, 512]) {
    const balanced = balancedKvBanks(attentionLanes, kvReadBits, heads, kvHeads, kvBits);
    for (const kvBanks of [balanced / 2, balanced, balanced * 2].filter((b) => b >= 1)) for (const vectorLanes of steps(32, 8192)) out.push({ attentionLanes, kvReadBits, kvBanks, vectorLanes });
  }
  return out;
}

/**
 * The cheapest (least area) candidate reaching `tokensPerS`, or the fastest when none does. `evaluate` prices
 * one candidate; ties go to the first in `candidates` order.
 */
export function cheapestReaching<C, E extends { areaMm2: number; tokensPerS: number }>(candidates: readonly C[], evaluate: (c: C) => E, tokensPerS: number): { reached: true; candidate: C; estimate: E } | { reached: false; fastest: C; estimate: E } {
  let best: { candidate: C; estimate: E } | undefined;
  let fastest: { candidate: C; estimate: E } | undefined;
  for (const candidate of candidates) {
    const estimate = evaluate(candidate);
    if (!fastest || estimate.tokensPerS > fastest.estimate.tokensPerS) fastest = { candidate, estimate };
    if (estimate.tokensPerS >= tokensPerS && (!best || estimate.areaMm2 < best.estimate.areaMm2)) best = { candidate, estimate };
  }
  if (!fastest) throw new Error('no candidate configurations');
  return best ? { reached: true, ...best } : { reached: false, fastest: fastest.candidate, estimate: fastest.estimate };
}
