/**
 * Power of the chip from the token's schedule (pure): every unit's energy per busy cycle, measured in SKY130
 * (activity from our gate-level simulator on the check's vectors, energies from the kit's Liberty tables), times
 * the busy cycles a token gives it, scaled to the node by its switching-energy divisor; KV-cache and ROM reads
 * per bit; leakage of every transistor and bit. Clocks are gated per unit when idle (the clock tree's energy is
 * in the busy cycles' flop and buffer energy), so an idle tile costs leakage only.
 */
import type { ScheduleStep } from './schedule/schedule.ts';

/** A unit's measured energy per busy cycle in SKY130 (pJ: switching + internal) and its leakage (nW), per lane or tile. */
export interface UnitEnergy {
  readonly energyPj: number;
  readonly leakageNw: number;
  readonly transistors: number;
}

export interface PowerInputs {
  readonly schedule: { readonly steps: readonly ScheduleStep[] };
  readonly layers: number;
  readonly weightBits: number;
  /** Synthesized lanes by unit id. */
  readonly lanes: Readonly<Record<string, UnitEnergy>>;
  /** The weight tiles: energy per transistor and busy cycle (pJ) from the sample tile of the architecture, and their transistors each. */
  readonly tile?: { readonly energyPerTransistorCyclePj: number; readonly leakageNwPerTransistor: number; readonly transistorsEach: number; readonly cyclesPerVector: number };
  /** rom: the MAC lanes' energy per MAC (pJ, SKY130), taken from the attention lane (8 int8 MACs). */
  readonly romMacPj?: number;
  readonly tokensPerS: number;
  readonly aggregateTokensPerS: number;
  /** Node: SKY130 switching energy over the node's; leakage per logic transistor and per SRAM bit (W); read energies per bit (J). */
  readonly energyDivisor: number;
  readonly logicLeakageW: number;
  readonly sramLeakageWPerBit: number;
  readonly sramReadJPerBit: number;
  readonly romReadJPerBit: number;
  readonly logicTransistors: number;
  readonly sramBits: number;
}

export interface ChipPower {
  /** Energy of one token's busy cycles (J), by unit. */
  readonly energyPerTokenByUnitJ: Readonly<Record<string, number>>;
  readonly dynamicEnergyPerTokenJ: number;
  readonly leakageW: number;
  /** One user's stream at batch 1, and every pipeline stage busy. */
  readonly batch1W: number;
  readonly fullPipelineW: number;
  readonly dynamicW: number;
  /** Joules per token at batch 1 (leakage shared by one user's tokens) and with the pipeline full. */
  readonly joulesPerToken: number;
  readonly joulesPerTokenFull: number;
  /** Clock tree power when idle: 0 (gated per unit; its busy-cycle energy is in the units'). */
  readonly clockTreeW: number;
  readonly byUnitW: Readonly<Record<string, number>>;
}

export function chipPower(i: PowerInputs): ChipPower {
  const byUnit: Record<string, number> = {};
  const add = (unit: string, joules: number) => (byUnit[unit] = (byUnit[unit] ?? 0) + joules);
  const pj = (x: number) => (x * 1e-12) / i.energyDivisor;
  for (const step of i.schedule.steps) {
    const times = step.perLayer ? i.layers : 1;
    if (step.unit === 'weight_tiles') {
      if (i.tile) add('weight_tiles', times * step.lanes * i.tile.cyclesPerVector * pj(i.tile.energyPerTransistorCyclePj * i.tile.transistorsEach));
    } else if (step.unit === 'rom_macs') {
      add('rom_macs', times * step.work * pj(i.romMacPj ?? 0));
      add('weights_rom_reads', times * step.work * i.weightBits * i.romReadJPerBit);
    } else if (step.unit === 'kv_banks') add('kv_banks', times * step.work * i.sramReadJPerBit);
    else if (step.unit === 'embedding_rom') add('embedding_rom', times * step.work * i.romReadJPerBit);
    else {
      const lane = i.lanes[step.unit];
      // Busy lane-cycles: the work over the lane's rate (lanes idle for the rest of the step, clocks gated).
      if (lane) add(step.unit, times * (step.work / step.ratePerLanePerCycle) * pj(lane.energyPj));
    }
  }
  const dynamic = Object.values(byUnit).reduce((a, b) => a + b, 0);
  const leakageW = i.logicLeakageW + i.sramBits * i.sramLeakageWPerBit;
  const byUnitW = Object.fromEntries(Object.entries(byUnit).map(([k, v]) => [k, v * i.tokensPerS]));
  byUnitW.leakage = leakageW;
  return {
    energyPerTokenByUnitJ: byUnit,
    dynamicEnergyPerTokenJ: dynamic,
    leakageW,
    batch1W: dynamic * i.tokensPerS + leakageW,
    fullPipelineW: dynamic * i.aggregateTokensPerS + leakageW,
    dynamicW: dynamic * i.tokensPerS,
    joulesPerToken: dynamic + leakageW / i.tokensPerS,
    joulesPerTokenFull: dynamic + leakageW / i.aggregateTokensPerS,
    clockTreeW: 0,
    byUnitW,
  };
}
