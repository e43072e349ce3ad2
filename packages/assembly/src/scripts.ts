/**
 * KLayout batch scripts of the assembly (pure text; `klayout -zz -r script.py -rd job=job.json -rd out=...`).
 * Layers: tile outlines and labels on 235/4 and 235/5 (the sky130 prBoundary purpose), field and wafer
 * outlines on 235/4 as well; routed tile GDS keep their own layers.
 */

/** Field GDS: top cell with one instance per tile; hardened tiles bring their routed GDS as the cell. */
export const KLAYOUT_FIELD_GDS = `# Hardwire: assemble a reticle field (KLayout batch). Variables: job (JSON), out (GDS)
import json
import pya
job = json.load(open(job))
layout = pya.Layout()
layout.dbu = 0.001
outline = layout.layer(235, 4)
text = layout.layer(235, 5)
top = layout.create_cell(job['top'])
top.shapes(outline).insert(pya.DBox(0, 0, job['fieldWidthUm'], job['fieldHeightUm']))
for inst in job['instances']:
    holder = layout.create_cell(inst['cell'])
    if inst.get('gds'):
        # The routed layout sits at the lower-left corner of its footprint, the label near the top.
        layout.read(inst['gds'])
        holder.insert(pya.DCellInstArray(layout.cell(inst['gdsTop']).cell_index(), pya.DTrans(0.0, 0.0)))
        label_y = inst['hUm'] * 0.9
    else:
        label_y = inst['hUm'] * 0.5
    holder.shapes(outline).insert(pya.DBox(0, 0, inst['wUm'], inst['hUm']))
    label = pya.DText(inst['label'], pya.DTrans(float(inst['wUm']) * 0.04, float(label_y)))
    label.size = inst['hUm'] * 0.025
    holder.shapes(text).insert(label)
    top.insert(pya.DCellInstArray(holder.cell_index(), pya.DTrans(float(inst['xUm']), float(inst['yUm']))))
layout.write(out)
`;

/** Wafer GDS: field outlines in wafer coordinates (µm, origin at the wafer centre), the wafer and its usable circle, and each assembled field instanced where it exists. */
export const KLAYOUT_WAFER_GDS = `# Hardwire: wafer outline with field outlines (KLayout batch). Variables: job (JSON), out (GDS)
import json
import pya
job = json.load(open(job))
layout = pya.Layout()
layout.dbu = 0.001
outline = layout.layer(235, 4)
text = layout.layer(235, 5)
top = layout.create_cell(job['top'])
r = job['diameterUm'] / 2.0
top.shapes(outline).insert(pya.DPolygon(pya.DBox(-r, -r, r, r)).round_corners(0, r, 256))
ru = r - job['edgeExclusionUm']
top.shapes(outline).insert(pya.DPolygon(pya.DBox(-ru, -ru, ru, ru)).round_corners(0, ru, 256))
for f in job['fields']:
    if f.get('gds'):
        layout.read(f['gds'])
        cell = layout.cell(f['gdsTop'])
        top.insert(pya.DCellInstArray(cell.cell_index(), pya.DTrans(float(f['xUm']), float(f['yUm']))))
    else:
        holder = layout.create_cell(f['cell'])
        holder.shapes(outline).insert(pya.DBox(0, 0, f['wUm'], f['hUm']))
        holder.shapes(text).insert(pya.DText(f['label'], pya.DTrans(float(f['wUm']) * 0.05, float(f['hUm']) * 0.5)))
        top.insert(pya.DCellInstArray(holder.cell_index(), pya.DTrans(float(f['xUm']), float(f['yUm']))))
layout.write(out)
`;

/** KLayout reads a DEF (with the LEF abstracts) and lists the placed instances: the DEF round trip. */
export const KLAYOUT_DEF_READBACK = `# Hardwire: read a DEF with LEFs and list instance positions (KLayout batch). Variables: def_file, lefs (comma list), summary
import json
import pya
opts = pya.LoadLayoutOptions()
cfg = opts.lefdef_config
cfg.lef_files = [p for p in lefs.split(',') if p]
cfg.read_lef_with_def = False
layout = pya.Layout()
layout.read(def_file, opts)
top = layout.top_cell()
out = []
for inst in top.each_inst():
    b = inst.dbbox()
    out.append({'cell': inst.cell.name, 'xUm': inst.dcplx_trans.disp.x, 'yUm': inst.dcplx_trans.disp.y, 'bboxUm': [b.left, b.bottom, b.right, b.top]})
with open(summary, 'w') as f:
    json.dump({'top': top.name, 'instances': out}, f)
`;
