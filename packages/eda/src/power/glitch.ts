/**
 * Glitches measured, not assumed (pure parts): a gate-level simulation with the cells' delays (Icarus with
 * OpenSTA's SDF) counts every transition of every net, and the same run sampled once per clock period, just
 * before each rising edge, gives the zero-delay (settled) toggles our simulator counts. Their ratio per group of
 * driving cells (the adder trees, the shared adders, the registers, other logic) is the glitch factor.
 *
 * What Icarus 11 needs (docs/power.md): OpenSTA's `write_sdf` leaves the typical field empty (`(a::b)`), which
 * Icarus ignores, so it becomes `(b:b:b)`; escaped names with dots (`\u_share.fa0 `) break Icarus's SDF lookup,
 * so every escaped name becomes a plain identifier in the netlist and the SDF alike; flops take the kit's
 * functional models (the timed ones rely on `$setuphold` delayed signals Icarus never drives), gates the timed ones.
 */
import type { CellSpec } from '../liberty/cellLibrary.ts';

/** Every escaped identifier (`\name `) of a structural netlist as a plain one, unique; the map from old to new. */
export function plainNames(verilog: string): { text: string; names: Map<string, string> } {
  const names = new Map<string, string>();
  const used = new Set<string>();
  const text = verilog.replace(/\\(\S+) /g, (_, name: string) => {
    let plain = names.get(name);
    if (plain === undefined) {
      plain = name.replace(/[^A-Za-z0-9_]/g, '_');
      if (/^[0-9]/.test(plain)) plain = `n${plain}`;
      while (used.has(plain)) plain += '_';
      used.add(plain);
      names.set(name, plain);
    }
    return `${plain} `;
  });
  return { text, names };
}

/**
 * OpenSTA's SDF for Icarus: empty typical fields filled with the max value, instances renamed as the netlist, and
 * the clock ideal, as OpenSTA timed it: the clock-tree buffers' cells and every wire delay on the clock dropped.
 * (With functional flops, which change at the edge, a skewed clock would let a flop's new value race through a
 * flop-to-flop path into a later-clocked flop: a simulation artifact, not a glitch.)
 */
export function sdfForIcarus(sdf: string, names: ReadonlyMap<string, string>, isClockTree: (instance: string) => boolean = (i) => /^fanout_clk/.test(i)): string {
  const kept: string[] = [];
  let at = 0;
  for (;;) {
    const start = sdf.indexOf('(CELL', at);
    if (start < 0) break;
    let depth = 0;
    let end = start;
    for (; end < sdf.length; end++) {
      if (sdf[end] === '(') depth++;
      else if (sdf[end] === ')' && --depth === 0) break;
    }
    const block = sdf.slice(start, end + 1);
    const instance = /\(INSTANCE\s*([^)]*)\)/.exec(block)?.[1].replace(/\\/g, '').trim() ?? '';
    kept.push(sdf.slice(at, start), isClockTree(instance) ? '' : block.split('\n').filter((l) => !/INTERCONNECT/.test(l) || !/(^|[\s/])(clk|fanout_clk\S*)[\s/]|\/CLK\b/.test(l)).join('\n'));
    at = end + 1;
  }
  kept.push(sdf.slice(at));
  return kept
    .join('')
    .replace(/\(([-0-9.]*)::([-0-9.]*)\)/g, (_, _min: string, max: string) => `(${max}:${max}:${max})`)
    .replace(/\(INSTANCE ([^)]+)\)/g, (_, raw: string) => {
      const name = raw.replace(/\\/g, '');
      return `(INSTANCE ${names.get(name) ?? name})`;
    });
}

/**
 * The kit's cell models with the functional branch forced for the sequential cells: every `` `ifdef FUNCTIONAL ``
 * whose next module is a flop or latch becomes always-true. Compile without FUNCTIONAL, with `-gspecify`.
 */
export function kitWithFunctionalFlops(kitVerilog: string, sequential: ReadonlySet<string>): string {
  const lines = kitVerilog.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim().startsWith('`ifdef FUNCTIONAL')) continue;
    for (let j = i + 1; j < Math.min(lines.length, i + 200); j++) {
      const m = /^module (\w+)/.exec(lines[j]);
      if (!m) continue;
      if (sequential.has(m[1])) lines[i] = '`ifndef HARDWIRE_TIMED_FLOP_MODELS // functional flop model (Icarus does not drive $setuphold delayed signals)';
      break;
    }
  }
  return lines.join('\n');
}

/**
 * A testbench with the SDF annotated on `dut`, the dut's own nets dumped to `sim.vcd`, and the clock slowed to
 * `periodNs`, on its first `maxVectors` vectors (the testbench drives inputs at the falling edge, so a unit whose inputs go straight into logic gets
 * half a period; a slow clock lets every net settle, and glitches per cycle do not depend on the period).
 */
export function timedTestbench(tb: string, sdfFile: string, periodNs: number, maxVectors = Infinity): string {
  if (!tb.includes('  always #5 clk = ~clk;')) throw new Error('timedTestbench: the testbench has no `always #5 clk = ~clk;` clock');
  return tb
    .replace(/for \(i = 0; i < (\d+); i = i \+ 1\)/, (_, n: string) => `for (i = 0; i < ${Math.min(Number(n), maxVectors)}; i = i + 1)`)
    .replace('  always #5 clk = ~clk;', `  always #${periodNs / 2} clk = ~clk;`)
    .replace('  initial begin\n', `  initial begin\n    $sdf_annotate("${sdfFile}", dut);\n    $dumpfile("sim.vcd");\n    $dumpvars(1, dut);\n`);
}

export interface NetToggles {
  /** Every transition after the warm-up. */
  total: number;
  /** Changes of the value sampled just before each rising clock edge (what a zero-delay simulator counts). */
  settled: number;
}

/**
 * Toggles per net bit from a VCD of one module's nets (`$dumpvars(1, dut)`): vectors are split into `name[i]`.
 * The clock's first rising edge is at `firstEdgePs`, then every `periodPs`; the first `warmupCycles` are left out.
 */
export function vcdToggles(vcd: string, o: { periodPs: number; firstEdgePs: number; warmupCycles: number }): { nets: Map<string, NetToggles>; cycles: number } {
  const ids = new Map<string, { name: string; width: number; lsb: number }>();
  const headerEnd = vcd.indexOf('$enddefinitions');
  const header = vcd.slice(0, headerEnd);
  let unitPs = 1;
  const ts = /\$timescale\s+(\d+)\s*(s|ms|us|ns|ps|fs)\s+\$end/.exec(header);
  if (ts) unitPs = Number(ts[1]) * { s: 1e12, ms: 1e9, us: 1e6, ns: 1e3, ps: 1, fs: 1e-3 }[ts[2] as 's'];
  for (const m of header.matchAll(/\$var\s+\S+\s+(\d+)\s+(\S+)\s+(\S+)(?:\s+\[(\d+)(?::(\d+))?\])?\s+\$end/g)) {
    const width = Number(m[1]);
    const lsb = m[5] !== undefined ? Math.min(Number(m[4]), Number(m[5])) : m[4] !== undefined ? Number(m[4]) : 0;
    if (!ids.has(m[2])) ids.set(m[2], { name: m[3], width, lsb });
  }
  const bitName = (v: { name: string; width: number; lsb: number }, i: number) => (v.width > 1 ? `${v.name}[${v.lsb + i}]` : v.name);
  const current = new Map<string, string>();
  const sampled = new Map<string, string>();
  const out = new Map<string, NetToggles>();
  const start = o.firstEdgePs + o.warmupCycles * o.periodPs;
  let nextEdge = o.firstEdgePs;
  let cycles = 0;
  const entry = (name: string) => {
    let e = out.get(name);
    if (!e) out.set(name, (e = { total: 0, settled: 0 }));
    return e;
  };
  // Transitions since the last sampled edge: they count once the next edge closes their period, so the
  // periods before the warm-up ends and the partial one after the last edge are left out of both counts.
  const pending = new Map<string, number>();
  const sampleUpTo = (t: number) => {
    // Sample every edge up to time t (the values at an edge are those before that edge's own changes).
    while (nextEdge <= t) {
      const counting = nextEdge > start;
      if (counting) cycles++;
      for (const [name, value] of current) {
        const before = sampled.get(name);
        if (counting) {
          const e = entry(name);
          e.total += pending.get(name) ?? 0;
          if (before !== undefined && before !== value && (value === '0' || value === '1') && (before === '0' || before === '1')) e.settled++;
        }
        sampled.set(name, value);
      }
      pending.clear();
      nextEdge += o.periodPs;
    }
  };
  const set = (name: string, value: string) => {
    const before = current.get(name);
    if (before !== undefined && before !== value && (value === '0' || value === '1') && (before === '0' || before === '1')) pending.set(name, (pending.get(name) ?? 0) + 1);
    current.set(name, value);
  };
  for (const line of vcd.slice(headerEnd).split('\n')) {
    if (line.length === 0) continue;
    const c = line[0];
    if (c === '#') {
      sampleUpTo(Number(line.slice(1)) * unitPs);
    } else if (c === 'b' || c === 'B') {
      const space = line.indexOf(' ');
      const v = ids.get(line.slice(space + 1).trim());
      if (!v) continue;
      const bits = line.slice(1, space).padStart(v.width, line[1] === '1' ? '0' : line[1]);
      for (let i = 0; i < v.width; i++) set(bitName(v, i), bits[v.width - 1 - i]);
    } else if (c === '0' || c === '1' || c === 'x' || c === 'z' || c === 'X' || c === 'Z') {
      const v = ids.get(line.slice(1).trim());
      if (v) set(bitName(v, 0), c.toLowerCase());
    }
  }
  for (const name of current.keys()) entry(name);
  return { nets: out, cycles };
}

export type GlitchGroup = 'adder trees' | 'shared adders' | 'registers' | 'other logic' | 'clock tree';

/** The group of a driving instance: by its cell (a flop) or the generator's instance names (u_tree*, u_share*). */
export function instanceGroup(name: string, cell: CellSpec | undefined): GlitchGroup {
  if (/^fanout_clk|(^|_)clk(_|$)/.test(name)) return 'clock tree';
  if (cell?.storage) return 'registers';
  if (/^u_share/.test(name)) return 'shared adders';
  if (/^u_tree/.test(name)) return 'adder trees';
  return 'other logic';
}

/** Net bit -> group of the instance driving it, from a structural netlist (plain names) and the cells' outputs. */
export function driverGroups(verilog: string, cells: ReadonlyMap<string, CellSpec>): Map<string, GlitchGroup> {
  const groups = new Map<string, GlitchGroup>();
  for (const m of verilog.matchAll(/^\s*(\w+)\s+(\w+)\s*\(([^;]*)\);/gm)) {
    const spec = cells.get(m[1]);
    if (!spec) continue;
    const group = instanceGroup(m[2], spec);
    for (const pin of m[3].matchAll(/\.(\w+)\(\s*([^()]*?)\s*\)/g)) if (spec.outputs.has(pin[1]) && pin[2]) groups.set(pin[2].replace(/\s+/g, ''), group);
  }
  return groups;
}

export interface GlitchMeasurement {
  /** Every transition over the settled toggles, all driven nets but the clock tree. */
  readonly factor: number;
  readonly byGroup: Readonly<Record<string, { nets: number; total: number; settled: number; factor: number }>>;
  readonly cycles: number;
}

/** The glitch factors from per-net toggles and the nets' driver groups (undriven nets, inputs and the clock tree left out). */
export function glitchFactors(toggles: ReadonlyMap<string, NetToggles>, groups: ReadonlyMap<string, GlitchGroup>, cycles: number): GlitchMeasurement {
  const by: Record<string, { nets: number; total: number; settled: number; factor: number }> = {};
  let total = 0;
  let settled = 0;
  for (const [net, t] of toggles) {
    const group = groups.get(net);
    if (!group || group === 'clock tree') continue;
    const g = (by[group] ??= { nets: 0, total: 0, settled: 0, factor: 1 });
    g.nets++;
    g.total += t.total;
    g.settled += t.settled;
    total += t.total;
    settled += t.settled;
  }
  for (const g of Object.values(by)) g.factor = g.settled > 0 ? Number((g.total / g.settled).toFixed(4)) : 1;
  const sorted = Object.fromEntries(Object.entries(by).sort((a, b) => a[0].localeCompare(b[0])));
  return { factor: settled > 0 ? Number((total / settled).toFixed(4)) : 1, byGroup: sorted, cycles };
}
