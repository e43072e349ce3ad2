/**
 * A simulated netlist's measured power written beside it (edge): `activity.saif` (the activity of one stream)
 * and `power.json` (`clock_mhz`, `switching_w`, `internal_w`, `leakage_w`, `glitch_factor`, `activity_source`);
 * returns the per-cycle figures rounded as reports and units.json carry them. Tiles (GateSim.Check) and the
 * units (Units.Synthesize) both use it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellSpec, GlitchMeasurement, PowerLibrary, TimedSimulation } from '@hardwire/eda';
import type { ActivityCounter, CompiledNetlist } from '@hardwire/gatesim';
import { activityPower, activitySaif, glitchedPower, type NetlistModule } from '../power/activityPower.ts';

export interface MeasuredPower {
  readonly activitySource: string;
  readonly meanActivity: number;
  readonly switchingPjPerCycle: number;
  readonly internalPjPerCycle: number;
  readonly leakageNw: number;
  /**
   * Dynamic energy with the glitches a timed simulation measured over the zero-delay energy (1 when not measured),
   * and the measurement (toggle factors by group of driving cells).
   */
  readonly glitchFactor: number;
  readonly glitch?: GlitchMeasurement & { readonly outputMismatches: number; readonly source: string };
}

export function writeMeasuredPower(dir: string, o: { module: NetlistModule; top: string; compiled: CompiledNetlist; activity: ActivityCounter; lib: PowerLibrary; clockNs: number; activitySource: string; glitch?: { measurement: TimedSimulation; cells: ReadonlyMap<string, CellSpec> } }): MeasuredPower {
  const measured = activityPower(o.module, o.compiled, o.activity, o.lib);
  writeFileSync(join(dir, 'activity.saif'), activitySaif(o.module, o.top, o.compiled, o.activity, measured.clockTree, o.clockNs));
  let power: MeasuredPower = {
    activitySource: o.activitySource,
    meanActivity: Number(measured.power.meanActivity.toFixed(4)),
    switchingPjPerCycle: Number(measured.power.switchingPjPerCycle.toFixed(4)),
    internalPjPerCycle: Number(measured.power.internalPjPerCycle.toFixed(4)),
    leakageNw: Number(measured.power.leakageNw.toFixed(3)),
    glitchFactor: 1,
  };
  if (o.glitch) {
    const withGlitches = glitchedPower(o.module, o.lib, o.glitch.cells, measured.togglesPerCycle, measured.clockTree, o.glitch.measurement);
    const zeroDelay = measured.power.switchingPjPerCycle + measured.power.internalPjPerCycle;
    power = { ...power, glitchFactor: Number(((withGlitches.switchingPjPerCycle + withGlitches.internalPjPerCycle) / zeroDelay).toFixed(4)), glitch: o.glitch.measurement };
  }
  const watts = (pjPerCycle: number) => (pjPerCycle * 1e-12 * 1e9) / o.clockNs;
  writeFileSync(join(dir, 'power.json'), JSON.stringify({ clock_mhz: 1000 / o.clockNs, switching_w: watts(power.switchingPjPerCycle), internal_w: watts(power.internalPjPerCycle), leakage_w: power.leakageNw * 1e-9, glitch_factor: power.glitchFactor, ...(power.glitch ? { glitch: power.glitch } : {}), activity_source: power.activitySource }, null, 2) + '\n');
  return power;
}
