/**
 * Switching activity measured in simulation (pure): after every clock cycle, each net's toggles (bits that
 * differ from the cycle before, over all lanes) and its time high (bits at 1). Every lane is an independent
 * stream, so a net's toggles per cycle are toggles / (lanes x cycles): the activity power models and SAIF need.
 */
import { popcount32 } from '@hardwire/core';
import type { GateSim } from './GateSim.ts';

export class ActivityCounter {
  /** Toggles between consecutive samples and lane-samples at 1, per simulator net, summed over lanes. */
  readonly toggles: Float64Array;
  readonly high: Float64Array;
  private readonly previous: Int32Array;
  /** Samples taken (one per clock cycle); toggles span samples − 1 cycles. */
  samples = 0;

  constructor(private readonly sim: GateSim) {
    this.toggles = new Float64Array(sim.netlist.netCount);
    this.high = new Float64Array(sim.netlist.netCount);
    this.previous = new Int32Array(sim.values.length);
  }

  /** Record the settled values of one cycle (call after each clock). */
  sample(): void {
    const v = this.sim.values;
    const W = this.sim.words;
    const p = this.previous;
    const first = this.samples === 0;
    for (let n = 0; n < this.toggles.length; n++) {
      let t = 0;
      let h = 0;
      for (let w = n * W; w < n * W + W; w++) {
        h += popcount32(v[w]);
        if (!first) t += popcount32(v[w] ^ p[w]);
      }
      this.toggles[n] += t;
      this.high[n] += h;
    }
    p.set(v);
    this.samples++;
  }

  /** Cycles the toggles span. */
  get cycles(): number {
    return Math.max(0, this.samples - 1);
  }

  /** Toggles per cycle and share of time at 1 of simulator net `n`, per lane. */
  rates(n: number): { togglesPerCycle: number; highShare: number } {
    return { togglesPerCycle: this.toggles[n] / (Math.max(1, this.cycles) * this.sim.lanes), highShare: this.high[n] / (Math.max(1, this.samples) * this.sim.lanes) };
  }
}
