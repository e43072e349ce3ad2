/**
 * Soft-tile field filling (pure). Logic tiles are soft: a tile is a window of rows x cols of a layer's
 * matrix, and its outline follows the window (whole cell rows, any number of columns), so the floorplan
 * chooses it. The model's groups (layer x role: attention, KV-cache SRAM as an array of banks, MLP; the
 * embedding table and head), in dataflow order, are laid along horizontal strips of each field's usable box
 * in boustrophedon order (left to right, then right to left on the strip above), one field after the other
 * along the field path. A group is cut where a strip or a field ends and where a piece would exceed the
 * largest tile; each piece's width is its area over the strip height, so the strips are filled to their
 * ends and a field to its margin. Cuts never leave a piece narrower than the aspect limit allows (the
 * cut moves instead, or the strip ends early). Each field's layout is then mirrored so that it starts next
 * to where the previous field ended and ends next to the following field, which keeps consecutive layers
 * close and the stitched buses short.
 */
import type { FloorRole, FloorTile } from './floorTiles.ts';

export interface FloorGroup {
  readonly layer: number | null;
  readonly role: FloorRole;
  readonly areaMm2: number;
  /** Weight coefficients of the group (0 for KV-cache SRAM). */
  readonly params?: number;
  /** Bits flowing from this group to the next one in dataflow order. */
  readonly busBits: number;
}

export interface FillOptions {
  /** Usable box of a field (inside its margin), mm. */
  readonly usableWMm: number;
  readonly usableHMm: number;
  readonly spacingMm: number;
  readonly maxTileAreaMm2: number;
  /** Largest ratio of a tile's long side to its short side. */
  readonly maxAspect: number;
  /** Stop after this many fields (the area left over is returned); for counting fields of huge models cheaply. */
  readonly maxFields?: number;
}

/** A tile placed in a field, position relative to the field's usable box (lower-left), mm. */
export interface FilledTile extends FloorTile {
  readonly field: number;
  readonly fx: number;
  readonly fy: number;
  /** Index of the group (dataflow order) the tile belongs to, and the piece within it. */
  readonly group: number;
  readonly piece: number;
  /** The group's coefficients this tile holds (its share of the group's area). */
  readonly coefficients: number;
}

/** The strip height of every field: about the side of an average group, at most the side of the largest tile. */
export function stripHeightMm(groups: readonly FloorGroup[], o: FillOptions): { strips: number; heightMm: number } {
  const total = groups.reduce((s, g) => s + g.areaMm2, 0);
  const mean = groups.length > 0 ? total / groups.length : 0;
  const target = Math.max(1e-3, Math.min(Math.sqrt(o.maxTileAreaMm2), Math.sqrt(mean)));
  const strips = Math.max(1, Math.round((o.usableHMm + o.spacingMm) / (target + o.spacingMm)));
  return { strips, heightMm: heightOfStrips(strips, o) };
}

/** The height of each of `strips` equal strips filling the usable box with gaps between them. */
function heightOfStrips(strips: number, o: FillOptions): number {
  return (o.usableHMm - (strips - 1) * o.spacingMm) / strips;
}

interface LocalTile {
  group: number;
  piece: number;
  /** Position along the strip (before the boustrophedon mirror), bottom of the strip, size. */
  u: number;
  y: number;
  strip: number;
  w: number;
  h: number;
}

/** Where the cutting stands: the group, its area not yet placed, and the next piece number. */
interface Cursor {
  g: number;
  rest: number;
  piece: number;
}

/**
 * Fill one field from the cursor with strips of a nominal height (local frame: u along a strip, strips
 * bottom up; the boustrophedon direction is applied afterwards). When a group ends too close to a strip's
 * end for a decent piece of the next one, the strip is lowered until its columns (areas unchanged) reach
 * the end, so no length is lost; the field's last strip takes whatever height is left.
 */
function fillOneField(groups: readonly FloorGroup[], o: FillOptions, nominalH: number, from: Cursor): { tiles: LocalTile[]; cursor: Cursor; areaMm2: number } {
  const eps = 1e-9;
  const W = o.usableWMm;
  const field: LocalTile[] = [];
  let { g, rest, piece } = from;
  const next = () => {
    g++;
    piece = 0;
    rest = groups[g]?.areaMm2 ?? 0;
    while (g < groups.length && rest <= eps) {
      g++;
      rest = groups[g]?.areaMm2 ?? 0;
    }
  };
  let y = 0;
  for (let strip = 0; g < groups.length; strip++) {
    const room = o.usableHMm - y;
    if (room < nominalH * 0.5 - eps) break;
    const h = room < nominalH * 1.5 ? room : nominalH;
    const maxW = Math.min(o.maxTileAreaMm2 / h, o.maxAspect * h, W);
    const minW = Math.min(h / o.maxAspect, maxW);
    // Columns along the strip; a column holds one piece, or a group too small for a decent piece at the
    // bottom with the next group's first piece above it (a stacked column at the narrowest width allowed).
    const columns: Array<{ w: number; short?: boolean; pieces: Array<{ group: number; piece: number; area: number }> }> = [];
    let u = 0;
    let endedEarly = false;
    for (;;) {
      const left = W - u;
      if (left < eps || g >= groups.length) break;
      const whole = rest / h;
      if (whole < minW - eps && left >= minW - eps && g + 1 < groups.length) {
        const below = rest;
        const aboveH = h - below / minW - o.spacingMm;
        // The next group's first piece on top: at most the room above, never leaving a sliver of that group behind.
        const nextArea = groups[g + 1].areaMm2;
        let topArea = Math.min(minW * aboveH, nextArea);
        if (nextArea - topArea > eps && nextArea - topArea < minW * h) topArea = nextArea - minW * h;
        const flattest = minW / o.maxAspect; // the lowest piece the aspect limit allows in a column minW wide
        if (below / minW >= flattest - eps && topArea / minW >= flattest - eps) {
          const column = { w: minW, pieces: [{ group: g, piece: piece++, area: below }] };
          next();
          column.pieces.push({ group: g, piece: piece++, area: topArea });
          rest -= topArea;
          columns.push(column);
          u += minW + o.spacingMm;
          continue;
        }
      }
      if (whole < minW - eps && left < minW - eps && columns.length > 0) {
        endedEarly = true; // a small group at the very end of the strip: start the next strip with it
        break;
      }
      if (whole < minW - eps && left >= minW - eps) {
        // A small group that could not be stacked: a column of the narrowest width, as tall as its area needs.
        columns.push({ w: minW, short: true, pieces: [{ group: g, piece: piece++, area: rest }] });
        u += minW + o.spacingMm;
        next();
        continue;
      }
      if (whole <= Math.min(left, maxW) + eps) {
        // The rest of the group fits here: place it whole.
        columns.push({ w: whole, pieces: [{ group: g, piece: piece++, area: rest }] });
        u += whole + o.spacingMm;
        next();
        continue;
      }
      let w = Math.min(left, maxW);
      // Never leave a sliver of the group behind: move the cut so the remainder is at least minW wide.
      if (whole - w < minW) w = whole - minW;
      if (w < minW - eps) {
        endedEarly = true; // too little room left in this strip for a decent piece
        break;
      }
      columns.push({ w, pieces: [{ group: g, piece: piece++, area: w * h }] });
      u += w + o.spacingMm;
      rest -= w * h;
    }
    if (columns.length === 0) break;
    // Lower the strip so its columns reach its end (unless the model ends here): same areas, no length lost.
    const gaps = (columns.length - 1) * o.spacingMm;
    const widths = columns.reduce((s, c) => s + c.w, 0);
    const hFinal = endedEarly || (g < groups.length && widths + gaps < W - eps) ? (h * widths) / (W - gaps) : h;
    let at = 0;
    for (const c of columns) {
      const wFinal = (c.w * h) / hFinal;
      let dy = 0;
      for (const p of c.pieces) {
        const ph = c.pieces.length === 1 && !c.short ? hFinal : p.area / wFinal;
        field.push({ group: p.group, piece: p.piece, u: at, y: y + dy, strip, w: wFinal, h: ph });
        dy += ph + o.spacingMm;
      }
      at += wFinal + o.spacingMm;
    }
    y += hFinal + o.spacingMm;
  }
  const areaMm2 = field.reduce((s, t) => s + t.w * t.h, 0);
  return { tiles: field, cursor: { g, rest, piece }, areaMm2 };
}

/**
 * Cut the groups into tiles field by field. Each field is tried at a few strip heights around the nominal
 * one (one strip fewer or more, a little lower) and keeps the one that places the most area, so the
 * rounding at a field's top edge does not cost a strip's worth of silicon.
 */
function cutIntoFields(groups: readonly FloorGroup[], o: FillOptions, strips: number): { fields: LocalTile[][]; remainingMm2: number } {
  const heights: number[] = [];
  for (const n of [strips, strips + 1, strips - 1]) if (n >= 1) for (const f of [1, 0.98, 0.96]) heights.push(heightOfStrips(n, o) * f);
  const fields: LocalTile[][] = [];
  let cursor: Cursor = { g: 0, rest: groups[0]?.areaMm2 ?? 0, piece: 0 };
  while (cursor.g < groups.length && cursor.rest <= 1e-9) cursor = { g: cursor.g + 1, rest: groups[cursor.g + 1]?.areaMm2 ?? 0, piece: 0 };
  while (cursor.g < groups.length && fields.length < (o.maxFields ?? Infinity)) {
    let best: ReturnType<typeof fillOneField> | undefined;
    for (const h of heights) {
      const tried = fillOneField(groups, o, h, cursor);
      if (!best || tried.areaMm2 > best.areaMm2 + 1e-9) best = tried;
    }
    if (!best || best.tiles.length === 0) throw new RangeError(`group ${cursor.g} does not fit a field's usable box (${o.usableWMm} x ${o.usableHMm} mm)`);
    fields.push(best.tiles);
    cursor = best.cursor;
  }
  let remainingMm2 = cursor.g < groups.length ? cursor.rest : 0;
  for (let g = cursor.g + 1; g < groups.length; g++) remainingMm2 += groups[g].areaMm2;
  return { fields, remainingMm2 };
}

/**
 * Fill fields in path order with the groups (pure). `fieldCenters` are the centres of the path's fields
 * (mm, wafer frame; the path wraps to the next wafer when the groups need more fields than it has), used
 * to orient each field's layout. Tiles come back in dataflow order.
 */
export function fillFields(groups: readonly FloorGroup[], fieldCenters: ReadonlyArray<{ x: number; y: number }>, o: FillOptions): { tiles: FilledTile[]; fieldCount: number; strips: number; stripHeightMm: number; remainingMm2: number } {
  const { strips, heightMm: h } = stripHeightMm(groups, o);
  const { fields: local, remainingMm2 } = cutIntoFields(groups, o, strips);
  const tiles: FilledTile[] = [];
  let previousEnd: { x: number; y: number } | undefined;
  local.forEach((fieldTiles, f) => {
    const centre = fieldCenters[f % Math.max(1, fieldCenters.length)] ?? { x: 0, y: 0 };
    const nextCentre = f + 1 < local.length ? fieldCenters[(f + 1) % Math.max(1, fieldCenters.length)] : undefined;
    const wrapsWafer = fieldCenters.length > 0 && (f + 1) % fieldCenters.length === 0;
    // Boustrophedon in the local frame: odd strips run right to left.
    const boxes = fieldTiles.map((t) => ({ t, x: t.strip % 2 === 0 ? t.u : o.usableWMm - t.u - t.w, y: t.y }));
    // Mirror the field (x, y or both) so its first tile sits next to where the previous field ended and its last tile next to the following field.
    const place = (b: (typeof boxes)[number], flipX: boolean, flipY: boolean) => ({ fx: flipX ? o.usableWMm - b.x - b.t.w : b.x, fy: flipY ? o.usableHMm - b.y - b.t.h : b.y });
    const centreOf = (b: (typeof boxes)[number], flipX: boolean, flipY: boolean) => {
      const p = place(b, flipX, flipY);
      return { x: centre.x - o.usableWMm / 2 + p.fx + b.t.w / 2, y: centre.y - o.usableHMm / 2 + p.fy + b.t.h / 2 };
    };
    let best: { flipX: boolean; flipY: boolean; cost: number } | undefined;
    for (const flipY of [false, true]) for (const flipX of [false, true]) {
      const first = centreOf(boxes[0], flipX, flipY);
      const last = centreOf(boxes[boxes.length - 1], flipX, flipY);
      const cost = (previousEnd ? Math.abs(first.x - previousEnd.x) + Math.abs(first.y - previousEnd.y) : 0) + (nextCentre && !wrapsWafer ? Math.abs(last.x - nextCentre.x) + Math.abs(last.y - nextCentre.y) : 0);
      if (!best || cost < best.cost - 1e-9) best = { flipX, flipY, cost };
    }
    for (const b of boxes) {
      const g = groups[b.t.group];
      const { fx, fy } = place(b, best!.flipX, best!.flipY);
      const id = `${g.layer === null ? g.role : `l${g.layer}.${g.role}`}.${b.t.piece}`;
      tiles.push({ id, layer: g.layer, role: g.role, w: b.t.w, h: b.t.h, busBits: g.busBits, field: f, fx, fy, group: b.t.group, piece: b.t.piece, coefficients: Math.round(((g.params ?? 0) * b.t.w * b.t.h) / g.areaMm2) });
    }
    previousEnd = wrapsWafer ? undefined : centreOf(boxes[boxes.length - 1], best!.flipX, best!.flipY);
  });
  return { tiles, fieldCount: local.length, strips, stripHeightMm: h, remainingMm2 };
}

/**
 * Dataflow wire length and stitch crossings of a floorplan (pure): for each pair of consecutive tiles in
 * dataflow order, the bus between them (busBits of the first) over the Manhattan distance of their
 * centres, mm x bits; a pair in different fields crosses a field edge (stitched wires).
 */
export function dataflowWiring(tiles: ReadonlyArray<{ wafer: number; reticle: number; x: number; y: number; w: number; h: number; busBits: number }>): { bitMm: number; meanMm: number; crossings: number; crossingBits: number; maxCrossingsPerEdge: number } {
  let bitMm = 0;
  let distance = 0;
  let crossings = 0;
  let crossingBits = 0;
  const perEdge = new Map<string, number>();
  let pairs = 0;
  for (let i = 0; i + 1 < tiles.length; i++) {
    const a = tiles[i];
    const b = tiles[i + 1];
    if (a.wafer !== b.wafer) continue;
    const d = Math.abs(a.x + a.w / 2 - (b.x + b.w / 2)) + Math.abs(a.y + a.h / 2 - (b.y + b.h / 2));
    bitMm += d * a.busBits;
    distance += d;
    pairs++;
    if (a.reticle !== b.reticle) {
      crossings++;
      crossingBits += a.busBits;
      const key = `${a.wafer}|${Math.min(a.reticle, b.reticle)}|${Math.max(a.reticle, b.reticle)}`;
      perEdge.set(key, (perEdge.get(key) ?? 0) + 1);
    }
  }
  return { bitMm, meanMm: pairs > 0 ? distance / pairs : 0, crossings, crossingBits, maxCrossingsPerEdge: Math.max(0, ...perEdge.values()) };
}

/** Tile area over field area per used field, in the order fields were filled (pure); the last field of the model is partly filled by nature. */
export function fieldFill(tiles: ReadonlyArray<{ wafer: number; reticle: number; w: number; h: number }>, fieldAreaMm2: number): { perField: Array<{ wafer: number; reticle: number; fill: number }>; minButLast: number | undefined } {
  const perField = new Map<string, { wafer: number; reticle: number; fill: number }>();
  for (const t of tiles) {
    const key = `${t.wafer}|${t.reticle}`;
    const f = perField.get(key) ?? { wafer: t.wafer, reticle: t.reticle, fill: 0 };
    f.fill += (t.w * t.h) / fieldAreaMm2;
    perField.set(key, f);
  }
  const list = [...perField.values()];
  const butLast = list.slice(0, -1).map((f) => f.fill);
  return { perField: list, minButLast: butLast.length > 0 ? Math.min(...butLast) : undefined };
}
