/** Synthesized-lane figures for the pure tests (of the order Units.Synthesize measures; clocks above the tiles' 220 MHz). */
export const lanes = {
  attn_dot: { transistors: 36_000, latencyCycles: 1, ratePerCycle: 8, clockMHz: 300 },
  softmax_exp: { transistors: 29_000, latencyCycles: 3, ratePerCycle: 1, clockMHz: 300 },
  norm_sumsq: { transistors: 92_000, latencyCycles: 2, ratePerCycle: 8, clockMHz: 300 },
  recip: { transistors: 8_600, latencyCycles: 1, ratePerCycle: 1, clockMHz: 300 },
  reducer: { transistors: 55_000, latencyCycles: 7, ratePerCycle: 1, clockMHz: 300 },
  silu_mul: { transistors: 20_000, latencyCycles: 4, ratePerCycle: 1, clockMHz: 300 },
  rope: { transistors: 52_000, latencyCycles: 1, ratePerCycle: 1, clockMHz: 300 },
  argmax: { transistors: 4_900, latencyCycles: 1, ratePerCycle: 4, clockMHz: 300 },
};
