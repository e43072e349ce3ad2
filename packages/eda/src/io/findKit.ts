/**
 * Find the SKY130 high-density standard-cell kit (edge): `--pdk-root DIR`, then `PDK_ROOT` (open_pdks
 * layout `sky130A/libs.ref/sky130_fd_sc_hd/...`), then the kit kept in the repository, `pdk/sky130hd`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseCellLibrary } from '../liberty/cellLibrary.ts';
import { markDontUse, parseDontUseList } from '../liberty/markDontUse.ts';
import { join } from 'node:path';
import { REPO_ROOT, UserError, str } from '@hardwire/core';

export interface StdCellKit {
  readonly name: 'sky130hd';
  readonly root: string;
  readonly liberty: string;
  readonly dontUseList?: string;
  readonly techLef: string;
  readonly cellLef: string;
  /** The older cell LEF qrouter routes best with (kit layout only). */
  readonly cellLefRouting?: string;
  readonly gds: string;
  readonly verilogCells: string;
  readonly verilogPrimitives: string;
  readonly cdl: string;
  readonly klayoutTech?: string;
  readonly klayoutProps?: string;
  readonly magicTech?: string;
}

function kitLayout(root: string): StdCellKit | undefined {
  const p = (...parts: string[]) => join(root, ...parts);
  if (!existsSync(p('lib', 'sky130_fd_sc_hd__tt_025C_1v80.lib'))) return undefined;
  const opt = (path: string) => (existsSync(path) ? path : undefined);
  return {
    name: 'sky130hd',
    root,
    liberty: p('lib', 'sky130_fd_sc_hd__tt_025C_1v80.lib'),
    dontUseList: opt(p('lib', 'sky130_fd_sc_hd.dont_use.txt')),
    techLef: p('lef', 'sky130_fd_sc_hd.tlef'),
    cellLef: p('lef', 'sky130_fd_sc_hd_merged.lef'),
    cellLefRouting: opt(p('lef', 'sky130_fd_sc_hd_merged.lambdapdk.lef')),
    gds: p('gds', 'sky130_fd_sc_hd.gds'),
    verilogCells: p('verilog', 'sky130_fd_sc_hd.v'),
    verilogPrimitives: p('verilog', 'primitives.v'),
    cdl: p('cdl', 'sky130hd.cdl'),
    klayoutTech: opt(p('klayout', 'sky130hd.lyt')),
    klayoutProps: opt(p('klayout', 'sky130hd.lyp')),
    magicTech: opt(p('magic', 'sky130A.tech')),
  };
}

function openPdksLayout(pdkRoot: string): StdCellKit | undefined {
  const lib = join(pdkRoot, 'sky130A', 'libs.ref', 'sky130_fd_sc_hd');
  const liberty = join(lib, 'lib', 'sky130_fd_sc_hd__tt_025C_1v80.lib');
  if (!existsSync(liberty)) return undefined;
  const first = (dir: string, re: RegExp) => (existsSync(dir) ? readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => join(dir, f))[0] : undefined);
  const need = (path: string | undefined, what: string) => {
    if (!path) throw new UserError(`PDK_ROOT ${pdkRoot}: sky130_fd_sc_hd has no ${what}`);
    return path;
  };
  return {
    name: 'sky130hd',
    root: lib,
    liberty,
    techLef: need(first(join(lib, 'techlef'), /nom\.tlef$/) ?? first(join(lib, 'techlef'), /\.tlef$/), 'techlef/*.tlef'),
    cellLef: need(first(join(lib, 'lef'), /^sky130_fd_sc_hd\.lef$/), 'lef/sky130_fd_sc_hd.lef'),
    gds: need(first(join(lib, 'gds'), /\.gds$/), 'gds/*.gds'),
    verilogCells: need(first(join(lib, 'verilog'), /^sky130_fd_sc_hd\.v$/), 'verilog/sky130_fd_sc_hd.v'),
    verilogPrimitives: need(first(join(lib, 'verilog'), /^primitives\.v$/), 'verilog/primitives.v'),
    cdl: need(first(join(lib, 'cdl'), /\.cdl$/), 'cdl/*.cdl'),
    magicTech: first(join(pdkRoot, 'sky130A', 'libs.tech', 'magic'), /^sky130A\.tech$/),
  };
}

/** The kit kept in the repository. */
export const REPO_KIT = join(REPO_ROOT, 'pdk', 'sky130hd');

/** The `--pdk-root` var every stage that reads the kit shares. */
export const pdkRootVar = str({ doc: 'sky130hd kit folder (kit or open_pdks layout); default PDK_ROOT, then the kit in pdk/sky130hd.' });

/** The kit, or a UserError saying where it looked. */
export function findKit(pdkRootFlag?: string): StdCellKit {
  if (pdkRootFlag) {
    const kit = kitLayout(pdkRootFlag) ?? openPdksLayout(pdkRootFlag);
    if (!kit) throw new UserError(`--pdk-root ${pdkRootFlag}: no sky130hd kit there (expected lib/sky130_fd_sc_hd__tt_025C_1v80.lib or sky130A/libs.ref/sky130_fd_sc_hd/)`);
    return kit;
  }
  if (process.env.PDK_ROOT) {
    const kit = openPdksLayout(process.env.PDK_ROOT) ?? kitLayout(process.env.PDK_ROOT);
    if (kit) return kit;
  }
  const kit = kitLayout(REPO_KIT);
  if (!kit) throw new UserError(`no sky130hd kit found: ${REPO_KIT} is incomplete (expected lib/sky130_fd_sc_hd__tt_025C_1v80.lib); restore it from git, give --pdk-root DIR, or set PDK_ROOT (open_pdks layout)`);
  return kit;
}

/** True when a kit can be found (tests skip with a printed reason otherwise). */
export function kitAvailable(pdkRootFlag?: string): boolean {
  try {
    findKit(pdkRootFlag);
    return true;
  } catch {
    return false;
  }
}

/** The kit's Liberty text with its dont_use list applied (what every synthesis run reads), and the cells marked. */
export function readMarkedLiberty(liberty: string, dontUseList?: string, extraLists: readonly string[] = []): { text: string; marked: string[] } {
  const cells = [dontUseList, ...extraLists].filter((f): f is string => Boolean(f)).flatMap((f) => parseDontUseList(readFileSync(f, 'utf8')));
  return markDontUse(readFileSync(liberty, 'utf8'), cells);
}

/** Cells the physical flow keeps out of tiles (qrouter cannot reach a pin; see the file's header). */
export const PHYSICAL_DONT_USE = join(REPO_ROOT, 'pdk', 'sky130hd', 'physical-dont-use.txt');

/**
 * The Liberty every tile is synthesized against (edge): the kit's, with the kit's dont_use list and the
 * physical flow's marked, written to `<dir>/cells.lib`; with the parsed cells.
 */
export function writeTileLiberty(kit: StdCellKit, dir: string): { text: string; libPath: string; cells: ReturnType<typeof parseCellLibrary> } {
  const marked = readMarkedLiberty(kit.liberty, kit.dontUseList, [PHYSICAL_DONT_USE]);
  mkdirSync(dir, { recursive: true });
  const libPath = join(dir, 'cells.lib');
  writeFileSync(libPath, marked.text);
  return { text: marked.text, libPath, cells: parseCellLibrary(marked.text) };
}
