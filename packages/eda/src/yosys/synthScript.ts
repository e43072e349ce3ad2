/**
 * Yosys scripts and report parsing (pure). The synthesis recipe follows the flow tested on these
 * machines: generic synth, Liberty flop and logic mapping (ABC), constant ties, buffered outputs.
 */

export interface SynthModule {
  /** Top module name. */
  readonly top: string;
  /** Output file stem (netlist `<stem>.v`, `<stem>.json`, `<stem>.stat.json`). */
  readonly stem: string;
}

/**
 * One script that synthesizes several tops from the same sources, each from a fresh copy of the RTL
 * (`design -save/-load`), writing its netlist and stats.
 */
export function synthScript(options: {
  liberty: string;
  sources: readonly string[];
  modules: readonly SynthModule[];
  flatten?: boolean;
  /** Buffer outputs driven by another port or a constant (`insbuf`): needed for place and route, not for a block's logic cost. Default true. */
  portBuffers?: boolean;
  /** Liberty for `dfflibmap` (default `liberty`): the sequential cells alone (`flopCellsLiberty`) map the same flops without parsing the whole library per module. */
  flopLiberty?: string;
  /** `stat` with the Liberty's areas (default true); false when the caller prices cells itself (each call parses the library again). */
  statAreas?: boolean;
}): string {
  const L = options.liberty;
  const F = options.flopLiberty ?? L;
  const lines = [`read_liberty -lib ${L}`, ...options.sources.map((s) => `read_verilog -sv ${s}`), 'design -save rtl'];
  for (const m of options.modules) {
    lines.push(
      `# ${m.top}`,
      'design -load rtl',
      `synth -top ${m.top}${options.flatten === false ? '' : ' -flatten'}`,
      `dfflibmap -liberty ${F}`,
      `abc -liberty ${L}`,
      'opt_clean -purge',
      'setundef -zero',
      'hilomap -singleton -hicell sky130_fd_sc_hd__conb_1 HI -locell sky130_fd_sc_hd__conb_1 LO',
      ...(options.portBuffers === false ? [] : ['insbuf -buf sky130_fd_sc_hd__buf_2 A X']),
      'opt_clean -purge',
      'check -assert',
      `tee -q -o ${m.stem}.stat.json stat -json${options.statAreas === false ? '' : ` -liberty ${L}`}`,
      `write_verilog -noattr -noexpr ${m.stem}.v`,
      `write_json ${m.stem}.json`,
    );
  }
  return lines.join('\n') + '\n';
}

export interface YosysStat {
  readonly cells: number;
  readonly areaUm2: number;
  readonly cellsByType: Record<string, number>;
}

/** Parse `stat -json -liberty` output for one module. */
export function parseYosysStat(json: string, top: string): YosysStat {
  const doc = JSON.parse(json) as { modules?: Record<string, { num_cells?: number; area?: number; num_cells_by_type?: Record<string, number> }>; design?: unknown };
  const module = doc.modules?.[`\\${top}`] ?? doc.modules?.[top];
  if (!module) throw new Error(`yosys stat has no module ${top}`);
  return { cells: module.num_cells ?? 0, areaUm2: module.area ?? 0, cellsByType: module.num_cells_by_type ?? {} };
}

/** Yosys version from `yosys -V` output or the wasm package's version string. */
export function parseYosysVersion(text: string): string {
  const m = /Yosys (\d+\.\d+(?:\+\d+)?)/.exec(text);
  return m ? m[1] : text.trim();
}

/**
 * The kit's adder cells for the generic `hw_fa` / `hw_ha` modules that generated tiles instantiate (their
 * port names are the contract): a techmap file, so the adder trees reach the netlist as the kit's own full
 * and half adders (28 and 14 transistors in sky130hd) rather than re-derived gates.
 */
export function adderCellMap(cellPrefix = 'sky130_fd_sc_hd__'): string {
  return [
    '// generic adders -> kit cells (techmap)',
    'module hw_fa (input wire a, input wire b, input wire ci, output wire s, output wire co);',
    `  ${cellPrefix}fa_1 _TECHMAP_REPLACE_ (.A(a), .B(b), .CIN(ci), .SUM(s), .COUT(co));`,
    'endmodule',
    'module hw_ha (input wire a, input wire b, output wire s, output wire co);',
    `  ${cellPrefix}ha_1 _TECHMAP_REPLACE_ (.A(a), .B(b), .SUM(s), .COUT(co));`,
    'endmodule',
    '',
  ].join('\n');
}

/**
 * Synthesis of one generated tile: generic adders mapped onto kit cells first, then each module synthesized
 * and mapped on its own (a block kind used a thousand times is mapped once), then flattened for the
 * netlist, with constant ties and port buffers as in `synthScript`. It writes the netlist as JSON only:
 * the Verilog netlist is written after the fanout buffers are added (`synthesizeTile`), and writing it here
 * too took 12 s of the 64x1024 tile's 2 minutes.
 */
export function tileSynthScript(o: { liberty: string; sources: readonly string[]; top: string; adderMap: string; stem: string }): string {
  const L = o.liberty;
  return [
    `read_liberty -lib ${L}`,
    ...o.sources.map((s) => `read_verilog -sv ${s}`),
    `hierarchy -top ${o.top}`,
    `techmap -map ${o.adderMap}`,
    `hierarchy -top ${o.top}`,
    `synth -top ${o.top}`,
    `dfflibmap -liberty ${L}`,
    `abc -liberty ${L}`,
    'opt_clean -purge',
    'flatten',
    'opt_clean -purge',
    'setundef -zero',
    'hilomap -singleton -hicell sky130_fd_sc_hd__conb_1 HI -locell sky130_fd_sc_hd__conb_1 LO',
    'insbuf -buf sky130_fd_sc_hd__buf_2 A X',
    'opt_clean -purge',
    'check -assert',
    `tee -q -o ${o.stem}.stat.json stat -json -liberty ${L}`,
    `write_json ${o.stem}.json`,
    '',
  ].join('\n');
}

/** CPU seconds and peak memory of a yosys run, from the end of its log ("CPU: user 82.75s system 1.28s, MEM: 481.99 MB peak"). */
export function parseYosysResources(log: string): { cpuS?: number; peakMb?: number } {
  const m = /CPU: user ([\d.]+)s system ([\d.]+)s(?:, MEM: ([\d.]+) MB peak)?/.exec(log.slice(-2000));
  if (!m) return {};
  return { cpuS: Number((Number(m[1]) + Number(m[2])).toFixed(2)), peakMb: m[3] === undefined ? undefined : Number(m[3]) };
}

/**
 * Transistors of a flattened netlist by top-level instance group: a cell named `u_tree12.fa3` (or, for
 * yosys's own names, `$flatten\u_tree12.$abc$...`) belongs to group `u_tree`; cells of the top module itself
 * to `top`, the fanout buffer trees (`fanout_*`) to `fanout`. Generated tiles name their instances by what they are, so the groups say where transistors go.
 */
export function transistorsByInstanceGroup(netlist: { modules: Record<string, { cells: Record<string, { type: string }> }> }, top: string, perCell: ReadonlyMap<string, number>): Record<string, number> {
  const module = netlist.modules[top];
  if (!module) throw new Error(`netlist has no module ${top}`);
  const groups: Record<string, number> = {};
  for (const [name, cell] of Object.entries(module.cells)) {
    const bare = name.startsWith('$flatten\\') ? name.slice('$flatten\\'.length) : name;
    const dot = bare.indexOf('.');
    const group = dot > 0 && !bare.startsWith('$') ? bare.slice(0, dot).replace(/\d+$/, '') : bare.startsWith('fanout_') ? 'fanout' : 'top';
    groups[group] = (groups[group] ?? 0) + (perCell.get(cell.type) ?? 0);
  }
  return Object.fromEntries(Object.entries(groups).sort((a, b) => a[0].localeCompare(b[0])));
}
