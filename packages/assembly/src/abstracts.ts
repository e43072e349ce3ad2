/**
 * Chip assembly text (pure): LEF abstracts of floorplan tiles, the DEF of a reticle field with the tiles
 * as fixed macros, an OpenROAD macro-placement script, and the JSON the KLayout scripts build GDS from.
 * Units: the floorplan is in mm (wafer coordinates, y up); LEF/DEF in µm with 1000 DEF units per µm.
 * Positions snap to the placement grid (sky130hd site 0.46 µm in x, row 2.72 µm in y).
 */

import type { WaferField } from '@hardwire/floorplan';

export const DBU_PER_UM = 1000;
export const GRID_X_UM = 0.46;
export const GRID_Y_UM = 2.72;

export interface AsmTile {
  readonly id: string;
  readonly role: string;
  readonly layer: number | null;
  /** Floorplan position and size in mm, wafer coordinates. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly busBits: number;
}

/** A DEF/LEF-safe macro name for a tile id (`l0.attention.3` -> `hw_l0_attention_3`). */
export function macroName(tileId: string): string {
  return `hw_${tileId.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

const snap = (v: number, step: number) => Math.round(v / step) * step;
const um = (mm: number) => mm * 1000;
const fmt = (v: number) => Number(v.toFixed(3)).toString();

/** Tile size in µm, rounded down to the placement grid (a macro must fit its floorplan footprint). */
export function macroSizeUm(t: AsmTile): { w: number; h: number } {
  return { w: Number((Math.floor(um(t.w) / GRID_X_UM + 1e-9) * GRID_X_UM).toFixed(3)), h: Number((Math.floor(um(t.h) / GRID_Y_UM + 1e-9) * GRID_Y_UM).toFixed(3)) };
}

/** Where a tile's lower-left corner lands in its field, µm from the field's lower-left corner, on the grid. */
export function placedOriginUm(t: AsmTile, f: WaferField): { x: number; y: number } {
  return { x: Number(snap(um(t.x - f.x), GRID_X_UM).toFixed(3)), y: Number(snap(um(t.y - f.y), GRID_Y_UM).toFixed(3)) };
}

export interface PinPlan {
  /** Pins per edge and the bits each one stands for. */
  readonly pins: number;
  readonly bitsPerPin: number;
}

/** One pin per `pitchUm` along an edge, at most one per bit: a pin stands for ceil(bits/pins) wires of the bus. */
export function pinPlan(bits: number, edgeUm: number, pitchUm: number): PinPlan {
  const slots = Math.max(1, Math.floor(edgeUm / pitchUm) - 1);
  const pins = Math.max(1, Math.min(bits, slots));
  return { pins, bitsPerPin: Math.ceil(bits / pins) };
}

/**
 * LEF abstract of a tile: CLASS BLOCK, its size, input pins along the left edge and output pins along the
 * right edge (the dataflow bus from the previous tile and to the next), power pins, and obstructions over
 * the whole tile on met1–met4 so a top-level router only crosses it on met5.
 */
export function tileLef(t: AsmTile, o: { pinPitchUm: number; pinLayer: string }): string {
  const { w, h } = macroSizeUm(t);
  const name = macroName(t.id);
  const plan = pinPlan(t.busBits, h, o.pinPitchUm);
  const pinW = 0.3;
  const lines = [
    `# Hardwire abstract of floorplan tile ${t.id} (${t.role}${t.layer === null ? '' : `, layer ${t.layer}`}); ${plan.pins} pins per side, each standing for ${plan.bitsPerPin} of ${t.busBits} bus bits`,
    `MACRO ${name}`,
    '  CLASS BLOCK ;',
    '  ORIGIN 0 0 ;',
    `  SIZE ${fmt(w)} BY ${fmt(h)} ;`,
    '  SYMMETRY X Y ;',
  ];
  const step = h / (plan.pins + 1);
  for (const [side, dir, x0] of [['in', 'INPUT', 0], ['out', 'OUTPUT', w - pinW]] as const) {
    for (let i = 0; i < plan.pins; i++) {
      const y = Number(((i + 1) * step).toFixed(3));
      lines.push(`  PIN ${side}[${i}]`, `    DIRECTION ${dir} ;`, '    USE SIGNAL ;', '    PORT', `      LAYER ${o.pinLayer} ;`, `        RECT ${fmt(x0)} ${fmt(y - pinW / 2)} ${fmt(x0 + pinW)} ${fmt(y + pinW / 2)} ;`, '    END', `  END ${side}[${i}]`);
    }
  }
  for (const [pin, use, y0] of [['VPWR', 'POWER', h - 1.6], ['VGND', 'GROUND', 0]] as const) {
    lines.push(`  PIN ${pin}`, '    DIRECTION INOUT ;', `    USE ${use} ;`, '    PORT', '      LAYER met5 ;', `        RECT 0 ${fmt(Math.max(0, y0))} ${fmt(w)} ${fmt(Math.max(0, y0) + 1.6)} ;`, '    END', `  END ${pin}`);
  }
  lines.push('  OBS');
  for (const layer of ['li1', 'met1', 'met2', 'met3', 'met4']) lines.push(`    LAYER ${layer} ;`, `      RECT ${fmt(pinW + 0.5)} 0 ${fmt(w - pinW - 0.5)} ${fmt(h)} ;`);
  lines.push('  END', `END ${name}`, '');
  return lines.join('\n');
}

export interface FieldStitch {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/**
 * DEF of one reticle field: the die is the field, every tile a FIXED macro at its floorplan position
 * (snapped to the placement grid), and the stitch wires crossing each field edge as pins on that edge
 * (one pin per `pinPitchUm` at most, each standing for a share of the wires).
 */
export function fieldDef(field: WaferField, tiles: readonly AsmTile[], stitch: FieldStitch, o: { design: string; pinPitchUm: number; pinLayer: string }): string {
  const w = um(field.w);
  const h = um(field.h);
  const d = (v: number) => Math.round(v * DBU_PER_UM);
  const lines = ['VERSION 5.8 ;', 'DIVIDERCHAR "/" ;', 'BUSBITCHARS "[]" ;', `DESIGN ${o.design} ;`, `UNITS DISTANCE MICRONS ${DBU_PER_UM} ;`, '', `DIEAREA ( 0 0 ) ( ${d(w)} ${d(h)} ) ;`, ''];
  lines.push(`COMPONENTS ${tiles.length} ;`);
  for (const t of tiles) {
    const p = placedOriginUm(t, field);
    lines.push(`- ${macroName(t.id)}_i ${macroName(t.id)} + FIXED ( ${d(p.x)} ${d(p.y)} ) N ;`);
  }
  lines.push('END COMPONENTS', '');
  const pins: string[] = [];
  const edge = (name: 'left' | 'right' | 'top' | 'bottom', wires: number) => {
    if (wires <= 0) return;
    const length = name === 'left' || name === 'right' ? h : w;
    const plan = pinPlan(wires, length, o.pinPitchUm);
    const step = length / (plan.pins + 1);
    for (let i = 0; i < plan.pins; i++) {
      const along = (i + 1) * step;
      const [x, y, orient] = name === 'left' ? [0, along, 'E'] : name === 'right' ? [w, along, 'W'] : name === 'bottom' ? [along, 0, 'N'] : [along, h, 'S'];
      const pin = `stitch_${name}[${i}]`;
      pins.push(`- ${pin} + NET ${pin} + DIRECTION INOUT + USE SIGNAL`, `  + LAYER ${o.pinLayer} ( -150 0 ) ( 150 600 )`, `  + FIXED ( ${d(x)} ${d(y)} ) ${orient} ;`);
    }
  };
  edge('left', stitch.left);
  edge('right', stitch.right);
  edge('bottom', stitch.bottom);
  edge('top', stitch.top);
  const pinCount = pins.filter((l) => l.startsWith('- ')).length;
  lines.push(`PINS ${pinCount} ;`, ...pins, 'END PINS', '', 'END DESIGN', '');
  return lines.join('\n');
}

/** OpenROAD: read the abstracts, make the field's floorplan, place every tile macro where the floorplan put it, fixed. */
export function openroadFieldTcl(field: WaferField, tiles: readonly AsmTile[], o: { design: string; techLef: string; defFile: string }): string {
  const lines = [
    `# Hardwire: reticle field ${field.wafer}-${field.id} for OpenROAD (openroad -exit field.tcl)`,
    `read_lef ${o.techLef}`,
    ...[...new Set(tiles.map((t) => macroName(t.id)))].map((m) => `read_lef tiles/${m}.lef`),
    `read_def ${o.defFile}`,
    '# Macro placement (also FIXED in the DEF): lower-left corners in µm, orientation R0',
  ];
  for (const t of tiles) {
    const p = placedOriginUm(t, field);
    lines.push(`place_macro -macro_name ${macroName(t.id)}_i -location {${fmt(p.x)} ${fmt(p.y)}} -orientation R0`);
  }
  lines.push('# Top-level routing between tiles and to the stitch pins can follow (global_route, detailed_route).', '');
  return lines.join('\n');
}

/** The KLayout field-GDS job: one cell per tile, from its routed GDS when hardened, else an outline box with a label. */
export interface FieldGdsJob {
  readonly top: string;
  readonly fieldWidthUm: number;
  readonly fieldHeightUm: number;
  readonly instances: readonly {
    readonly name: string;
    readonly cell: string;
    readonly xUm: number;
    readonly yUm: number;
    readonly wUm: number;
    readonly hUm: number;
    readonly label: string;
    /** Routed GDS of the tile (hardened) and the name of its top cell. */
    readonly gds?: string;
    readonly gdsTop?: string;
  }[];
}

export function fieldGdsJob(field: WaferField, tiles: readonly AsmTile[], hardened: ReadonlyMap<string, { gds: string; top: string; note: string }>, o: { top: string; areaPerTileLabel: (t: AsmTile) => string }): FieldGdsJob {
  return {
    top: o.top,
    fieldWidthUm: um(field.w),
    fieldHeightUm: um(field.h),
    instances: tiles.map((t) => {
      const p = placedOriginUm(t, field);
      const s = macroSizeUm(t);
      const h = hardened.get(t.id);
      return { name: `${macroName(t.id)}_i`, cell: macroName(t.id), xUm: p.x, yUm: p.y, wUm: s.w, hUm: s.h, label: h ? `${t.id}: ${h.note}` : `${t.id} ${o.areaPerTileLabel(t)}`, gds: h?.gds, gdsTop: h?.top };
    }),
  };
}

export interface OverlapReport {
  readonly overlaps: number;
  readonly pairs: [string, string][];
}

/** Pairs of boxes (µm) whose interiors intersect. */
export function countOverlaps(boxes: readonly { name: string; x0: number; y0: number; x1: number; y1: number }[], eps = 1e-6): OverlapReport {
  const sorted = [...boxes].sort((a, b) => a.x0 - b.x0);
  const pairs: [string, string][] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].x0 < sorted[i].x1 - eps; j++) {
      const a = sorted[i];
      const b = sorted[j];
      if (a.y0 < b.y1 - eps && b.y0 < a.y1 - eps) pairs.push([a.name, b.name]);
    }
  }
  return { overlaps: pairs.length, pairs };
}

/** Inventory tensors a floorplan role is made of (as floorTiles groups them). */
export function roleTensorMatch(floorRole: string, tensorRole: string): boolean {
  if (floorRole === 'embed') return tensorRole === 'embed';
  if (floorRole === 'head') return tensorRole === 'head';
  if (floorRole === 'attention') return tensorRole.startsWith('attn.') && !tensorRole.endsWith('_bias') && tensorRole !== 'attn.sinks';
  if (floorRole === 'mlp') return (tensorRole.startsWith('mlp.') || tensorRole.startsWith('moe.') || tensorRole === 'proj.in') && !tensorRole.endsWith('_bias');
  return false;
}

/**
 * The matrix window a hardened floorplan tile starts with (pure): floorplan tile `<group>.<i>` of `n` holds
 * the i-th n-th of its group's coefficients (the group's tensors in inventory order), so its first
 * coefficient falls in one tensor at one row; the window is `rows` x `cols` there (column 0). KV tiles are
 * SRAM and have none.
 */
export function hardenWindow(
  tile: { id: string; role: string; layer: number | null },
  tilesInGroup: number,
  tensors: ReadonlyArray<{ name: string; role: string; layer: number | null; shape: readonly number[]; params: number }>,
  rows: number,
  cols: number,
): { tensor: string; row: number; col: number } | undefined {
  if (tile.role === 'kv') return undefined;
  const group = tensors.filter((t) => t.layer === tile.layer && roleTensorMatch(tile.role, t.role) && t.shape.length >= 2);
  const total = group.reduce((s, t) => s + t.params, 0);
  const index = Number(/\.(\d+)$/.exec(tile.id)?.[1] ?? 0);
  let offset = Math.floor((index * total) / Math.max(1, tilesInGroup));
  for (const t of group) {
    if (offset < t.params) {
      const cols0 = t.shape[t.shape.length - 1];
      const rowsAll = t.params / cols0;
      if (rowsAll < rows || cols0 < cols) return undefined;
      return { tensor: t.name, row: Math.min(Math.floor(offset / cols0), rowsAll - rows), col: 0 };
    }
    offset -= t.params;
  }
  return undefined;
}

function escXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Picture of an assembled field (pure SVG): the field outline, every tile's footprint with its label
 * (sized to fit), and for hardened tiles their routed layout (a PNG data URI) drawn at true scale in the
 * footprint's corner plus an enlarged inset, so a reviewer sees real layout among the abstract boxes.
 */
export function fieldAssemblySvg(job: FieldGdsJob, title: string, layouts: ReadonlyMap<string, { png: string; wUm: number; hUm: number }>, heightPx = 2000): string {
  const pad = job.fieldHeightUm * 0.04;
  const scale = heightPx / (job.fieldHeightUm + 2 * pad);
  const width = Math.round((job.fieldWidthUm + 2 * pad) * scale);
  const head = heightPx * 0.05;
  const X = (x: number) => (x + pad) * scale;
  const Y = (y: number) => head + (job.fieldHeightUm + pad - y) * scale;
  const font = 'font-family="DejaVu Sans, Lato, Liberation Sans, Arial, sans-serif"';
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${Math.round(heightPx + head)}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${(heightPx * 0.02).toFixed(1)}" y="${(head * 0.7).toFixed(1)}" ${font} font-size="${Math.min(head * 0.5, (width * 0.95) / (0.6 * title.length)).toFixed(1)}" font-weight="bold" fill="#111827">${escXml(title)}</text>`,
    `<rect x="${X(0).toFixed(1)}" y="${Y(job.fieldHeightUm).toFixed(1)}" width="${(job.fieldWidthUm * scale).toFixed(1)}" height="${(job.fieldHeightUm * scale).toFixed(1)}" fill="#f9fafb" stroke="#374151" stroke-width="3"/>`,
  ];
  for (const i of job.instances) {
    const x = X(i.xUm);
    const y = Y(i.yUm + i.hUm);
    const w = i.wUm * scale;
    const h = i.hUm * scale;
    const layout = layouts.get(i.cell);
    out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${layout ? '#ecfdf5' : '#e5e7eb'}" stroke="${layout ? '#047857' : '#6b7280'}" stroke-width="2"/>`);
    const lines = i.label.split(/(?<=:) |, (?=\d)/).slice(0, 4);
    const size = Math.min(h * 0.07, (w * 0.92) / (0.6 * Math.max(...lines.map((l) => l.length))));
    lines.forEach((line, k) => out.push(`<text x="${(x + w * 0.04).toFixed(1)}" y="${(y + size * (1.4 + k * 1.25)).toFixed(1)}" ${font} font-size="${size.toFixed(1)}" fill="#111827">${escXml(line)}</text>`));
    if (layout) {
      // True scale at the footprint's lower-left corner (where the GDS puts it), and an inset.
      out.push(`<image x="${x.toFixed(2)}" y="${(y + h - layout.hUm * scale).toFixed(2)}" width="${(layout.wUm * scale).toFixed(2)}" height="${(layout.hUm * scale).toFixed(2)}" xlink:href="${layout.png}" href="${layout.png}"/>`);
      const inset = Math.min(w, h) * 0.6;
      const ix = x + (w - inset) / 2;
      const iy = y + h - inset - h * 0.06;
      out.push(`<rect x="${ix.toFixed(1)}" y="${iy.toFixed(1)}" width="${inset.toFixed(1)}" height="${inset.toFixed(1)}" fill="#ffffff" stroke="#047857" stroke-width="1.5"/>`);
      out.push(`<image x="${ix.toFixed(1)}" y="${iy.toFixed(1)}" width="${inset.toFixed(1)}" height="${inset.toFixed(1)}" preserveAspectRatio="xMidYMid meet" xlink:href="${layout.png}" href="${layout.png}"/>`);
      out.push(`<text x="${(ix + inset / 2).toFixed(1)}" y="${(iy + inset + size * 1.1).toFixed(1)}" ${font} font-size="${(size * 0.8).toFixed(1)}" text-anchor="middle" fill="#047857">routed sky130 layout, enlarged ${Math.round(inset / (layout.wUm * scale))}x</text>`);
    }
  }
  out.push('</svg>');
  return out.join('\n');
}
