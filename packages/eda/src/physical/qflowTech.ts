/**
 * The qflow technology folder for sky130_fd_sc_hd (pure): qflow ships only OSU techs, so the flow writes
 * `tech/sky130hd/{sky130hd.sh, sky130hd.par, sky130hd.magicrc}` into each tile's qflow project with
 * the kit's paths. Values follow the open_pdks qflow template and the sky130 technology LEF (pitches in
 * graywolf's centimicrons: li1/met2 0.46 µm, met1 0.34 µm).
 */

export interface QflowKitPaths {
  readonly cellLef: string;
  readonly techLef: string;
  readonly liberty: string;
  readonly cdl: string;
  readonly gds: string;
  readonly verilog: string;
  readonly magicDir: string;
}

export const QFLOW_TECH = 'sky130hd';

export function qflowTechScript(p: QflowKitPaths): string {
  return `#!/bin/tcsh
# Hardwire: qflow technology setup for sky130_fd_sc_hd (generated)
set leffile=${p.cellLef}
set techleffile=${p.techLef}
set spicefile=${p.cdl}
set libertyfile=${p.liberty}
set bufcell=sky130_fd_sc_hd__buf_1
set bufpin_in=A
set bufpin_out=X
set clkbufcell=sky130_fd_sc_hd__clkbuf_1
set clkbufpin_in=A
set clkbufpin_out=X
set fillcell=sky130_fd_sc_hd__fill_
set decapcell=sky130_fd_sc_hd__decap_
set antennacell=sky130_fd_sc_hd__diode_
set antennapin_in=DIODE
set bodytiecell=sky130_fd_sc_hd__tapvpwrvgnd_
set tiehi="sky130_fd_sc_hd__conb_1"
set tiehipin_out="HI"
set tielo="sky130_fd_sc_hd__conb_1"
set tielopin_out="LO"
set gndnet="VGND,VNB"
set vddnet="VPWR,VPB"
set separator=""
set techfile=sky130A
set magicrc=${QFLOW_TECH}.magicrc
set gdsfile=${p.gds}
set verilogfile=${p.verilog}
set route_layers = 6
set via_stacks = 2
set fill_ratios="0,70,10"
`;
}

/**
 * graywolf parameters: layer rules from the technology LEF in centimicrons, the unithd grid, a fixed seed.
 * `globalRoute` switches TimberWolf's own global router (feedthrough insertion and channel routing) on or
 * off; with it off graywolf places only, and the flow writes the net file the global router would have
 * written (graywolfNetFile).
 */
export function graywolfPar(seed: number, globalRoute = true): string {
  return `# Hardwire: GrayWolf parameters for sky130_fd_sc_hd (centimicrons, generated)
RULES
    layer li1  12.8 0.0369 vertical
    layer met1 0.125 0.0258 horizontal
    layer met2 0.125 0.0168 vertical
    layer met3 0.047 0.0124 horizontal
    layer met4 0.047 0.0087 vertical
    layer met5 0.029 0.0042 horizontal
    via mcon li1 met1
    via via  met1 met2
    via via2 met2 met3
    via via3 met3 met4
    via via4 met4 met5
    width li1 17
    width met1 14
    width met2 14
    width met3 30
    width met4 30
    width met5 160
    spacing li1 li1 29
    spacing met1 met1 20
    spacing met2 met2 32
    spacing met3 met3 38
    spacing met4 met4 62
    spacing met5 met5 180
ENDRULES
*vertical_wire_weight : 1.0
*vertical_path_weight : 1.0
*padspacing           : variable
*rowSep               : 0.0   0
*track.pitch          : 46
*minimum_pad_space    : 46
*gridX                : 46
*gridY                : 34
*gridOffsetX          : 0
*gridOffsetY          : 0
*graphics.wait        : off
*last_chance.wait     : off
*random.seed          : ${seed}
TWMC*chip.aspect.ratio : 1.0
TWSC*feedThruWidth    : 46 layer 1
TWSC*do.global.route  : ${globalRoute ? 'on' : 'off'}
TWSC*ignore_feeds     : true
TWSC*call_row_evener  : true
TWSC*even_rows_maximally : true
GENR*row_to_tile_spacing: 1
GENR*flip_alternate_rows : 1
`;
}

export function qflowMagicrc(magicDir: string): string {
  return `path sys +${magicDir}\ntech load sky130A -noprompt\ndrc off\n`;
}

/** Per-project knobs: the initial cell density graywolf spreads to, no qflow power stripes (the flow draws its own). */
export function qflowProjectVars(o: { density: number }): string {
  return `#!/usr/bin/tcsh -f
# Hardwire: qflow project variables (generated)
set initial_density = ${o.density}
set route_layers = 6
set addspacers_options = ""
`;
}

/** The die-edge obstruction lines of qflow's `<design>.cfg` (qrouter syntax), kept for our own route script. */
export function qflowObstructions(cfg: string): string[] {
  return cfg.split('\n').filter((l) => /^obstruction\s/.test(l.trim())).map((l) => l.trim());
}

/**
 * The `<design>.pin` net file qflow's place2def reads its NETS from, written from graywolf's `.cel` input
 * instead of by graywolf's global router (which is nearly all of graywolf's time and whose routes and
 * feedthroughs the flow throws away: qrouter routes over the cells on five metals). One line per pin,
 * `<net> <subnet> <instance> <pin> <x> <y> <row> <orient> <layer>`, nets contiguous in order of first use;
 * place2def reads only net, instance and pin, so positions are 0. Feedthrough pins (TW_PASS_THRU) and
 * `equiv` locations are left out; pads become `twpin_<name>` instances as graywolf names them.
 */
export function graywolfNetFile(cel: string): { text: string; nets: number; pins: number } {
  const byNet = new Map<string, string[]>();
  let instance: string | undefined;
  for (const raw of cel.split('\n')) {
    const line = raw.trim();
    const cell = /^(?:cell|hardcell)\s+\d+\s+(?:name\s+)?(\S+)/.exec(line);
    if (cell) {
      instance = cell[1];
      continue;
    }
    const pad = /^pad\s+\d+\s+name\s+(\S+)/.exec(line);
    if (pad) {
      instance = pad[1];
      continue;
    }
    const pin = /^pin\s+name\s+(\S+)\s+signal\s+(\S+)/.exec(line);
    if (!pin || pin[2] === 'TW_PASS_THRU') continue;
    if (!instance) throw new Error(`graywolf .cel: pin ${pin[1]} before any cell or pad`);
    const entries = byNet.get(pin[2]) ?? [];
    entries.push(`${pin[2]} ${entries.length + 1} ${instance} ${pin[1]} 0 0 0 0 1`);
    byNet.set(pin[2], entries);
  }
  const lines = [...byNet.values()].flat();
  return { text: lines.length ? `${lines.join('\n')}\n` : '', nets: byNet.size, pins: lines.length };
}
