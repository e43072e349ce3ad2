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
}): string {
  const L = options.liberty;
  const lines = [`read_liberty -lib ${L}`, ...options.sources.map((s) => `read_verilog -sv ${s}`), 'design -save rtl'];
  for (const m of options.modules) {
    lines.push(
      `# ${m.top}`,
      'design -load rtl',
      `synth -top ${m.top}${options.flatten === false ? '' : ' -flatten'}`,
      `dfflibmap -liberty ${L}`,
      `abc -liberty ${L}`,
      'opt_clean -purge',
      'setundef -zero',
      'hilomap -singleton -hicell sky130_fd_sc_hd__conb_1 HI -locell sky130_fd_sc_hd__conb_1 LO',
      ...(options.portBuffers === false ? [] : ['insbuf -buf sky130_fd_sc_hd__buf_2 A X']),
      'opt_clean -purge',
      'check -assert',
      `tee -q -o ${m.stem}.stat.json stat -json -liberty ${L}`,
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
