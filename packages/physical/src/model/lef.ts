/**
 * The one LEF reader of the physical flow (pure). A technology LEF becomes its layers (type, direction, width,
 * spacing, minimum area, minimum enclosed area) and its fixed vias (rectangles per layer); a cell LEF becomes
 * its macros (size, class, pins with their use and rectangles per layer, obstructions). Every pass reads
 * these models instead of matching LEF text itself. LEF 5.8 reference: the LEF/DEF Language Reference (Si2);
 * only the statements the sky130hd kit and qflow use are read.
 */

/** A `KEYWORD name ... END name` block of LEF text: its name, the text between, and where it sits. */
export interface LefBlock {
  readonly name: string;
  /** The statement line after the name (`DEFAULT`, `GENERATE`, or empty). */
  readonly qualifier: string;
  readonly body: string;
  readonly start: number;
  readonly end: number;
}

/** Every top-level `KEYWORD name` … `END name` block of one kind (LAYER, VIA, VIARULE, MACRO, SITE). */
export function lefBlocks(text: string, keyword: 'LAYER' | 'VIA' | 'VIARULE' | 'MACRO' | 'SITE'): LefBlock[] {
  const out: LefBlock[] = [];
  const re = new RegExp(`^${keyword} (\\S+)([^\\n]*)\\n([\\s\\S]*?)^END \\1[ \\t]*$`, 'gm');
  for (const m of text.matchAll(re)) out.push({ name: m[1], qualifier: m[2].trim(), body: m[3], start: m.index, end: m.index + m[0].length });
  return out;
}

export interface LefRect {
  readonly layer: string;
  readonly x0Um: number;
  readonly y0Um: number;
  readonly x1Um: number;
  readonly y1Um: number;
}

export interface LefLayer {
  readonly name: string;
  /** ROUTING, CUT, MASTERSLICE, ... */
  readonly type: string;
  readonly direction?: 'HORIZONTAL' | 'VERTICAL';
  readonly widthUm?: number;
  /**
   * Routing layers: the first SPACINGTABLE's width-0 value, else the first `SPACING s ;`; cut layers: the
   * first SPACING value (cut to cut). 0 when the layer sets none.
   */
  readonly spacingUm: number;
  readonly minAreaUm2: number;
  /** MINENCLOSEDAREA: the smallest hole the layer may have (0 when the LEF sets none). */
  readonly minEnclosedAreaUm2: number;
  /** Whether the LEF gave any spacing at all. */
  readonly hasSpacing: boolean;
}

export interface LefVia {
  readonly name: string;
  readonly isDefault: boolean;
  /** Rectangles in the order written, each on its layer (metal and cut). */
  readonly rects: readonly LefRect[];
}

export interface TechLef {
  readonly layers: ReadonlyMap<string, LefLayer>;
  readonly vias: ReadonlyMap<string, LefVia>;
}

const RECT = /^\s*RECT\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*;/;
const LAYER_LINE = /^\s*LAYER (\S+)\s*;/;

/** Rectangles of a block body, each tagged with the LAYER statement before it. */
function layerRects(body: string): LefRect[] {
  const out: LefRect[] = [];
  let layer = '';
  for (const line of body.split('\n')) {
    const l = LAYER_LINE.exec(line);
    if (l) layer = l[1];
    const r = RECT.exec(line);
    if (r && layer) out.push({ layer, x0Um: Number(r[1]), y0Um: Number(r[2]), x1Um: Number(r[3]), y1Um: Number(r[4]) });
  }
  return out;
}

let techCache: { text: string; lef: TechLef } | undefined;

/** Layers and vias of a technology LEF (the last text read is kept, so passes sharing one LEF parse it once). */
export function readTechLef(text: string): TechLef {
  if (techCache?.text === text) return techCache.lef;
  const layers = new Map<string, LefLayer>();
  for (const b of lefBlocks(text, 'LAYER')) {
    const type = /^\s*TYPE (\S+) ;/m.exec(b.body)?.[1] ?? '';
    const direction = /^\s*DIRECTION (HORIZONTAL|VERTICAL) ;/m.exec(b.body)?.[1] as LefLayer['direction'];
    const width = /^\s*WIDTH\s+([\d.]+)\s*;/m.exec(b.body);
    const area = /^\s*AREA\s+([\d.]+)\s*;/m.exec(b.body);
    const enclosed = /^\s*MINENCLOSEDAREA\s+([\d.]+)\s*;/m.exec(b.body);
    let spacing: RegExpExecArray | null;
    if (type === 'CUT') spacing = /^\s*SPACING\s+([\d.]+)/m.exec(b.body);
    else spacing = /SPACINGTABLE[\s\S]*?WIDTH\s+0(?:\.0+)?\s+([\d.]+)/.exec(b.body) ?? /^\s*SPACING\s+([\d.]+)\s*;/m.exec(b.body);
    layers.set(b.name, {
      name: b.name,
      type,
      direction,
      widthUm: width ? Number(width[1]) : undefined,
      spacingUm: spacing ? Number(spacing[1]) : 0,
      hasSpacing: spacing !== null,
      minAreaUm2: area ? Number(area[1]) : 0,
      minEnclosedAreaUm2: enclosed ? Number(enclosed[1]) : 0,
    });
  }
  const vias = new Map<string, LefVia>();
  for (const b of lefBlocks(text, 'VIA')) vias.set(b.name, { name: b.name, isDefault: b.qualifier === 'DEFAULT', rects: layerRects(b.body) });
  const lef = { layers, vias };
  techCache = { text, lef };
  return lef;
}

export interface LefPin {
  readonly name: string;
  /** USE (SIGNAL, POWER, GROUND, CLOCK, ...), empty when not given. */
  readonly use: string;
  readonly rects: readonly LefRect[];
}

export interface LefMacro {
  readonly name: string;
  readonly cls: string;
  readonly widthUm: number;
  readonly heightUm: number;
  readonly pins: ReadonlyMap<string, LefPin>;
  /** Every rectangle of the macro in the order written, owned by its pin's name or `OBS`. */
  readonly shapes: readonly { readonly owner: string; readonly rect: LefRect }[];
}

let cellCache: { text: string; macros: ReadonlyMap<string, LefMacro> } | undefined;

/** Macros of a cell LEF that give a SIZE (the last text read is kept, so passes sharing one LEF parse it once). */
export function readCellLef(text: string): ReadonlyMap<string, LefMacro> {
  if (cellCache?.text === text) return cellCache.macros;
  const macros = new Map<string, LefMacro>();
  for (const b of lefBlocks(text, 'MACRO')) {
    const size = /^\s*SIZE\s+([\d.]+)\s+BY\s+([\d.]+)\s*;/m.exec(b.body);
    if (!size) continue;
    const cls = /^\s*CLASS ([A-Z ]+?) ;/m.exec(b.body);
    const pins = new Map<string, LefPin>();
    for (const p of b.body.matchAll(/^\s*PIN (\S+)\s*\n([\s\S]*?)^\s*END \1\s*$/gm)) {
      pins.set(p[1], { name: p[1], use: /^\s*USE (\S+)\s*;/m.exec(p[2])?.[1] ?? '', rects: layerRects(p[2]) });
    }
    const shapes: { owner: string; rect: LefRect }[] = [];
    let owner = '';
    let layer = '';
    for (const line of b.body.split('\n')) {
      const pin = /^\s*PIN (\S+)/.exec(line);
      if (pin) owner = pin[1];
      if (/^\s*OBS\b/.test(line)) owner = 'OBS';
      const l = LAYER_LINE.exec(line);
      if (l) layer = l[1];
      const r = RECT.exec(line);
      if (r && owner && layer) shapes.push({ owner, rect: { layer, x0Um: Number(r[1]), y0Um: Number(r[2]), x1Um: Number(r[3]), y1Um: Number(r[4]) } });
    }
    macros.set(b.name, { name: b.name, cls: cls ? cls[1] : '', widthUm: Number(size[1]), heightUm: Number(size[2]), pins, shapes });
  }
  cellCache = { text, macros };
  return macros;
}

export interface RoutingLayer {
  readonly name: string;
  readonly direction: 'HORIZONTAL' | 'VERTICAL';
  readonly widthUm: number;
  readonly spacingUm: number;
  readonly minAreaUm2: number;
  /** MINENCLOSEDAREA: the smallest hole the layer may have (0 when the LEF sets none). */
  readonly minEnclosedAreaUm2: number;
}

/** Routing layers of a technology LEF: direction, width, minimum spacing (first SPACINGTABLE width-0 value, else SPACING) and AREA. */

export function lefRoutingLayers(tlef: string): Map<string, RoutingLayer> {
  const out = new Map<string, RoutingLayer>();
  for (const l of readTechLef(tlef).layers.values()) {
    if (l.type !== 'ROUTING' || !l.direction || l.widthUm === undefined) continue;
    out.set(l.name, { name: l.name, direction: l.direction, widthUm: l.widthUm, spacingUm: l.spacingUm, minAreaUm2: l.minAreaUm2, minEnclosedAreaUm2: l.minEnclosedAreaUm2 });
  }
  return out;
}

export interface ViaPadRect {
  /** Pad on `layer`, in µm relative to the via's origin. */
  readonly layer: string;
  readonly x0Um: number;
  readonly y0Um: number;
  readonly x1Um: number;
  readonly y1Um: number;
}

export interface ViaDef {
  readonly name: string;
  /** Metal layers the via joins, lower first (the cut layer is left out). */
  readonly lower: string;
  readonly upper: string;
  readonly pads: readonly ViaPadRect[];
}

export function lefVias(tlef: string, metalLayers: readonly string[]): Map<string, ViaDef> {
  const out = new Map<string, ViaDef>();
  for (const v of readTechLef(tlef).vias.values()) {
    if (!v.isDefault) continue;
    const pads: ViaPadRect[] = v.rects.filter((r) => metalLayers.includes(r.layer));
    const layers = [...new Set(pads.map((p) => p.layer))].sort((p, q) => metalLayers.indexOf(p) - metalLayers.indexOf(q));
    if (layers.length === 2) out.set(v.name, { name: v.name, lower: layers[0], upper: layers[1], pads });
  }
  return out;
}

/** Every via of every net in a routed DEF's NETS section, at its point. */

/**
 * The cut of each fixed via of a technology LEF (pure): half its size (from the via's cut-layer RECT) and the
 * cut layer's cut-to-cut SPACING, in DEF units. Vias whose cut layer sets no spacing are left out.
 */
export function lefViaCuts(tlef: string, dbuPerUm: number): Map<string, { cutLayer: string; halfDbu: number; spacingDbu: number }> {
  const tech = readTechLef(tlef);
  const out = new Map<string, { cutLayer: string; halfDbu: number; spacingDbu: number }>();
  for (const v of tech.vias.values()) {
    if (!v.isDefault) continue;
    const cut = v.rects.find((r) => tech.layers.get(r.layer)?.type === 'CUT' && tech.layers.get(r.layer)!.hasSpacing);
    if (cut) out.set(v.name, { cutLayer: cut.layer, halfDbu: Math.round(((cut.x1Um - cut.x0Um) / 2) * dbuPerUm), spacingDbu: Math.round(tech.layers.get(cut.layer)!.spacingUm * dbuPerUm) });
  }
  return out;
}

export interface CellPins {
  readonly widthUm: number;
  readonly heightUm: number;
  /** Pin name → its rectangles on the layer (µm, cell coordinates). */
  readonly pins: ReadonlyMap<string, readonly [number, number, number, number][]>;
}

/** Pin rectangles of every macro on one layer, from cell LEF text. */

export function lefPinRects(lef: string, layer: string): Map<string, CellPins> {
  const out = new Map<string, CellPins>();
  for (const m of readCellLef(lef).values()) {
    const pins = new Map<string, [number, number, number, number][]>();
    for (const p of m.pins.values()) {
      const rects = p.rects.filter((r) => r.layer === layer).map((r): [number, number, number, number] => [r.x0Um, r.y0Um, r.x1Um, r.y1Um]);
      if (rects.length) pins.set(p.name, rects);
    }
    out.set(m.name, { widthUm: m.widthUm, heightUm: m.heightUm, pins });
  }
  return out;
}

/** A cell-coordinate rectangle placed at (x, y) with a DEF orientation (N, S, FN, FS), in DEF units. */

export function lefLayerRects(lef: string, layer: string): Map<string, { widthUm: number; heightUm: number; rects: { owner: string; rect: [number, number, number, number] }[] }> {
  const out = new Map<string, { widthUm: number; heightUm: number; rects: { owner: string; rect: [number, number, number, number] }[] }>();
  for (const m of readCellLef(lef).values()) {
    const rects = m.shapes.filter((s) => s.rect.layer === layer).map((s) => ({ owner: s.owner, rect: [s.rect.x0Um, s.rect.y0Um, s.rect.x1Um, s.rect.y1Um] as [number, number, number, number] }));
    if (rects.length) out.set(m.name, { widthUm: m.widthUm, heightUm: m.heightUm, rects });
  }
  return out;
}

/** Macro sizes (µm) and classes from LEF text. */
export function lefMacros(text: string): Map<string, { widthUm: number; heightUm: number; cls: string }> {
  return new Map([...readCellLef(text).values()].map((m) => [m.name, { widthUm: m.widthUm, heightUm: m.heightUm, cls: m.cls }]));
}
