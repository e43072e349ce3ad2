/**
 * Power of a gate-level netlist from the Liberty tables and measured activity (pure).
 *
 * - Switching: ½·C·V² per toggle of a net, C the input-pin capacitances it drives plus the library's default
 *   wire load for its fanout (`wire_load`: capacitance per unit length x fanout_length, `slope` beyond the table).
 * - Internal: a cell's `internal_power` tables, the energy of one transition, the mean of rise and fall (as current
 *   OpenSTA does): for an output pin per toggle of that output, at its load and a nominal input transition,
 *   averaged over its related input pins; for an input pin per toggle of that input (flops' clock pins).
 * - Leakage: `cell_leakage_power` of every cell.
 *
 * Units follow the library: energies in capacitance x voltage² units (pF x V² = pJ), leakage in leakage_power_unit.
 */
import type { LibertyGroup } from './parseLiberty.ts';

export interface PinPower {
  /** Input pins: capacitance (pF); output pins: 0. */
  readonly capacitancePf: number;
  /** Input pins: energy per toggle of the pin (pJ). */
  readonly inputEnergyPj: number;
  /** Output pins: energy per toggle at a load (pF), averaged over the related pins' arcs. */
  readonly outputEnergyPj?: (loadPf: number) => number;
}

export interface CellPower {
  readonly leakageNw: number;
  readonly pins: ReadonlyMap<string, PinPower>;
  /** A buffer (one input, its output the input's value): clock trees are followed through it. */
  readonly buffer?: { readonly input: string; readonly output: string };
}

export interface PowerLibrary {
  readonly voltage: number;
  readonly cells: ReadonlyMap<string, CellPower>;
  /** Wire capacitance (pF) of a net with this fanout, from the default wire-load model. */
  readonly wireCapPf: (fanout: number) => number;
}

const nums = (s: string | undefined): number[] => (s ?? '').replace(/["\\\s]/g, '').split(',').filter((x) => x !== '').map(Number);

/** Linear interpolation (and extrapolation at the ends) on a sorted index. */
function interp1(index: readonly number[], values: readonly number[], x: number): number {
  if (index.length <= 1 || values.length <= 1) return values[0] ?? 0;
  let i = 0;
  while (i < index.length - 2 && x > index[i + 1]) i++;
  const t = (x - index[i]) / (index[i + 1] - index[i]);
  return values[i] + t * (values[i + 1] - values[i]);
}

/** A power table at (transition, load): 1-D tables by transition, 2-D by transition x load. */
function tableAt(g: LibertyGroup, transitionNs: number, loadPf: number): number {
  const i1 = nums(g.attrs.get('index_1'));
  const i2 = nums(g.attrs.get('index_2'));
  const v = nums(g.attrs.get('values'));
  if (i2.length === 0 || v.length === i1.length) return interp1(i1, v, transitionNs);
  const rows = i1.map((_, r) => interp1(i2, v.slice(r * i2.length, (r + 1) * i2.length), loadPf));
  return interp1(i1, rows, transitionNs);
}

/** Mean of a group's rise_power and fall_power at (transition, load). */
function meanEnergy(ip: LibertyGroup, transitionNs: number, loadPf: number): number {
  const parts = ip.groups.filter((g) => g.type === 'rise_power' || g.type === 'fall_power');
  return parts.length === 0 ? 0 : parts.reduce((s, g) => s + tableAt(g, transitionNs, loadPf), 0) / parts.length;
}

/** The power view of a parsed Liberty library, with the energies taken at `nominalTransitionNs`. */
export function powerLibrary(root: LibertyGroup, nominalTransitionNs = 0.05): PowerLibrary {
  const cells = new Map<string, CellPower>();
  for (const g of root.groups) {
    if (g.type !== 'cell') continue;
    const pins = new Map<string, PinPower>();
    let buffer: CellPower['buffer'];
    const inputs = g.groups.filter((p) => p.type === 'pin' && p.attrs.get('direction') === 'input').map((p) => p.args[0]);
    for (const p of g.groups) {
      if (p.type === 'pin' && p.attrs.get('direction') === 'output' && inputs.length === 1 && (p.attrs.get('function') ?? '').replace(/["\s()]/g, '') === inputs[0]) buffer = { input: inputs[0], output: p.args[0] };
    }
    for (const p of g.groups) {
      if (p.type !== 'pin') continue;
      const dir = p.attrs.get('direction');
      const ips = p.groups.filter((x) => x.type === 'internal_power');
      if (dir === 'input') {
        const inputEnergy = ips.length === 0 ? 0 : ips.reduce((s, ip) => s + meanEnergy(ip, nominalTransitionNs, 0), 0) / ips.length;
        pins.set(p.args[0], { capacitancePf: Number(p.attrs.get('capacitance') ?? 0), inputEnergyPj: inputEnergy });
      } else if (dir === 'output') {
        pins.set(p.args[0], { capacitancePf: 0, inputEnergyPj: 0, outputEnergyPj: ips.length === 0 ? () => 0 : (load) => ips.reduce((s, ip) => s + meanEnergy(ip, nominalTransitionNs, load), 0) / ips.length });
      }
    }
    cells.set(g.args[0], { leakageNw: Number(g.attrs.get('cell_leakage_power') ?? 0), pins, ...(buffer ? { buffer } : {}) });
  }
  const opName = root.attrs.get('default_operating_conditions');
  const op = root.groups.find((x) => x.type === 'operating_conditions' && x.args[0] === opName);
  const voltage = Number(op?.attrs.get('voltage') ?? root.attrs.get('nom_voltage') ?? 1);
  const wlName = root.attrs.get('default_wire_load');
  const wl = root.groups.find((x) => x.type === 'wire_load' && x.args[0] === wlName);
  const capPerLength = Number(wl?.attrs.get('capacitance') ?? 0);
  const slope = Number(wl?.attrs.get('slope') ?? 0);
  // fanout_length(n, length) appears once per fanout: the parser keeps the last; read them from the raw list.
  const lengths = new Map<number, number>();
  for (const [k, v] of wl?.attrs ?? []) if (k.startsWith('fanout_length')) {
    const [f, l] = nums(v);
    if (Number.isFinite(f)) lengths.set(f, l);
  }
  const maxFanout = Math.max(0, ...lengths.keys());
  const wireCapPf = (fanout: number) => {
    if (fanout <= 0 || !wl) return 0;
    const length = lengths.get(fanout) ?? (fanout > maxFanout ? (lengths.get(maxFanout) ?? 0) + slope * (fanout - maxFanout) : slope * fanout);
    return capPerLength * length;
  };
  return { voltage, cells, wireCapPf };
}

export interface NetlistCell {
  readonly type: string;
  readonly connections: Readonly<Record<string, ReadonlyArray<number | string>>>;
}

/** The clock tree: the clock port's bits and every net a buffer drives from a net of the tree. */
export function clockTreeBits(cellsByName: Readonly<Record<string, NetlistCell>>, lib: PowerLibrary, clockBits: Iterable<number | string>): Set<number | string> {
  const tree = new Set(clockBits);
  const buffers = Object.values(cellsByName).flatMap((c) => {
    const b = lib.cells.get(c.type)?.buffer;
    return b && c.connections[b.input] && c.connections[b.output] ? [{ from: c.connections[b.input][0], to: c.connections[b.output][0] }] : [];
  });
  for (let grew = true; grew; ) {
    grew = false;
    for (const b of buffers) if (tree.has(b.from) && !tree.has(b.to)) {
      tree.add(b.to);
      grew = true;
    }
  }
  return tree;
}

export interface NetlistPowerResult {
  /** Energies per cycle (pJ) and leakage (nW); power at a clock is energy x f. */
  readonly switchingPjPerCycle: number;
  readonly internalPjPerCycle: number;
  readonly leakageNw: number;
  readonly cells: number;
  /** Nets with a load, and their summed load capacitance (pF). */
  readonly nets: number;
  readonly loadPf: number;
}

/**
 * Energy per cycle of a flat netlist of library cells, given each net's toggles per cycle (by yosys bit;
 * constants and unknown bits toggle 0). Cells missing from the library are an error naming them.
 */
export function netlistPower(cellsByName: Readonly<Record<string, NetlistCell>>, lib: PowerLibrary, togglesPerCycle: (bit: number | string) => number): NetlistPowerResult {
  const load = new Map<number | string, number>();
  const fanout = new Map<number | string, number>();
  const missing = new Set<string>();
  for (const cell of Object.values(cellsByName)) {
    const spec = lib.cells.get(cell.type);
    if (!spec) {
      missing.add(cell.type);
      continue;
    }
    for (const [pin, bits] of Object.entries(cell.connections)) {
      const p = spec.pins.get(pin);
      if (!p || p.outputEnergyPj) continue;
      for (const b of bits) {
        load.set(b, (load.get(b) ?? 0) + p.capacitancePf);
        fanout.set(b, (fanout.get(b) ?? 0) + 1);
      }
    }
  }
  if (missing.size > 0) throw new Error(`cells missing from the Liberty library: ${[...missing].sort().join(', ')}`);
  for (const [b, f] of fanout) load.set(b, load.get(b)! + lib.wireCapPf(f));
  const v2 = lib.voltage * lib.voltage;
  let switching = 0;
  for (const [b, c] of load) if (b !== '0' && b !== '1') switching += 0.5 * c * v2 * togglesPerCycle(b);
  let internal = 0;
  let leakage = 0;
  for (const cell of Object.values(cellsByName)) {
    const spec = lib.cells.get(cell.type)!;
    leakage += spec.leakageNw;
    for (const [pin, bits] of Object.entries(cell.connections)) {
      const p = spec.pins.get(pin);
      if (!p) continue;
      for (const b of bits) {
        const t = togglesPerCycle(b);
        if (t === 0) continue;
        internal += t * (p.outputEnergyPj ? p.outputEnergyPj(load.get(b) ?? 0) : p.inputEnergyPj);
      }
    }
  }
  let loadPf = 0;
  for (const c of load.values()) loadPf += c;
  return { switchingPjPerCycle: switching, internalPjPerCycle: internal, leakageNw: leakage, cells: Object.keys(cellsByName).length, nets: load.size, loadPf };
}
