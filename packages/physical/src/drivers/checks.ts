/**
 * Steps 6–8, the checks (edge: magic, netgen, OpenSTA). They read only the GDS and the netlists, so they run
 * at once, each timed on its own: DRC (magic, the kit's tech file, on the merged GDS); LVS (magic extraction of
 * the GDS against the placed netlist, the kit's CDL for the cells); static timing of the placed netlist (ideal
 * clock, no wire parasitics).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cdlAsDeviceCalls, cdlPinOrder, magicDrcScript, magicExtractScript, netgenSetup, openStaScript, parseDrcReport, parseLvsReport, parseStaOutput, topSubcircuit, type DrcReport, type YosysJsonModule } from '@hardwire/eda';
import type { TileRun } from './tileRun.ts';
import { physicalOnlyCells } from '../tech/sky130hd.ts';

/** Magic DRC of the GDS (`drc.rpt`), parsed; the error count lands in `drc__error__count`. */
export async function drcCheck(r: TileRun, gds: string): Promise<DrcReport> {
  const { ctx, tile, work, outDir, o, metrics } = r;
  const drcReport = join(outDir, 'drc.rpt');
  writeFileSync(join(work, 'drc.tcl'), magicDrcScript({ gds, top: tile.top, style: o.drcStyle, report: drcReport }));
  await ctx.exec('magic', ['-dnull', '-noconsole', '-T', r.magicTech, join(work, 'drc.tcl')], { cwd: work, timeoutMs: 60 * 60_000 });
  const drc = parseDrcReport(readFileSync(drcReport, 'utf8'));
  metrics['drc__error__count'] = drc.total;
  return drc;
}

/** Magic extraction of the GDS and netgen LVS against the placed netlist (`lvs.rpt`). */
export async function lvsCheck(r: TileRun, placedModule: YosysJsonModule, gds: string): Promise<void> {
  const { ctx, tile, work, outDir, metrics } = r;
  const lvsReport = join(outDir, 'lvs.rpt');
  const extractDir = join(work, 'extract');
  mkdirSync(extractDir, { recursive: true });
  writeFileSync(join(extractDir, 'extract.tcl'), magicExtractScript({ gds, top: tile.top, spice: join(work, 'layout.spice') }));
  await ctx.exec('magic', ['-dnull', '-noconsole', '-T', r.magicTech, join(extractDir, 'extract.tcl')], { cwd: extractDir, timeoutMs: 60 * 60_000 });
  const cdl = readFileSync(r.kit.cdl, 'utf8');
  writeFileSync(join(work, 'schematic.spice'), cdlAsDeviceCalls(cdl) + '\n' + topSubcircuit(tile.top, placedModule, cdlPinOrder(cdl)));
  writeFileSync(join(work, 'netgen-setup.tcl'), netgenSetup(physicalOnlyCells(r.tech)));
  await ctx.exec('netgen-lvs', ['-batch', 'lvs', `${join(work, 'layout.spice')} ${tile.top}`, `${join(work, 'schematic.spice')} ${tile.top}`, join(work, 'netgen-setup.tcl'), lvsReport], { cwd: work, timeoutMs: 60 * 60_000, okExitCodes: [0, 1] });
  const lvs = parseLvsReport(readFileSync(lvsReport, 'utf8'));
  metrics['lvs__mismatch__count'] = lvs.mismatches;
  metrics['lvs__match'] = lvs.matched ? 1 : 0;
}

/** The three checks at once (they read only the GDS and the netlists), each timed on its own; the DRC report is returned. */
export async function checksStep(r: TileRun, placedModule: YosysJsonModule, gds: string): Promise<{ reports: string[]; drc: DrcReport }> {
  const { ctx, work, outDir, o, metrics } = r;
  const staReport = join(outDir, 'sta.rpt');
  const [drc] = await Promise.all([
    r.timed('drc', () => drcCheck(r, gds)),
    r.timed('lvs', () => lvsCheck(r, placedModule, gds)),
    r.timed('sta', async () => {
      writeFileSync(join(work, 'sta.tcl'), openStaScript({ liberty: r.libertyPath, netlist: join(work, 'placed.v'), top: r.tile.top, clockNs: o.clockNs, clockPort: 'clk' }));
      const sta = await ctx.exec('sta', ['-no_splash', '-exit', join(work, 'sta.tcl')], { cwd: work });
      writeFileSync(staReport, sta.output);
    }),
  ]);
  const sta = parseStaOutput(readFileSync(staReport, 'utf8'));
  metrics['timing__setup__ws'] = sta.worstSlackNs;
  metrics['timing__setup__tns'] = sta.totalNegativeSlackNs;
  return { reports: [join(outDir, 'drc.rpt'), join(outDir, 'lvs.rpt'), staReport], drc };
}
