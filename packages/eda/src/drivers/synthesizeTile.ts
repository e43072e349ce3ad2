/**
 * One generated tile through synthesis (edge): yosys (generic adders onto the kit's adder cells, each module
 * mapped once, flattened), fanout buffer trees (as the physical flow and any real back end must add), the
 * netlist written again from the buffered JSON, exact transistors and area from the kit, transistors by
 * top-level instance group, yosys time and memory, and optionally an OpenSTA clock.
 * Leaves `netlist.v`, `netlist.json`, `yosys.log` (and `sta.log`) in the work folder.
 */
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StageContext } from '@hardwire/core';
import { netlistTransistors } from '../cdl/transistorCounts.ts';
import { cellArea, type CellSpec } from '../liberty/cellLibrary.ts';
import { bufferFanout } from '../netlist/bufferFanout.ts';
import type { YosysJsonModule } from '../physical/lvsSchematic.ts';
import { parseStaOutput } from '../physical/reports.ts';
import { openStaScript } from '../physical/scripts.ts';
import { adderCellMap, parseYosysResources, parseYosysStat, tileSynthScript, transistorsByInstanceGroup } from '../yosys/synthScript.ts';
import { runYosysScript, type YosysBackend } from './runYosys.ts';

export interface TileSynthesisOptions {
  readonly backend: YosysBackend;
  /** Folder holding the tile's `rtl.v`; outputs land here. */
  readonly workDir: string;
  readonly top: string;
  /** The Liberty file with the dont_use list applied, and its parsed cells. */
  readonly libPath: string;
  readonly cells: ReadonlyMap<string, CellSpec>;
  /** Transistors per cell type (kit CDL). */
  readonly perCell: ReadonlyMap<string, number>;
  /** Largest fanout left after buffering. */
  readonly maxFanout: number;
  /** Time the netlist with OpenSTA at this clock period (ns); omit to skip. */
  readonly staClockNs?: number;
}

export interface SynthesizedTile {
  /** Cells of the buffered netlist, and of yosys's netlist before buffering. */
  readonly cells: number;
  readonly yosysCells: number;
  readonly fanoutBuffers: number;
  readonly cellsByType: Record<string, number>;
  readonly transistors: number;
  readonly areaUm2: number;
  readonly transistorsByGroup: Record<string, number>;
  readonly wallS: number;
  readonly cpuS?: number;
  readonly peakMb?: number;
  readonly clockMhz?: number;
  readonly worstSlackNs?: number;
}

export async function synthesizeTile(ctx: Pick<StageContext<unknown>, 'exec' | 'log'>, o: TileSynthesisOptions): Promise<SynthesizedTile> {
  const dir = o.workDir;
  writeFileSync(join(dir, 'adders_map.v'), adderCellMap());
  if (o.backend === 'native' && !existsSync(join(dir, 'cells.lib'))) symlinkSync(o.libPath, join(dir, 'cells.lib'));
  writeFileSync(join(dir, 'synth.ys'), tileSynthScript({ liberty: 'cells.lib', sources: ['rtl.v'], top: o.top, adderMap: 'adders_map.v', stem: 'netlist' }));
  const started = performance.now();
  await runYosysScript(ctx, o.backend, dir, 'synth.ys', [join(dir, 'rtl.v'), join(dir, 'adders_map.v'), o.libPath]);
  const wallS = (performance.now() - started) / 1000;
  const resources = parseYosysResources(readFileSync(join(dir, 'yosys.log'), 'utf8'));
  const yosysCells = parseYosysStat(readFileSync(join(dir, 'netlist.stat.json'), 'utf8'), o.top).cells;
  const doc = JSON.parse(readFileSync(join(dir, 'netlist.json'), 'utf8')) as { modules: Record<string, YosysJsonModule> };
  const buffered = bufferFanout(doc.modules[o.top], { maxFanout: o.maxFanout, buffer: 'sky130_fd_sc_hd__buf_4', bufferIn: 'A', bufferOut: 'X', inputsOf: (type) => o.cells.get(type)?.inputs ?? [] });
  for (const cell of Object.values(buffered.module.cells) as { type: string; port_directions?: Record<string, string> }[]) {
    if (!cell.port_directions && cell.type === 'sky130_fd_sc_hd__buf_4') cell.port_directions = { A: 'input', X: 'output' };
  }
  doc.modules[o.top] = buffered.module;
  writeFileSync(join(dir, 'netlist.json'), JSON.stringify(doc));
  // The JSON carries the kit cells as blackboxes, so no Liberty is read here.
  writeFileSync(join(dir, 'write.ys'), ['read_json netlist.json', `hierarchy -top ${o.top}`, 'write_verilog -noattr -noexpr netlist.v', ''].join('\n'));
  await runYosysScript(ctx, o.backend, dir, 'write.ys', [join(dir, 'netlist.json')]);
  const counts: Record<string, number> = {};
  for (const cell of Object.values(buffered.module.cells) as { type: string }[]) counts[cell.type] = (counts[cell.type] ?? 0) + 1;
  const cellsByType = Object.fromEntries(Object.entries(counts).sort((a, b) => a[0].localeCompare(b[0])));
  const { transistors, unknown } = netlistTransistors(cellsByType, o.perCell);
  if (unknown.length > 0) throw new Error(`${o.top}: cells missing from the CDL: ${unknown.join(', ')}`);
  let clockMhz: number | undefined;
  let worstSlackNs: number | undefined;
  if (o.staClockNs !== undefined) {
    writeFileSync(join(dir, 'sta.tcl'), openStaScript({ liberty: o.libPath, netlist: join(dir, 'netlist.v'), top: o.top, clockNs: o.staClockNs, clockPort: 'clk' }));
    const r = await ctx.exec('sta', ['-no_splash', '-exit', join(dir, 'sta.tcl')], { cwd: dir });
    writeFileSync(join(dir, 'sta.log'), r.output);
    worstSlackNs = parseStaOutput(r.output).worstSlackNs;
    clockMhz = Number((1000 / (o.staClockNs - worstSlackNs)).toFixed(2));
  }
  return {
    cells: Object.values(counts).reduce((a, b) => a + b, 0),
    yosysCells,
    fanoutBuffers: buffered.buffersAdded,
    cellsByType,
    transistors,
    areaUm2: Number(cellArea(cellsByType, o.cells).toFixed(4)),
    transistorsByGroup: transistorsByInstanceGroup(doc, o.top, o.perCell),
    wallS: Number(wallS.toFixed(2)),
    cpuS: resources.cpuS,
    peakMb: resources.peakMb,
    clockMhz,
    worstSlackNs,
  };
}

/** Is OpenSTA (`sta`) on PATH? */
export async function hasSta(): Promise<boolean> {
  try {
    const { execa } = await import('execa');
    const r = await execa('sta', ['-version'], { reject: false });
    return r.exitCode === 0;
  } catch {
    return false;
  }
}
