/**
 * A simulated netlist's measured activity turned into power (pure): each net's toggles per cycle from the
 * gate-level simulator (the clock tree at 2 toggles a cycle, since the simulator clocks flops directly), the
 * Liberty energies of the cells (`netlistPower`), and the activity as SAIF for other tools.
 */
import { clockTreeBits, instanceGroup, netlistPower, saifText, type CellSpec, type GlitchMeasurement, type NetlistCell, type NetlistPowerResult, type PowerLibrary } from '@hardwire/eda';
import type { ActivityCounter, CompiledNetlist } from '@hardwire/gatesim';

export interface NetlistModule {
  readonly ports: Readonly<Record<string, { readonly bits: ReadonlyArray<number | string> }>>;
  readonly cells: Readonly<Record<string, NetlistCell>>;
  readonly netnames?: Readonly<Record<string, { readonly bits: ReadonlyArray<number | string>; readonly hide_name?: number }>>;
}

export interface ActivityPower extends NetlistPowerResult {
  /** Toggles per cycle averaged over the nets with a load (clock tree excluded). */
  readonly meanActivity: number;
  readonly clockTreeNets: number;
  readonly cycles: number;
}

export function activityPower(module: NetlistModule, compiled: CompiledNetlist, activity: ActivityCounter, lib: PowerLibrary, clockPort = 'clk'): { power: ActivityPower; togglesPerCycle: (bit: number | string) => number; clockTree: Set<number | string> } {
  const clockTree = clockTreeBits(module.cells, lib, module.ports[clockPort]?.bits ?? []);
  const togglesPerCycle = (bit: number | string) => {
    if (clockTree.has(bit)) return 2;
    const n = compiled.bitNets.get(bit);
    return n === undefined || n < 2 ? 0 : activity.rates(n).togglesPerCycle;
  };
  const power = netlistPower(module.cells, lib, togglesPerCycle);
  const nets = [...compiled.bitNets.entries()].filter(([b, n]) => n >= 2 && !clockTree.has(b));
  const meanActivity = nets.length === 0 ? 0 : nets.reduce((s, [, n]) => s + activity.rates(n).togglesPerCycle, 0) / nets.length;
  return { power: { ...power, meanActivity, clockTreeNets: clockTree.size, cycles: activity.cycles }, togglesPerCycle, clockTree };
}

/** The measured activity of one stream (lanes averaged) as backward SAIF over `cycles` clock periods. */
export function activitySaif(module: NetlistModule, top: string, compiled: CompiledNetlist, activity: ActivityCounter, clockTree: Set<number | string>, clockNs: number): string {
  const periodPs = Math.round(clockNs * 1000);
  const duration = Math.max(1, activity.cycles) * periodPs;
  const nets: Array<{ name: string; t0: number; t1: number; tc: number }> = [];
  const seen = new Set<number | string>();
  for (const [name, info] of Object.entries(module.netnames ?? {}).sort((a, b) => a[0].localeCompare(b[0]))) {
    if (info.hide_name) continue;
    info.bits.forEach((bit, i) => {
      if (seen.has(bit) || typeof bit === 'string') return;
      seen.add(bit);
      const n = compiled.bitNets.get(bit);
      const clock = clockTree.has(bit);
      const r = n === undefined ? { togglesPerCycle: 0, highShare: 0 } : activity.rates(n);
      const t1 = clock ? duration / 2 : r.highShare * duration;
      nets.push({ name: info.bits.length > 1 ? `${name}[${i}]` : name, t0: duration - t1, t1, tc: (clock ? 2 : r.togglesPerCycle) * Math.max(1, activity.cycles) });
    });
  }
  return saifText({ design: top, timescalePs: 1, duration, nets });
}

/**
 * Power with the measured glitches: every net's zero-delay toggles times the factor of the group of the cell
 * driving it (adder trees, shared adders, registers, other logic; power/glitch.ts in @hardwire/eda), the clock
 * tree as before. Internal energy follows, since it is counted from the cells' input toggles.
 */
export function glitchedPower(module: NetlistModule, lib: PowerLibrary, cells: ReadonlyMap<string, CellSpec>, togglesPerCycle: (bit: number | string) => number, clockTree: ReadonlySet<number | string>, glitch: GlitchMeasurement): NetlistPowerResult {
  const factorOf = new Map<number | string, number>();
  for (const [name, cell] of Object.entries(module.cells)) {
    const spec = cells.get(cell.type);
    if (!spec) continue;
    const group = instanceGroup(name, spec);
    const factor = glitch.byGroup[group]?.factor ?? 1;
    for (const [pin, bits] of Object.entries(cell.connections)) if (spec.outputs.has(pin)) for (const b of bits) factorOf.set(b, factor);
  }
  return netlistPower(module.cells, lib, (bit) => (clockTree.has(bit) ? togglesPerCycle(bit) : togglesPerCycle(bit) * (factorOf.get(bit) ?? 1)));
}
