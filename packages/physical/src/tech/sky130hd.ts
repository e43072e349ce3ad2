import type { PinAccessRules } from '../model/def.ts';

/**
 * The technology profile the physical flow reads (pure data): everything the step drivers need to know about
 * one standard-cell library and its metal stack, so that no driver holds a SKY130 literal. One profile today,
 * sky130_fd_sc_hd (SkyWater SKY130, high density); another library is another profile.
 */

export interface TechProfile {
  readonly name: string;
  /** Placement site width and row height (µm). */
  readonly siteUm: number;
  readonly rowHeightUm: number;
  /** Routing layers from the bottom up (a route on N layers uses the first N). */
  readonly metals: readonly string[];
  readonly power: {
    readonly net: string;
    readonly ground: string;
    /** The layer power straps run on (across the rows, on its tracks), their width (µm), and the via that joins a strap to the rails under it. */
    readonly strapLayer: string;
    readonly strapWidthUm: number;
    readonly strapVia: string;
    /** The net each power pin of a cell belongs to (the well pins with their rails). */
    readonly pinNets: Readonly<Record<string, string>>;
  };
  readonly cells: {
    /** The buffer fanout trees are built of, and the one yosys writes for BLIF feed-throughs. */
    readonly fanoutBuffer: { readonly name: string; readonly input: string; readonly output: string };
    readonly blifBuffer: { readonly name: string; readonly input: string; readonly output: string };
    /** Well tap, and fill cells by width in sites (widest first). */
    readonly tap: string;
    readonly fills: readonly { readonly macro: string; readonly sites: number }[];
  };
  /** Pin-access rules for the library's flops (which cells are flops, where their D pin sits). */
  flopRules(siteDbu: number, dbuPerUm: number): PinAccessRules;
  /** What the kit must hold for layout and checks, named for error messages. */
  readonly kitFiles: { readonly klayoutTech: string; readonly klayoutProps: string; readonly magicTech: string };
}

const FD_SC_HD = (cell: string) => `sky130_fd_sc_hd__${cell}`;

export const SKY130HD: TechProfile = {
  name: 'sky130hd',
  siteUm: 0.46,
  rowHeightUm: 2.72,
  metals: ['li1', 'met1', 'met2', 'met3', 'met4', 'met5'],
  power: { net: 'VPWR', ground: 'VGND', strapLayer: 'met2', strapWidthUm: 0.3, strapVia: 'M1M2_PR', pinNets: { VPWR: 'VPWR', VPB: 'VPWR', VGND: 'VGND', VNB: 'VGND' } },
  cells: {
    fanoutBuffer: { name: FD_SC_HD('buf_4'), input: 'A', output: 'X' },
    blifBuffer: { name: FD_SC_HD('buf_2'), input: 'A', output: 'X' },
    tap: FD_SC_HD('tapvpwrvgnd_1'),
    fills: [8, 4, 2, 1].map((sites) => ({ macro: FD_SC_HD(`fill_${sites}`), sites })),
  },
  /**
   * The D pin of dfrtp/dfrbp sits 1.36–1.88 µm from the cell's left edge (mirrored for FN and S); keep 1 µm
   * either side of it free in the rows above and below.
   */
  flopRules(siteDbu, dbuPerUm) {
    const d = Math.round(1.61 * dbuPerUm);
    const half = Math.round(1.0 * dbuPerUm);
    return {
      siteDbu,
      haloDbu: siteDbu,
      isFlop: (macro) => /__(dfrtp|dfrbp|dfrtn)_/.test(macro),
      pinWindow: (c, w) => {
        const mirrored = c.orient === 'FN' || c.orient === 'S';
        const x = mirrored ? c.xDbu + w - d : c.xDbu + d;
        return [x - half, x + half];
      },
    };
  },
  kitFiles: { klayoutTech: 'KLayout technology (klayout/sky130hd.lyt)', klayoutProps: 'KLayout layer properties (klayout/sky130hd.lyp)', magicTech: 'magic technology file (magic/sky130A.tech)' },
};

/** The physical-only cells (tap and fills) netgen is told to ignore. */
export function physicalOnlyCells(tech: TechProfile): string[] {
  return [tech.cells.tap, ...[...tech.cells.fills].sort((a, b) => a.sites - b.sites).map((f) => f.macro)];
}
