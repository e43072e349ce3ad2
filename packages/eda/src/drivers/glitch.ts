/**
 * The glitch factor of a synthesized tile (edge): OpenSTA writes its delays as SDF, Icarus simulates the
 * netlist with them (gates timed, flops functional) on the same vectors as the zero-delay cross-check, and the
 * VCD's transitions are counted against the settled toggles per group of driving cells (power/glitch.ts).
 * Works in `dir/timed/`; needs the cross-check's `tb.v`, `vectors.hex` and split netlist in `dir`.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, StageContext } from '@hardwire/core';
import type { CellSpec } from '../liberty/cellLibrary.ts';
import { openStaSdfScript } from '../physical/scripts.ts';
import { driverGroups, glitchFactors, kitWithFunctionalFlops, plainNames, sdfForIcarus, timedTestbench, vcdToggles, type GlitchMeasurement } from '../power/glitch.ts';
import type { StdCellKit } from '../io/findKit.ts';

export interface TimedSimulation extends GlitchMeasurement {
  /** Output vectors of the timed run that differ from the zero-delay run's (0: every net settled, no race). */
  readonly outputMismatches: number;
  /** How it was measured, in one line (for power.json). */
  readonly source: string;
}

const kitModels = new Map<string, string>();
/** Clock period of the timed run: slow enough that every net settles (the longest SKY130 path here is about 10 ns). */
export const TIMED_PERIOD_NS = 50;
/** Vectors of the timed run (of the cross-check's): enough for stable factors, cheap beside the check. */
export const TIMED_VECTORS = 200;
/** Fewest cross-check vectors worth a timed simulation for the glitch factor. */
export const GLITCH_MIN_VECTORS = 10;

/** The warning a stage reports when the timed run's outputs differ from the zero-delay run's (none when they agree). */
export function timedRunFindings(id: string, measurement: TimedSimulation): Finding[] {
  if (measurement.outputMismatches === 0) return [];
  return [{ type: 'timed_simulation_warning', severity: 'warning', message: `${id}: the timed simulation's outputs differ from the zero-delay run on ${measurement.outputMismatches} vectors (a net that did not settle, or a race between flops)` }];
}

export async function measureGlitches(ctx: Pick<StageContext<unknown>, 'exec' | 'log'>, o: { dir: string; splitNetlist: string; top: string; libPath: string; kit: StdCellKit; cells: ReadonlyMap<string, CellSpec>; clockNs: number; warmupCycles: number }): Promise<TimedSimulation> {
  const work = join(o.dir, 'timed');
  mkdirSync(work, { recursive: true });
  const { text } = plainNames(readFileSync(o.splitNetlist, 'utf8'));
  writeFileSync(join(work, 'netlist_timed.v'), text);
  writeFileSync(join(work, 'sdf.tcl'), openStaSdfScript({ liberty: o.libPath, netlist: 'netlist_timed.v', top: o.top, clockNs: o.clockNs, clockPort: 'clk', sdf: 'sta.sdf' }));
  await ctx.exec('sta', ['-no_init', '-exit', 'sdf.tcl'], { cwd: work });
  writeFileSync(join(work, 'tile.sdf'), sdfForIcarus(readFileSync(join(work, 'sta.sdf'), 'utf8'), new Map()));
  let models = kitModels.get(o.kit.verilogCells);
  if (!models) {
    const sequential = new Set([...o.cells.values()].filter((c) => c.storage).map((c) => c.name));
    models = kitWithFunctionalFlops(readFileSync(o.kit.verilogCells, 'utf8'), sequential);
    kitModels.set(o.kit.verilogCells, models);
  }
  const modelsPath = join(work, 'cells_timed.v');
  if (!existsSync(modelsPath)) writeFileSync(modelsPath, models);
  writeFileSync(join(work, 'tb.v'), timedTestbench(readFileSync(join(o.dir, 'tb.v'), 'utf8'), 'tile.sdf', TIMED_PERIOD_NS, TIMED_VECTORS));
  copyFileSync(join(o.dir, 'vectors.hex'), join(work, 'vectors.hex'));
  await ctx.exec('iverilog', ['-g2012', '-gspecify', '-DUNIT_DELAY=', '-s', 'tb', '-o', 'timed.vvp', 'tb.v', 'netlist_timed.v', o.kit.verilogPrimitives, 'cells_timed.v'], { cwd: work });
  await ctx.exec('vvp', ['-n', 'timed.vvp'], { cwd: work });
  const timedOut = readFileSync(join(work, 'outputs.hex'), 'utf8').trim().split('\n');
  const zeroDelayOut = readFileSync(join(o.dir, 'outputs.hex'), 'utf8').trim().split('\n').slice(0, timedOut.length);
  let outputMismatches = Math.abs(timedOut.length - zeroDelayOut.length);
  for (let i = 0; i < Math.min(timedOut.length, zeroDelayOut.length); i++) if (timedOut[i] !== zeroDelayOut[i]) outputMismatches++;
  const periodPs = TIMED_PERIOD_NS * 1000;
  const { nets, cycles } = vcdToggles(readFileSync(join(work, 'sim.vcd'), 'utf8'), { periodPs, firstEdgePs: periodPs / 2, warmupCycles: o.warmupCycles });
  const factors = glitchFactors(nets, driverGroups(text, o.cells), cycles);
  const source = `Icarus with OpenSTA's SDF (gates timed, flops functional), ${timedOut.length} vectors, ${cycles} cycles of a ${TIMED_PERIOD_NS} ns clock (every net settles); ${outputMismatches} output vectors differing from the zero-delay run`;
  return { ...factors, outputMismatches, source };
}
