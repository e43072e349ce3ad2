/**
 * Tool scripts of the physical flow (pure text builders). Each takes its file paths as arguments so the
 * driver decides where things live; none embeds a machine path.
 *
 * - KLayout (batch `klayout -zz -r script.py -rd name=value`): DEF + LEF + cell GDS to GDS, GDS to PNG,
 *   GDS read-back summary. API: https://www.klayout.de/doc/code/index.html (pya.Layout, LEFDEFReaderConfiguration,
 *   LayoutView.save_image).
 * - magic (`magic -dnull -noconsole -T tech script.tcl`): DRC counts per rule, extraction to SPICE for LVS.
 * - netgen (`netgen-lvs -batch lvs ... setup.tcl report`): a setup for the sky130 fd_pr devices.
 * - qrouter (`qrouter -nog -noc -s script.tcl`): its standard route script.
 * - OpenSTA (`sta -no_splash -exit script.tcl`): worst setup slack at a clock period.
 */

/** KLayout: routed DEF (with technology and cell LEFs) to GDS, the LEF abstracts replaced by the kit's cell GDS. */
export const KLAYOUT_DEF_TO_GDS = `# Hardwire: routed DEF -> GDS (KLayout batch). Variables: def_file, out_gds, lyt, tlef, lef, cell_gds, summary
import json
import pya
tech = pya.Technology()
tech.load(lyt)
opts = tech.load_layout_options
cfg = opts.lefdef_config
cfg.lef_files = [tlef, lef]
cfg.paths_relative_to_cwd = True
cfg.read_lef_with_def = True
layout = pya.Layout()
layout.read(def_file, opts)
top = layout.top_cell()
top_name = top.name
# The DEF pin names arrive as texts on each metal's label datatype (5), which magic reads as plain text; on the
# pin datatype (16) they are ports, so the extracted top subcircuit has the tile's pins for LVS to match by name.
for metal in range(67, 73):
    src = layout.find_layer(metal, 5)
    if src is None:
        continue
    dst = layout.layer(metal, 16)
    texts = [s for s in top.shapes(src).each() if s.is_text()]
    for s in texts:
        top.shapes(dst).insert(s.text)
    for s in texts:
        top.shapes(src).erase(s)
# Power ports: a text on the first met2 strap of each power net (shapes carry their net name as property 1).
met2 = layout.find_layer(69, 20)
for net in ('VPWR', 'VGND'):
    if met2 is None:
        break
    for s in top.shapes(met2).each():
        if s.property(1) == net:
            top.shapes(layout.layer(69, 16)).insert(pya.Text(net, pya.Trans(s.bbox().center())))
            break
abstract = [c.cell_index() for c in layout.each_cell() if c.cell_index() != top.cell_index() and not c.name.startswith('VIA') and not c.name.startswith('via')]
for index in abstract:
    layout.cell(index).clear()
layout.read(cell_gds)
empty = sorted(c.name for c in layout.each_cell() if c.is_empty() and c.cell_index() != top.cell_index())
out = pya.Layout()
out.dbu = layout.dbu
new_top = out.create_cell(top_name)
new_top.copy_tree(layout.cell(top_name))
out.write(out_gds)
box = new_top.dbbox()
with open(summary, 'w') as f:
    json.dump({'top': top_name, 'cells': out.cells(), 'emptyCells': empty, 'bboxUm': [box.left, box.bottom, box.right, box.top]}, f)
`;

/** KLayout: GDS to PNG with the kit's layer colours, every hierarchy level drawn (optional `zoom=x0,y0,x1,y1` in µm, `texts=true`). */
export const KLAYOUT_RENDER = `# Hardwire: GDS -> PNG (KLayout batch, no display). Variables: gds, lyp, png, width, height
import pya
view = pya.LayoutView()
view.load_layout(gds, True)
view.load_layer_props(lyp)
view.max_hier()
view.zoom_fit()
if globals().get('zoom'):
    # A close-up: x0,y0,x1,y1 in µm
    x0, y0, x1, y1 = [float(v) for v in zoom.split(',')]
    view.zoom_box(pya.DBox(x0, y0, x1, y1))
view.set_config('background-color', '#ffffff')
view.set_config('grid-visible', 'false')
view.set_config('text-visible', globals().get('texts', 'false'))
view.set_config('cell-box-visible', 'false')
view.save_image(png, int(width), int(height))
`;

/** KLayout: read a GDS back and summarize it (top cells, instances of the top, bounding box, shapes per layer). */
export const KLAYOUT_READBACK = `# Hardwire: GDS read-back summary (KLayout batch). Variables: gds, summary
import json
import pya
layout = pya.Layout()
layout.read(gds)
tops = [c.name for c in layout.top_cells()]
top = layout.top_cells()[0]
box = top.dbbox()
instances = []
for inst in top.each_inst():
    b = inst.dbbox()
    instances.append({'cell': inst.cell.name, 'xUm': inst.dcplx_trans.disp.x, 'yUm': inst.dcplx_trans.disp.y, 'bboxUm': [b.left, b.bottom, b.right, b.top]})
layers = {}
for li in layout.layer_indexes():
    info = layout.get_info(li)
    n = 0
    it = top.begin_shapes_rec(li)
    while not it.at_end():
        n += 1
        it.next()
    if n:
        layers['%d/%d' % (info.layer, info.datatype)] = n
with open(summary, 'w') as f:
    json.dump({'topCells': tops, 'top': top.name, 'cells': layout.cells(), 'bboxUm': [box.left, box.bottom, box.right, box.top], 'instances': instances, 'shapesByLayer': layers}, f)
`;

/** magic: DRC of a GDS top cell; writes `style S total N` then `count<TAB>rule` lines. */
export function magicDrcScript(o: { gds: string; top: string; style: string; report: string }): string {
  return [
    '# Hardwire: full-chip DRC of a GDS with magic',
    'gds readonly true',
    `gds read ${tclWord(o.gds)}`,
    `load ${tclWord(o.top)}`,
    'select top cell',
    `drc style ${o.style}`,
    'drc euclidean on',
    'drc check',
    'drc catchup',
    'set n [drc list count total]',
    `set f [open ${tclWord(o.report)} w]`,
    `puts $f "style ${o.style} total $n"`,
    'set errors [drc listall why]',
    'foreach {why boxes} $errors { puts $f "[llength $boxes]\\t$why" }',
    // Where: every error box in µm (magic's internal units times its CIF output scale), up to 100 per rule.
    'set um [cif scale out]',
    'foreach {why boxes} $errors { foreach b [lrange $boxes 0 99] { puts $f [format "box\\t%.3f %.3f %.3f %.3f\\t%s" [expr {[lindex $b 0] * $um}] [expr {[lindex $b 1] * $um}] [expr {[lindex $b 2] * $um}] [expr {[lindex $b 3] * $um}] $why] } }',
    'close $f',
    'puts "DRC_TOTAL $n"',
    'quit -noprompt',
    '',
  ].join('\n');
}

/**
 * magic: DRC of each named cell of a cell-library GDS on its own; writes `CELL name N` and then
 * `  count<TAB>rule` lines per cell. Finds the standard cells whose own layout breaks a rule.
 */
export function magicCellDrcScript(o: { gds: string; cells: readonly string[]; style: string; report: string }): string {
  return [
    '# Hardwire: DRC of every library cell on its own with magic',
    'gds readonly true',
    `gds read ${tclWord(o.gds)}`,
    `drc style ${o.style}`,
    'drc euclidean on',
    `set f [open ${tclWord(o.report)} w]`,
    `foreach c {${o.cells.map(tclWord).join(' ')}} {`,
    '  if {[catch {load $c}]} { puts $f "CELL $c missing"; continue }',
    '  select top cell',
    '  drc check',
    '  drc catchup',
    '  puts $f "CELL $c [drc list count total]"',
    '  foreach {why boxes} [drc listall why] { puts $f "  [llength $boxes]\t$why" }',
    '}',
    'close $f',
    'quit -noprompt',
    '',
  ].join('\n');
}

/** magic: extract a GDS top cell to a SPICE netlist for LVS (run inside a scratch folder: magic writes .ext files there). */
export function magicExtractScript(o: { gds: string; top: string; spice: string }): string {
  return [
    '# Hardwire: transistor-level extraction of a GDS with magic',
    'gds readonly true',
    `gds read ${tclWord(o.gds)}`,
    `load ${tclWord(o.top)}`,
    'select top cell',
    'extract no all',
    'extract do local',
    'extract all',
    'ext2spice lvs',
    'ext2spice subcircuit top on',
    `ext2spice -o ${tclWord(o.spice)}`,
    'quit -noprompt',
    '',
  ].join('\n');
}

/** netgen setup for sky130 fd_pr devices: source/drain permutable, parallel devices merged, layout-only properties dropped, physical-only cells ignored. */
export function netgenSetup(physicalCells: readonly string[]): string {
  const devices = ['nfet_01v8', 'pfet_01v8_hvt', 'pfet_01v8', 'nfet_01v8_lvt', 'pfet_01v8_lvt', 'special_nfet_01v8', 'special_pfet_01v8_hvt'];
  const lines = ['# Hardwire: netgen setup for sky130_fd_sc_hd LVS'];
  for (const d of devices) {
    for (const side of ['-circuit1', '-circuit2']) {
      lines.push(`catch {permute "${side} sky130_fd_pr__${d}" 1 3}`);
      lines.push(`catch {property "${side} sky130_fd_pr__${d}" parallel enable}`);
      lines.push(`catch {property "${side} sky130_fd_pr__${d}" delete ad as pd ps nrd nrs sa sb sd mult topography area perim}`);
    }
  }
  // The tie cell's resistors: w/l come from the layout only (the CDL's are zero-ohm shorts).
  for (const side of ['-circuit1', '-circuit2']) lines.push(`catch {property "${side} sky130_fd_pr__res_generic_po" delete w l}`);
  for (const c of physicalCells) {
    for (const side of ['-circuit1', '-circuit2']) lines.push(`catch {ignore class "${side} ${c}"}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * qrouter: read the LEFs, `layers` route layers from li1 up, stacked vias up to 2, die-edge obstructions, then
 * a bounded version of its standard schedule (stage 1, stage 2 with growing masks and effort; `cleanup` adds
 * the two stage-3 rip-up rounds, which roughly double the run time), then qrouter's own via clean-up
 * (`cleanup all`, which standard_route also ends with) before the DEF is written. `powerNets` declares
 * VPWR/VGND to qrouter as power nets. Measured on the 8x16 parallel tile on li1–met4: the via clean-up takes
 * magic DRC error tiles from 1,977 to 1,699. No stacked vias (`via stack 1`) would remove the bare met3 pads
 * of met2→met4 stacks (met3.6, 969 boxes) but leaves 2 nets unrouted there, so stacks stay.
 */
export function qrouterScript(o: { techLef: string; cellLef: string; def: string; out: string; obstructions: readonly string[]; layers: number; cleanup: boolean; powerNets: boolean }): string {
  return [
    '# Hardwire: qrouter detailed route',
    'verbose 1',
    `read_lef ${tclWord(o.techLef)}`,
    `read_lef ${tclWord(o.cellLef)}`,
    `catch {layers ${o.layers}}`,
    'via stack 2',
    ...(o.powerNets ? ['vdd VPWR,VPB', 'gnd VGND,VNB'] : []),
    ...o.obstructions,
    `read_def ${tclWord(o.def)}`,
    // qrouter's standard_route schedule with its open-ended tail cut: stage 1, stage 2 with growing masks at
    // effort 10, then two full-grid passes at efforts 20 and 40. A net left over stays unrouted (counted from
    // the DEF) instead of keeping the tile in rip-up for an hour.
    'set result [stage1]',
    'for {set msize 10} {$result > 0 && $msize <= 50} {incr msize 10} { set result [stage2 mask $msize effort 10] }',
    'foreach effort {20 40} { if {$result > 0} { set result [stage2 mask none effort $effort] } }',
    ...(o.cleanup ? ['if {$result < 10} { set result [stage3]; if {$result > 0} { set result [stage2 mask none] }; set result [stage3] }'] : []),
    'cleanup all',
    `write_def ${tclWord(o.out)}`,
    'quit',
    '',
  ].join('\n');
}

/** OpenSTA: worst setup slack of a netlist at one clock period; prints `HW_WNS <ns>` and `HW_TNS <ns>`. */
export function openStaScript(o: { liberty: string; netlist: string; top: string; clockNs: number; clockPort: string }): string {
  return [
    '# Hardwire: static timing with OpenSTA (ideal clock, no wire parasitics)',
    `read_liberty ${tclWord(o.liberty)}`,
    `read_verilog ${tclWord(o.netlist)}`,
    `link_design ${o.top}`,
    `create_clock -name clk -period ${o.clockNs} [get_ports ${o.clockPort}]`,
    `set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports ${o.clockPort}]]`,
    'set_output_delay 0 -clock clk [all_outputs]',
    'report_checks -path_delay max -digits 3',
    'puts "HW_WNS [sta::worst_slack -max]"',
    'puts "HW_TNS [sta::total_negative_slack -max]"',
    'exit',
    '',
  ].join('\n');
}

/** OpenSTA writing the netlist's delays as SDF (for Icarus's `$sdf_annotate`; see power/glitch.ts). */
export function openStaSdfScript(o: { liberty: string; netlist: string; top: string; clockNs: number; clockPort: string; sdf: string }): string {
  return [
    '# Hardwire: cell and wire delays as SDF with OpenSTA (typical corner, no wire parasitics)',
    `read_liberty ${tclWord(o.liberty)}`,
    `read_verilog ${tclWord(o.netlist)}`,
    `link_design ${o.top}`,
    'set_operating_conditions tt_025C_1v80',
    `create_clock -name clk -period ${o.clockNs} [get_ports ${o.clockPort}]`,
    `write_sdf -no_timestamp -digits 4 ${tclWord(o.sdf)}`,
    'exit',
    '',
  ].join('\n');
}

/** A Tcl word: braces unless it is plain. */
function tclWord(s: string): string {
  return /^[A-Za-z0-9_./:@%+,=-]+$/.test(s) ? s : `{${s}}`;
}

/**
 * OpenROAD-flow-scripts design files for one tile (pure): `config.mk` for the sky130hd platform (the tile's RTL,
 * our constraint file, the utilization and density the qflow backend uses) and `constraint.sdc`. Run with
 * `make -C $FLOW_HOME DESIGN_CONFIG=<dir>/config.mk` and `make ... metadata`.
 */
export function orfsDesignFiles(o: { top: string; verilog: string; sdc: string; clockNs: number; coreUtilizationPct: number; placeDensity: number }): { configMk: string; constraintSdc: string } {
  return {
    configMk: [
      '# Hardwire: OpenROAD-flow-scripts design for one tile (generated)',
      `export DESIGN_NAME = ${o.top}`,
      `export DESIGN_NICKNAME = ${o.top}`,
      'export PLATFORM = sky130hd',
      `export VERILOG_FILES = ${o.verilog}`,
      `export SDC_FILE = ${o.sdc}`,
      `export CORE_UTILIZATION = ${o.coreUtilizationPct}`,
      `export PLACE_DENSITY = ${o.placeDensity}`,
      'export TNS_END_PERCENT = 100',
      '',
    ].join('\n'),
    constraintSdc: [
      '# Hardwire: tile timing constraints (generated)',
      `create_clock -name clk -period ${o.clockNs} [get_ports clk]`,
      'set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk]]',
      'set_output_delay 0 -clock clk [all_outputs]',
      '',
    ].join('\n'),
  };
}

/** ORFS `metadata.json` keys mapped to the flow's metric names (the same names the qflow backend reports). */
export function parseOrfsMetadata(json: string): Record<string, number> {
  const d = JSON.parse(json) as Record<string, unknown>;
  const pick = (...keys: string[]) => {
    for (const k of keys) if (typeof d[k] === 'number') return d[k] as number;
    return undefined;
  };
  const out: Record<string, number> = {};
  const map: [string, string[]][] = [
    ['route__net__count', ['detailedroute__route__net', 'globalroute__route__net']],
    ['route__net__unrouted__count', ['detailedroute__route__net__unrouted', 'finish__route__net__unrouted']],
    ['finish__design__die__area', ['finish__design__die__area']],
    ['finish__design__instance__utilization', ['finish__design__instance__utilization']],
    ['drc__error__count', ['detailedroute__route__drc_errors', 'finish__route__drc_errors']],
    ['timing__setup__ws', ['finish__timing__setup__ws']],
  ];
  for (const [name, keys] of map) {
    const v = pick(...keys);
    if (v !== undefined) out[name] = v;
  }
  return out;
}
