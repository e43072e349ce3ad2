/**
 * Test helper (edge): one DEF through the real tools, outside the flow: KLayout merges it with the kit's cell
 * GDS, magic runs DRC on the GDS, magic extracts it and netgen compares the extraction with the netlist the
 * DEF declares (`defNetlist`). Used to re-check the repair passes' output with tools that share no code with them.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { KLAYOUT_DEF_TO_GDS, cdlAsDeviceCalls, cdlPinOrder, magicDrcScript, magicExtractScript, netgenSetup, parseDrcReport, parseLvsReport, topSubcircuit, type DrcReport, type LvsReport, type StdCellKit } from '@hardwire/eda';
import { defNetlist, parseDef } from '../src/model/def.ts';
import { SKY130HD, physicalOnlyCells } from '../src/tech/sky130hd.ts';

export interface LayoutCheck {
  readonly drc: DrcReport;
  readonly lvs: LvsReport;
}

async function run(exe: string, argv: string[], cwd: string, okExitCodes = [0]): Promise<void> {
  const r = await execa(exe, argv, { cwd, reject: false, all: true });
  if (!okExitCodes.includes(r.exitCode ?? -1)) throw new Error(`${exe} ${argv.join(' ')} exited ${r.exitCode} in ${cwd}:\n${(r.all ?? '').split('\n').slice(-15).join('\n')}`);
}

/** DRC and LVS of `def` (routed with `techLef`, cells from `cellLef`) in `dir`. */
export async function checkDef(kit: StdCellKit, dir: string, def: string, techLef: string, cellLef: string): Promise<LayoutCheck> {
  // The LEFs in a folder of their own: KLayout also reads every LEF beside the DEF (read_lef_with_def).
  mkdirSync(join(dir, 'extract'), { recursive: true });
  mkdirSync(join(dir, 'lef'), { recursive: true });
  const top = parseDef(def).design;
  writeFileSync(join(dir, 'tile.def'), def);
  writeFileSync(join(dir, 'lef', 'route.tlef'), techLef);
  writeFileSync(join(dir, 'lef', 'cells.lef'), cellLef);
  writeFileSync(join(dir, 'def2gds.py'), KLAYOUT_DEF_TO_GDS);
  const need = (path: string | undefined, what: string) => {
    if (!path) throw new Error(`the kit has no ${what}`);
    return path;
  };
  const gds = join(dir, 'tile.gds');
  await run('klayout', ['-zz', '-r', 'def2gds.py', '-rd', 'def_file=tile.def', '-rd', `out_gds=${gds}`, '-rd', `lyt=${need(kit.klayoutTech, 'KLayout tech')}`, '-rd', 'tlef=lef/route.tlef', '-rd', 'lef=lef/cells.lef', '-rd', `cell_gds=${kit.gds}`, '-rd', `summary=${join(dir, 'gds.json')}`], dir);
  const magicTech = need(kit.magicTech, 'magic tech file');
  writeFileSync(join(dir, 'drc.tcl'), magicDrcScript({ gds, top, style: 'drc(full)', report: join(dir, 'drc.rpt') }));
  writeFileSync(join(dir, 'extract', 'extract.tcl'), magicExtractScript({ gds, top, spice: join(dir, 'layout.spice') }));
  await Promise.all([run('magic', ['-dnull', '-noconsole', '-T', magicTech, 'drc.tcl'], dir), run('magic', ['-dnull', '-noconsole', '-T', magicTech, 'extract.tcl'], join(dir, 'extract'))]);
  const cdl = readFileSync(kit.cdl, 'utf8');
  writeFileSync(join(dir, 'schematic.spice'), cdlAsDeviceCalls(cdl) + '\n' + topSubcircuit(top, defNetlist(def), cdlPinOrder(cdl)));
  writeFileSync(join(dir, 'netgen-setup.tcl'), netgenSetup(physicalOnlyCells(SKY130HD)));
  await run('netgen-lvs', ['-batch', 'lvs', `layout.spice ${top}`, `schematic.spice ${top}`, 'netgen-setup.tcl', 'lvs.rpt'], dir, [0, 1]);
  return { drc: parseDrcReport(readFileSync(join(dir, 'drc.rpt'), 'utf8')), lvs: parseLvsReport(readFileSync(join(dir, 'lvs.rpt'), 'utf8')) };
}
