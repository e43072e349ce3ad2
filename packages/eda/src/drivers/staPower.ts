/**
 * OpenSTA switching power (thin driver): the Tcl script, the run, and the report parser. The capacity
 * calibration uses it on its largest tile per architecture for the energy per transistor and cycle.
 *
 * Every net gets the same toggle rate (`set_power_activity -global`), so the energy per transistor is a
 * property of the cells and their loads, not of the tile's size. Propagating the inputs' activity instead
 * (OpenSTA's transition density, with no gate delays) adds up the densities of an XOR's inputs level by level
 * and counts a glitch at every one: on the bitserial-shared tiles it gave 2.0 fJ per transistor and cycle at
 * 64x128 and 8.6 fJ at 64x1024 (the deeper tree), against 0.23 fJ for both at a uniform 0.2.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StageContext } from '@hardwire/core';

export interface StaPowerOptions {
  readonly libPath: string;
  /** Gate-level netlist (Verilog) and its top module. */
  readonly netlist: string;
  readonly top: string;
  readonly clockNs: number;
  /** Toggle rate of every net, inputs included, per clock cycle (set_power_activity -global and -input). */
  readonly activity: number;
  /** Operating conditions to set: the kit's Liberty names its default before defining it, so without this the supply is 0 V for internal power. */
  readonly operatingConditions?: string;
}

/** The four columns of report_power's Total row (W). */
export interface StaPowerBreakdown {
  readonly internalW: number;
  readonly switchingW: number;
  readonly leakageW: number;
  readonly totalW: number;
}

/** The OpenSTA script: read, link, clock, one activity for every net, report_power (pure). */
export function staPowerScript(o: StaPowerOptions): string {
  return [
    '# Hardwire: switching power with OpenSTA (ideal clock, no wire parasitics)',
    `read_liberty ${o.libPath}`,
    `read_verilog ${o.netlist}`,
    `link_design ${o.top}`,
    `create_clock -name clk -period ${o.clockNs} [get_ports clk]`,
    ...(o.operatingConditions ? [`set_operating_conditions ${o.operatingConditions}`] : []),
    // Inputs on the clock: without it purely combinational cells read no power.
    'set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk]]',
    `set_power_activity -global -activity ${o.activity}`,
    `set_power_activity -input -activity ${o.activity}`,
    'report_power',
    'exit',
    '',
  ].join('\n');
}

/** The design's total power in watts from `report_power` (pure): the last column of its `Total` row. */
export function parseStaPowerTotalW(report: string): number | undefined {
  const total = /^Total\s+\S+\s+\S+\s+\S+\s+(\S+)/m.exec(report);
  const watts = total ? Number(total[1]) : NaN;
  return Number.isFinite(watts) ? watts : undefined;
}

/** Internal, switching, leakage and total power from report_power's Total row (pure); undefined when absent. */
export function parseStaPowerBreakdown(report: string): StaPowerBreakdown | undefined {
  const m = /^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(report);
  if (!m) return undefined;
  const [internalW, switchingW, leakageW, totalW] = m.slice(1, 5).map(Number);
  return [internalW, switchingW, leakageW, totalW].every(Number.isFinite) ? { internalW, switchingW, leakageW, totalW } : undefined;
}

/** OpenSTA's power report with the kit's operating conditions set (`power.tcl`, `power.log` in `dir`). */
export async function measureStaPower(ctx: Pick<StageContext<unknown>, 'exec'>, dir: string, o: StaPowerOptions): Promise<StaPowerBreakdown | undefined> {
  writeFileSync(join(dir, 'power.tcl'), staPowerScript(o));
  const r = await ctx.exec('sta', ['-no_splash', '-exit', join(dir, 'power.tcl')], { cwd: dir });
  writeFileSync(join(dir, 'power.log'), r.output);
  return parseStaPowerBreakdown(r.output);
}

/** Run OpenSTA's power report in `dir` (script `power.tcl`, report `power.log`); total power in W, undefined when unparsable. */
export async function measureSwitchingPower(ctx: Pick<StageContext<unknown>, 'exec'>, dir: string, o: StaPowerOptions): Promise<number | undefined> {
  writeFileSync(join(dir, 'power.tcl'), staPowerScript(o));
  const r = await ctx.exec('sta', ['-no_splash', '-exit', join(dir, 'power.tcl')], { cwd: dir });
  writeFileSync(join(dir, 'power.log'), r.output);
  return parseStaPowerTotalW(r.output);
}
