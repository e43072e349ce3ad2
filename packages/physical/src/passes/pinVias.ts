import { netConnections, parseDef, sectionItems, statementPoints, writeItems } from '../model/def.ts';
import { type CellPins, lefLayerRects } from '../model/lef.ts';
import { routedShapes } from '../model/shapes.ts';
import { declarePass, type RepairContext } from './repairPass.ts';

/**
 * li1–met1 vias pulled inside the pin they land on (pure). qrouter drops the via on its track grid; where a
 * sky130hd pin's li1 edge lies a few nanometres inside that grid (a nand2b_1 pin starting at x = 0.52 µm
 * against a via pad reaching to 0.515), the 0.17 µm pad sticks out of the pin and comes within 0.165 µm of the
 * next pin (li.3 asks for 0.17). The via moves by at most `maxShiftDbu` so its li1 pad lies inside the pin
 * rectangle under its centre; a met1 stub joins the old and the new position.
 */

export function placeRect(r: readonly [number, number, number, number], cell: { widthUm: number; heightUm: number }, at: { xDbu: number; yDbu: number; orient: string }, dbuPerUm: number): [number, number, number, number] {
  const flipX = at.orient === 'S' || at.orient === 'FN';
  const flipY = at.orient === 'S' || at.orient === 'FS';
  const xs = (flipX ? [cell.widthUm - r[2], cell.widthUm - r[0]] : [r[0], r[2]]).map((v) => Math.round(at.xDbu + v * dbuPerUm));
  const ys = (flipY ? [cell.heightUm - r[3], cell.heightUm - r[1]] : [r[1], r[3]]).map((v) => Math.round(at.yDbu + v * dbuPerUm));
  return [xs[0], ys[0], xs[1], ys[1]];
}

/** Every rectangle of every macro on one layer, pins and obstructions alike (µm, cell coordinates), from cell LEF text. */
/**
 * Every cell rectangle on one layer, placed (DEF units), named by what it belongs to (pure): the net a pin is
 * connected to in NETS, else `instance/pin` (power pins, unconnected pins), or `instance/OBS`. What a route
 * of some net must keep its spacing to, besides other routes.
 */
export function placedCellShapes(def: string, cells: ReturnType<typeof lefLayerRects>, layer: string): { net: string; layer: string; x0: number; y0: number; x1: number; y1: number }[] {
  const d = parseDef(def);
  const netOf = new Map<string, string>();
  for (const net of sectionItems(def, 'NETS').items) for (const [instance, pin] of netConnections(net)) netOf.set(`${instance}/${pin}`, net.name);
  const out: { net: string; layer: string; x0: number; y0: number; x1: number; y1: number }[] = [];
  for (const c of d.components) {
    const cell = cells.get(c.macro);
    if (!cell) continue;
    for (const { owner, rect } of cell.rects) {
      const [x0, y0, x1, y1] = placeRect(rect, cell, c, d.dbuPerUm);
      out.push({ net: netOf.get(`${c.name}/${owner}`) ?? `${c.name}/${owner}`, layer, x0, y0, x1, y1 });
    }
  }
  return out;
}

/**
 * The pin rectangles every net of a DEF connects to, placed (DEF units), on the layers given (pure): the
 * cell geometry a route of the net may leave a slot against. `cellsByLayer` maps a layer to `lefPinRects`.
 */
export function netPinShapes(def: string, cellsByLayer: ReadonlyMap<string, ReadonlyMap<string, CellPins>>): { net: string; layer: string; x0: number; y0: number; x1: number; y1: number }[] {
  const d = parseDef(def);
  const at = new Map(d.components.map((c) => [c.name, c]));
  const out: { net: string; layer: string; x0: number; y0: number; x1: number; y1: number }[] = [];
  for (const item of sectionItems(def, 'NETS').items) {
    for (const [instance, pin] of netConnections(item)) {
      const c = at.get(instance);
      if (!c) continue;
      for (const [layer, cells] of cellsByLayer) {
        const cell = cells.get(c.macro);
        for (const r of cell?.pins.get(pin) ?? []) {
          const [x0, y0, x1, y1] = placeRect(r, cell!, c, d.dbuPerUm);
          out.push({ net: item.name, layer, x0, y0, x1, y1 });
        }
      }
    }
  }
  return out;
}

export interface PinViaResult {
  readonly text: string;
  /** li1–met1 vias on a pin whose li1 pad stuck out of the pin rectangle. */
  readonly outside: number;
  readonly moved: number;
  /** Kept because an li1 wire of the net ends there too, or because the pin is narrower than the pad / the shift too large. */
  readonly keptLi1Wire: number;
  readonly keptFar: number;
  /** Kept because the move would bring its met1 pad near more of other nets' met1. */
  readonly keptCrowded: number;
}

interface ViaSite {
  readonly net: string;
  readonly x: number;
  readonly y: number;
  /** The net's pin rectangles on li1 (DEF units). */
  readonly rects: readonly (readonly [number, number, number, number])[];
  /** An li1 wire of the net ends at the via: moving the via alone would leave the wire's end behind. */
  readonly li1Wire: boolean;
  /**
   * The via ends an li1 wire written in its own statement (`li1 ( x0 y0 ) ( * y ) VIA`) whose other end
   * touches nothing else of the net: the wire's centre-line box, which may move with the via.
   */
  readonly li1Stub?: readonly [number, number, number, number];
}

/** How a via moves: by (dx, dy) with a met1 stub from its old point; `join`: onto a via of its net already there (the old via goes, the stub stays, li1 stays put). */
interface ViaShift {
  readonly dx: number;
  readonly dy: number;
  readonly join?: boolean;
}

/**
 * Walk every `via` in the NETS section; `decide` returns the shift for a via (or nothing). A moved via keeps a
 * met1 stub from its old point, so the met1 wiring stays connected.
 */
function editVias(def: string, cells: ReadonlyMap<string, CellPins>, via: string, decide: (site: ViaSite) => ViaShift | undefined, li1HalfDbu = 0): string {
  const moved: { net: string; box: readonly [number, number, number, number]; dx: number; dy: number }[] = [];
  const d = parseDef(def);
  const at = new Map(d.components.map((c) => [c.name, c]));
  const section = sectionItems(def, 'NETS');
  const chunks = section.items.map(({ name: net, text: chunk }) => {
    const head = chunk.split(/\+ ROUTED/)[0];
    const rects: [number, number, number, number][] = [];
    for (const p of head.matchAll(/\(\s*(\S+)\s+(\S+)\s*\)/g)) {
      const c = at.get(p[1]);
      const cell = c && cells.get(c.macro);
      for (const r of cell?.pins.get(p[2]) ?? []) rects.push(placeRect(r, cell!, c!, d.dbuPerUm));
    }
    if (rects.length === 0) return chunk;
    const lines = chunk.split('\n');
    // Absolute points of every statement line (a `*` repeats the previous point's coordinate).
    const linePoints = lines.map((l) => {
      const m = /^\s*(?:\+ ROUTED|NEW) \S+ (?:\d+ )?((?:\(.*?\)\s*)+)/.exec(l);
      return m ? statementPoints(m[1]) : [];
    });
    // qrouter's one-point li1 statements (no via: a dot where a route starts) ride along with whatever moves
    // there and tie nothing else down.
    const dots = new Map<number, { head: string; x: number; y: number; tail: string }>();
    for (const [j, l] of lines.entries()) {
      const d = /^(\s*(?:\+ ROUTED|NEW)) li1 \(\s*(-?\d+)\s+(-?\d+)\s*\)(\s*;?)\s*$/.exec(l);
      if (d) dots.set(j, { head: d[1], x: Number(d[2]), y: Number(d[3]), tail: d[4] });
    }
    const mentions = (i: number, x: number, y: number) => linePoints.some((pts, j) => j !== i && !dots.has(j) && pts.some((q) => q[0] === x && q[1] === y));
    // li1 wires of their own statement (no via): where they run, and whether their far end is free.
    const wires = lines.flatMap((line, i) => {
      const w = /^(\s*(?:\+ ROUTED|NEW)) li1 (\(.*\))(\s*;?)\s*$/.exec(line);
      if (!w || new RegExp(`\\)\\s+${via}`).test(line)) return [];
      const pts = statementPoints(w[2]);
      return pts.length > 1 ? [{ i, pts, head: w[1], tail: w[3] }] : [];
    });
    const edits = new Map<number, string[]>();
    for (const [i, line] of lines.entries()) {
      const m = new RegExp(`^(\\s*(?:\\+ ROUTED|NEW)) (\\S+) (\\(.*\\))\\s+${via}(\\s*;?)\\s*$`).exec(line);
      if (!m) continue;
      const points = [...m[3].matchAll(/\(\s*(\S+)\s+(\S+)(?:\s+\S+)?\s*\)/g)];
      const abs = statementPoints(m[3]);
      const [x, y] = abs[abs.length - 1];
      const li1Wire = (m[2] === 'li1' && points.length > 1) || li1WireEnds(chunk).has(`${x} ${y}`);
      // An li1 wire the via ends that may move with it: in the via's own statement, or in one statement of its
      // own starting or ending at the via; either way its far end must touch nothing else of the net.
      let li1Stub: [number, number, number, number] | undefined;
      let companion: (typeof wires)[number] | undefined;
      const boxOf = (pts: readonly (readonly [number, number])[]): [number, number, number, number] => [Math.min(...pts.map((q) => q[0])), Math.min(...pts.map((q) => q[1])), Math.max(...pts.map((q) => q[0])), Math.max(...pts.map((q) => q[1]))];
      if (m[2] === 'li1' && points.length > 1) {
        if (!mentions(i, abs[0][0], abs[0][1])) li1Stub = boxOf(abs);
      } else if (li1Wire) {
        const touching = wires.filter((w) => w.pts.some((q) => q[0] === x && q[1] === y));
        const far = touching.length === 1 ? touching[0].pts.filter((q) => q[0] !== x || q[1] !== y) : [];
        if (touching.length === 1 && far.length > 0 && far.every((q) => !mentions(touching[0].i, q[0], q[1]))) {
          companion = touching[0];
          li1Stub = boxOf(companion.pts);
        }
      }
      const shift = decide({ net, x, y, rects, li1Wire, li1Stub });
      if (!shift || (shift.dx === 0 && shift.dy === 0)) continue;
      const { dx, dy } = shift;
      const stub = [`( ${x} ${y} )`, ...(dx !== 0 ? [`( ${x + dx} * )`] : []), ...(dy !== 0 ? [`( * ${y + dy} )`] : [])].join(' ');
      if (shift.join) {
        // The statement keeps its wire without the via (or becomes the stub if it was the via alone).
        edits.set(i, points.length > 1 ? [`${m[1]} ${m[2]} ${m[3]}`, `  NEW met1 ${stub}${m[4]}`] : [`${m[1]} met1 ${stub}${m[4]}`]);
        continue;
      }
      // The li1 the via had: its pad, and the li1 wire moving with it.
      const carried = li1Wire && li1Stub ? [Math.min(li1Stub[0], x), Math.min(li1Stub[1], y), Math.max(li1Stub[2], x), Math.max(li1Stub[3], y)] : [x, y, x, y];
      moved.push({ net, box: [carried[0] - li1HalfDbu, carried[1] - li1HalfDbu, carried[2] + li1HalfDbu, carried[3] + li1HalfDbu], dx, dy });
      for (const [j, dot] of dots) {
        if (carried[0] <= dot.x && dot.x <= carried[2] && carried[1] <= dot.y && dot.y <= carried[3]) edits.set(j, [`${dot.head} li1 ( ${dot.x + dx} ${dot.y + dy} )${dot.tail}`]);
      }
      if (companion) {
        const c = companion;
        const shifted = c.pts.map((q, k) => `( ${k > 0 && q[0] === c.pts[k - 1][0] ? '*' : q[0] + dx} ${k > 0 && q[1] === c.pts[k - 1][1] ? '*' : q[1] + dy} )`).join(' ');
        edits.set(c.i, [`${c.head} li1 ${shifted}${c.tail}`]);
      }
      if (m[2] === 'met1') edits.set(i, [`${m[1]} met1 ${m[3]}`, `  NEW met1 ${stub} ${via}${m[4]}`]);
      else if (li1Wire && li1Stub && !companion) {
        // The li1 wire moves with the via; met1 joins the old point to the new.
        const shifted = points.map((t) => `( ${t[1] === '*' ? '*' : Math.round(Number(t[1])) + dx} ${t[2] === '*' ? '*' : Math.round(Number(t[2])) + dy} )`).join(' ');
        edits.set(i, [`${m[1]} li1 ${shifted} ${via}`, `  NEW met1 ${stub}${m[4]}`]);
      } else edits.set(i, [`${m[1]} met1 ${stub} ${via}${m[4]}`]);
    }
    const out = lines.flatMap((line, i) => edits.get(i) ?? [line]);
    return out.join('\n');
  });
  const text = writeItems(def, section, chunks);
  return li1HalfDbu > 0 ? shiftSpecialLi1(text, moved) : text;
}

/** Points (`x y`) of one net's NETS chunk where an li1 wire (an li1 statement of two or more points) runs. */
function li1WireEnds(chunk: string): Set<string> {
  const out = new Set<string>();
  for (const line of chunk.split('\n')) {
    const m = /^\s*(?:\+ ROUTED|NEW) li1 (?:\d+ )?(\(.*\))/.exec(line);
    if (!m) continue;
    const points = statementPoints(m[1]);
    if (points.length < 2) continue;
    for (const [px, py] of points) out.add(`${px} ${py}`);
  }
  return out;
}

/**
 * qrouter writes an li1 patch into SPECIALNETS over part of some via pads (`li1 34 ( 11225 62832 ) ( 11207 * )`,
 * reaching the pad's edge, or along the li1 wire the via ends): when the via moves, a patch lying inside the li1
 * it had (pad, and the wire moving with it) moves too, or it would stay sticking out of the pin where they were.
 */
function shiftSpecialLi1(def: string, moved: readonly { net: string; box: readonly [number, number, number, number]; dx: number; dy: number }[]): string {
  if (moved.length === 0 || !/^SPECIALNETS \d+ ;/m.test(def)) return def;
  const byNet = new Map<string, typeof moved>();
  for (const m of moved) byNet.set(m.net, [...(byNet.get(m.net) ?? []), m]);
  const section = sectionItems(def, 'SPECIALNETS');
  const body = section.items.map(({ name: net, text: chunk }) => {
    const list = byNet.get(net);
    if (!list) return chunk;
    return chunk
      .split('\n')
      .map((line) => {
        const m = /^(\s*(?:\+ ROUTED|NEW) li1 \d+ )(\(.*\))(\s*;?\s*)$/.exec(line);
        if (!m) return line;
        let px = NaN;
        let py = NaN;
        const pts = [...m[2].matchAll(/\(\s*(\S+)\s+(\S+)\s*\)/g)].map((t) => {
          if (t[1] !== '*') px = Math.round(Number(t[1]));
          if (t[2] !== '*') py = Math.round(Number(t[2]));
          return { raw: t, x: px, y: py };
        });
        const v = list.find((o) => pts.every((p) => o.box[0] <= p.x && p.x <= o.box[2] && o.box[1] <= p.y && p.y <= o.box[3]));
        if (!v) return line;
        const shifted = pts.map((p) => `( ${p.raw[1] === '*' ? '*' : p.x + v.dx} ${p.raw[2] === '*' ? '*' : p.y + v.dy} )`).join(' ');
        return `${m[1]}${shifted}${m[3]}`;
      })
      .join('\n');
  });
  return writeItems(def, section, body);
}

export interface PullOptions {
  readonly via: string;
  readonly padHalfDbu: number;
  readonly maxShiftDbu: number;
  /**
   * Routed met1 shapes of every net, the via's met1 pad half sizes and met1 spacing (DEF units): given these, a
   * via only moves where its met1 pad comes within spacing of no more other-net shapes than where it was.
   */
  readonly met1?: { readonly shapes: readonly { net: string; x0: number; y0: number; x1: number; y1: number }[]; readonly half: readonly [number, number]; readonly spacing: number };
}

/** Move every li1–met1 via whose li1 pad sticks out of its pin by at most `maxShiftDbu` inside the pin. */
export function pullViasIntoPins(def: string, cells: ReadonlyMap<string, CellPins>, o: PullOptions): PinViaResult {
  let outside = 0;
  let moved = 0;
  let keptLi1Wire = 0;
  let keptFar = 0;
  let keptCrowded = 0;
  const h = o.padHalfDbu;
  // Other nets' met1 shapes within spacing of the via's met1 pad at (x, y).
  const crowding = (net: string, x: number, y: number) => {
    const m = o.met1!;
    const pad = { x0: x - m.half[0], y0: y - m.half[1], x1: x + m.half[0], y1: y + m.half[1] };
    return m.shapes.filter((s) => s.net !== net && Math.hypot(Math.max(0, s.x0 - pad.x1, pad.x0 - s.x1), Math.max(0, s.y0 - pad.y1, pad.y0 - s.y1)) < m.spacing).length;
  };
  const text = editVias(
    def,
    cells,
    o.via,
    ({ net, x, y, rects, li1Wire, li1Stub }) => {
      const pin = rects.find((r) => r[0] <= x && x <= r[2] && r[1] <= y && y <= r[3]);
      // The li1 the via brings: its pad, and the li1 wire it ends when that wire can move with it.
      const [bx0, by0, bx1, by1] = li1Stub ? [Math.min(li1Stub[0], x), Math.min(li1Stub[1], y), Math.max(li1Stub[2], x), Math.max(li1Stub[3], y)] : [x, y, x, y];
      const inside = rects.some((r) => r[0] <= bx0 - h && bx1 + h <= r[2] && r[1] <= by0 - h && by1 + h <= r[3]);
      if (!pin || inside) return undefined;
      outside += 1;
      const shift = (lo: number, hi: number, c0: number, c1: number) => (hi - lo < c1 - c0 + 2 * h ? NaN : c0 - h < lo ? lo - (c0 - h) : c1 + h > hi ? hi - (c1 + h) : 0);
      const dx = shift(pin[0], pin[2], bx0, bx1);
      const dy = shift(pin[1], pin[3], by0, by1);
      if ((li1Wire && !li1Stub) || !Number.isFinite(dx) || !Number.isFinite(dy) || Math.abs(dx) > o.maxShiftDbu || Math.abs(dy) > o.maxShiftDbu) {
        if (li1Wire) keptLi1Wire += 1;
        else keptFar += 1;
        return undefined;
      }
      if (o.met1 && crowding(net, x + dx, y + dy) > crowding(net, x, y)) {
        keptCrowded += 1;
        return undefined;
      }
      moved += 1;
      return { dx, dy };
    },
    h,
  );
  return { text, outside, moved, keptLi1Wire, keptFar, keptCrowded };
}

export interface TapPairResult {
  readonly text: string;
  /** Pairs of li1–met1 vias one met1 track apart at one x (their met1 pads or cuts too close). */
  readonly pairs: number;
  readonly moved: number;
  /** Of the moved: same-net pairs on one pin where one via joined the other. */
  readonly merged: number;
}

export interface TapPairRules {
  readonly via: string;
  /** Half sizes (DEF units) of the via's li1 pad, met1 pad and cut. */
  readonly li1Half: readonly [number, number];
  readonly met1Half: readonly [number, number];
  readonly cutHalf: number;
  /** Minimum spacing (DEF units) on li1, met1 and between cuts. */
  readonly li1Spacing: number;
  readonly met1Spacing: number;
  readonly cutSpacing: number;
  /** met1 wire width (DEF units): the stub a via moved along its pin leaves behind. */
  readonly met1Width: number;
}

/**
 * Two li1–met1 vias one met1 track apart at the same x (0.34 µm: met1 pads 0.11 µm apart where 0.14 is needed,
 * cuts 0.17 where 0.19 is) can often be told apart along their pins, which run across the tracks: one via
 * moves by the few nanometres missing (0.03 µm here), away from the other, where its li1 pad stays inside its
 * pin, it keeps spacing to every other net's routed li1 and met1 and to every other cut, and no li1 wire of its
 * own ends there. `shapes` are the routed shapes (see routedShapes) for the clearance checks.
 */
export function separateTapPairs(def: string, cells: ReadonlyMap<string, CellPins>, shapes: readonly { net: string; layer: string; x0: number; y0: number; x1: number; y1: number }[], r: TapPairRules): TapPairResult {
  const sites: ViaSite[] = [];
  editVias(def, cells, r.via, (site) => {
    sites.push(site);
    return undefined;
  });
  const need = Math.max(2 * r.met1Half[1] + r.met1Spacing, 2 * r.cutHalf + r.cutSpacing);
  const byX = new Map<number, ViaSite[]>();
  for (const s of sites) {
    if (!byX.has(s.x)) byX.set(s.x, []);
    byX.get(s.x)!.push(s);
  }
  const gap = (a: { x0: number; y0: number; x1: number; y1: number }, b: { x0: number; y0: number; x1: number; y1: number }) => Math.hypot(Math.max(0, b.x0 - a.x1, a.x0 - b.x1), Math.max(0, b.y0 - a.y1, a.y0 - b.y1));
  const near = (layer: string) => shapes.filter((s) => s.layer === layer);
  const li1Shapes = near('li1');
  const met1Shapes = near('met1');
  const moves = new Map<string, ViaShift>();
  const key = (s: ViaSite) => `${s.net}\u0000${s.x}\u0000${s.y}`;
  let pairs = 0;
  let merged = 0;
  const met1HalfWidth = Math.round(r.met1Width / 2);
  const fits = (s: ViaSite, x: number, y: number, other: ViaSite, merging = false) => {
    // Joining the partner's via on one pin rectangle: whatever li1 the net has at the old point touches the pin.
    if (s.li1Wire && !merging) return false;
    const li1 = { x0: x - r.li1Half[0], y0: y - r.li1Half[1], x1: x + r.li1Half[0], y1: y + r.li1Half[1] };
    if (!merging && !s.rects.some((p) => p[0] <= li1.x0 && li1.x1 <= p[2] && p[1] <= li1.y0 && li1.y1 <= p[3])) return false;
    const met1 = { x0: x - r.met1Half[0], y0: y - r.met1Half[1], x1: x + r.met1Half[0], y1: y + r.met1Half[1] };
    const cut = { x0: x - r.cutHalf, y0: y - r.cutHalf, x1: x + r.cutHalf, y1: y + r.cutHalf };
    if (li1Shapes.some((o) => o.net !== s.net && gap(o, li1) < r.li1Spacing)) return false;
    if (met1Shapes.some((o) => o.net !== s.net && gap(o, met1) < r.met1Spacing)) return false;
    if (x !== s.x) {
      // Moved along a horizontal pin: the met1 stub from the old point must clear other nets too, and what the
      // net keeps at the old point (a wire's end, another via's pad) must clear the partner's pad.
      const stub = { x0: Math.min(x, s.x) - met1HalfWidth, y0: y - met1HalfWidth, x1: Math.max(x, s.x) + met1HalfWidth, y1: y + met1HalfWidth };
      if (met1Shapes.some((o) => o.net !== s.net && gap(o, stub) < r.met1Spacing)) return false;
      const oldPad = { x0: s.x - r.met1Half[0], y0: s.y - r.met1Half[1], x1: s.x + r.met1Half[0], y1: s.y + r.met1Half[1] };
      const kept = met1Shapes.filter((o) => o.net === s.net && gap(o, oldPad) === 0 && !(o.x0 === oldPad.x0 && o.y0 === oldPad.y0 && o.x1 === oldPad.x1 && o.y1 === oldPad.y1));
      const partner = met1Shapes.filter((o) => o.net === other.net && gap(o, { x0: other.x, y0: other.y, x1: other.x, y1: other.y }) === 0);
      if (other.net !== s.net && kept.some((k) => partner.some((p) => gap(k, p) < r.met1Spacing))) return false;
    }
    for (const o of sites) {
      if (o === s || (merging && o.net === s.net && o.x === x && o.y === y) || Math.abs(o.x - x) > 400 || Math.abs(o.y - y) > 400) continue;
      const m = o === other ? undefined : moves.get(key(o));
      const ox = o.x + (m?.dx ?? 0);
      const oy = o.y + (m?.dy ?? 0);
      if (gap({ x0: ox - r.cutHalf, y0: oy - r.cutHalf, x1: ox + r.cutHalf, y1: oy + r.cutHalf }, cut) < r.cutSpacing) return false;
    }
    return true;
  };
  // The smallest offset across the pair that clears both the met1 pads and the cuts corner to corner.
  const acrossFor = (dy: number, sameNet: boolean) => {
    // Shapes `wide` along x and `tall` across, `dy` apart centre to centre: x offset that puts them `spacing` apart.
    const offset = (wide: number, tall: number, spacing: number) => {
      const g = dy - tall;
      return g >= spacing ? 0 : wide + Math.sqrt(spacing * spacing - Math.max(0, g) ** 2);
    };
    // Pads of one net only need their cuts apart: the slot between the pads is bridged afterwards.
    return Math.ceil(Math.max(sameNet ? 0 : offset(2 * r.met1Half[0], 2 * r.met1Half[1], r.met1Spacing), offset(2 * r.cutHalf, 2 * r.cutHalf, r.cutSpacing)));
  };
  for (const x of [...byX.keys()].sort((a, b) => a - b)) {
    const column = byX.get(x)!.sort((a, b) => a.y - b.y);
    for (let i = 1; i < column.length; i++) {
      const a = column[i - 1];
      const b = column[i];
      const dy = b.y - a.y;
      if (dy <= 0 || dy >= need) continue;
      pairs += 1;
      if (moves.has(key(a)) || moves.has(key(b))) continue;
      const missing = need - dy;
      if (fits(b, b.x, b.y + missing, a)) moves.set(key(b), { dx: 0, dy: missing });
      else if (fits(a, a.x, a.y - missing, b)) moves.set(key(a), { dx: 0, dy: -missing });
      else {
        // No room along the pins across the tracks: one via slides along its pin, far enough that the pads and
        // cuts are clear corner to corner (0.38 µm for vias one 0.34 µm track apart).
        const across = acrossFor(dy, a.net === b.net);
        const tries: [ViaSite, ViaSite, number][] = [[b, a, across], [b, a, -across], [a, b, across], [a, b, -across]];
        const hit = tries.find(([s, o, dx]) => fits(s, s.x + dx, s.y, o));
        if (hit) moves.set(key(hit[0]), { dx: hit[2], dy: 0 });
        else if (a.net === b.net && [...a.rects, ...li1Shapes.filter((o) => o.net === a.net).map((o) => [o.x0, o.y0, o.x1, o.y1])].some((p) => p[0] <= x && x <= p[2] && p[1] <= a.y && b.y <= p[3])) {
          // Two vias of one net on one li1 rectangle (a pin, or an li1 wire of the net) with no room to part:
          // one joins the other (a met1 wire from its old point to the other's via, which the slot bridge then
          // widens); the li1 rectangle joins them below, and whatever li1 the net has at the old point touches it.
          if (fits(b, a.x, a.y, a, true)) moves.set(key(b), { dx: 0, dy: -dy, join: true });
          else if (fits(a, b.x, b.y, b, true)) moves.set(key(a), { dx: 0, dy, join: true });
          if (moves.has(key(a)) || moves.has(key(b))) merged += 1;
        }
      }
    }
  }
  const text = editVias(def, cells, r.via, (s) => moves.get(key(s)), r.li1Half[0]);
  return { text, pairs, moved: moves.size, merged };
}

export interface NudgeResult {
  readonly text: string;
  /** li1–met1 vias whose met1 pad was within spacing of another net's met1 (a route, a rail, a cell's met1). */
  readonly crowded: number;
  readonly moved: number;
}

type Rect = { x0: number; y0: number; x1: number; y1: number };
const rectGap = (a: Rect, b: Rect) => Math.hypot(Math.max(0, b.x0 - a.x1, a.x0 - b.x1), Math.max(0, b.y0 - a.y1, a.y0 - b.y1));

/**
 * Nudge li1–met1 vias off other nets' met1 (pure). qrouter keeps its own pads apart on the track grid but
 * drops a pin's via 0.095 µm from another net's met1–met2 pad one track over, or 0.125 µm from a cell's
 * power rail. Each such via tries the shifts in `shiftsDbu` along x and y, first the smallest: it moves to the
 * first place where its met1 pad is clear of every other net's met1 (`met1`: routes and cell shapes), its li1
 * pad stays inside its pin and meets no more of other nets' li1 (`li1`) than before, and its cut keeps
 * `cutSpacing` to every other cut. A via that ends an li1 wire moves with it when the wire's other end is free
 * (see `ViaSite.li1Stub`), else it stays.
 */
export function nudgeCrowdedVias(def: string, cells: ReadonlyMap<string, CellPins>, met1: readonly NetShape_[], li1: readonly NetShape_[], r: TapPairRules & { shiftsDbu: readonly number[] }): NudgeResult {
  const sites: ViaSite[] = [];
  editVias(def, cells, r.via, (site) => {
    sites.push(site);
    return undefined;
  });
  const pad = (x: number, y: number, half: readonly [number, number]): Rect => ({ x0: x - half[0], y0: y - half[1], x1: x + half[0], y1: y + half[1] });
  // Shapes bucketed by 2 µm cells for the neighbourhood queries.
  const bucket = (shapes: readonly NetShape_[]) => {
    const grid = new Map<string, NetShape_[]>();
    for (const s of shapes) {
      for (let i = Math.floor(s.x0 / 400); i <= Math.floor(s.x1 / 400); i++) {
        for (let j = Math.floor(s.y0 / 400); j <= Math.floor(s.y1 / 400); j++) {
          const k = `${i},${j}`;
          if (!grid.has(k)) grid.set(k, []);
          grid.get(k)!.push(s);
        }
      }
    }
    return (r0: Rect) => {
      const found = new Set<NetShape_>();
      for (let i = Math.floor((r0.x0 - 100) / 400); i <= Math.floor((r0.x1 + 100) / 400); i++) for (let j = Math.floor((r0.y0 - 100) / 400); j <= Math.floor((r0.y1 + 100) / 400); j++) for (const s of grid.get(`${i},${j}`) ?? []) found.add(s);
      return [...found];
    };
  };
  const met1Near = bucket(met1);
  const li1Near = bucket(li1);
  const crowding = (near: (r0: Rect) => NetShape_[], net: string, box: Rect, spacing: number) => near(box).filter((s) => s.net !== net && rectGap(s, box) < spacing).length;
  const cuts = sites.map((s) => ({ net: s.net, x: s.x, y: s.y }));
  const moves = new Map<string, { dx: number; dy: number }>();
  const key = (s: { net: string; x: number; y: number }) => `${s.net}\u0000${s.x}\u0000${s.y}`;
  let crowded = 0;
  const shifts = [...r.shiftsDbu].sort((a, b) => a - b).flatMap((d) => [[0, d], [0, -d], [d, 0], [-d, 0]] as const);
  for (const s of sites) {
    if (crowding(met1Near, s.net, pad(s.x, s.y, r.met1Half), r.met1Spacing) === 0) continue;
    crowded += 1;
    // A via ending an li1 wire moves only with that wire, and only when the wire's other end is free.
    if (s.li1Wire && !s.li1Stub) continue;
    const stub = s.li1Stub ?? [s.x, s.y, s.x, s.y];
    const li1Box = (dx: number, dy: number): Rect => ({ x0: Math.min(stub[0], s.x) + dx - r.li1Half[0], y0: Math.min(stub[1], s.y) + dy - r.li1Half[1], x1: Math.max(stub[2], s.x) + dx + r.li1Half[0], y1: Math.max(stub[3], s.y) + dy + r.li1Half[1] });
    const li1Before = crowding(li1Near, s.net, li1Box(0, 0), r.li1Spacing);
    const hit = shifts.find(([dx, dy]) => {
      const x = s.x + dx;
      const y = s.y + dy;
      const li1Pad = li1Box(dx, dy);
      if (!s.rects.some((p) => p[0] <= li1Pad.x0 && li1Pad.x1 <= p[2] && p[1] <= li1Pad.y0 && li1Pad.y1 <= p[3])) return false;
      if (crowding(met1Near, s.net, pad(x, y, r.met1Half), r.met1Spacing) > 0) return false;
      if (crowding(li1Near, s.net, li1Pad, r.li1Spacing) > li1Before) return false;
      const cut = pad(x, y, [r.cutHalf, r.cutHalf]);
      return cuts.every((c) => (c.x === s.x && c.y === s.y) || rectGap(pad(c.x + (moves.get(key(c))?.dx ?? 0), c.y + (moves.get(key(c))?.dy ?? 0), [r.cutHalf, r.cutHalf]), cut) >= r.cutSpacing);
    });
    if (hit) moves.set(key(s), { dx: hit[0], dy: hit[1] });
  }
  const text = editVias(def, cells, r.via, (s) => moves.get(key(s)), r.li1Half[0]);
  return { text, crowded, moved: moves.size };
}

type NetShape_ = { net: string; layer: string; x0: number; y0: number; x1: number; y1: number };

export const pinViasPass = declarePass({
  id: 'pin-vias',
  mends: 'li1–met1 vias dropped on the track grid whose li1 pad sticks a few nanometres out of the pin (li.3)',
  counts: {
    physical__route__pin_vias_kept_crowded__count: 'keptCrowded',
    physical__route__pin_vias_outside__count: 'outside',
    physical__route__pin_vias_moved__count: 'moved',
    physical__route__pin_vias_kept_li1_wire__count: 'keptLi1Wire',
    physical__route__pin_vias_kept_far__count: 'keptFar',
  },
  fix: (def: string, c: RepairContext) => {
    return pullViasIntoPins(def, c.li1Pins, {
      via: 'L1M1_PR',
      padHalfDbu: c.l1m1Half.li1[0],
      maxShiftDbu: c.dbu(0.08),
      // Routes and the cells' own met1 (rails, other pins, obstructions) alike.
      met1: { shapes: [...routedShapes(def, c.vias, c.layers, c.dbuPerUm).filter((s) => s.layer === 'met1'), ...c.cellMet1], half: c.l1m1Half.met1, spacing: c.tapRules.met1Spacing },
    });
  },
});

export const tapPairsPass = declarePass({
  id: 'tap-pairs',
  mends: 'two li1–met1 vias one met1 track apart at one x (met1 and mcon spacing): one moves the missing nanometres along its pin',
  counts: {
    physical__route__tap_pairs__count: 'pairs',
    physical__route__tap_pairs_separated__count: 'moved',
    physical__route__tap_pairs_merged__count: 'merged',
  },
  fix: (def: string, c: RepairContext) => {
    // Clearance checks see the cells' met1 too (rails, other pins, obstructions).
    return separateTapPairs(def, c.li1Pins, [...routedShapes(def, c.vias, c.layers, c.dbuPerUm), ...c.cellMet1], c.tapRules);
  },
});

export const crowdedPinViasPass = declarePass({
  id: 'crowded-pin-vias',
  mends: "li1–met1 vias within met1 spacing of another net (a met1–met2 pad one track over, a rail): nudged 0.03 or 0.05 µm along their pin",
  counts: {
    physical__route__crowded_pin_vias__count: 'crowded',
    physical__route__crowded_pin_vias_moved__count: 'moved',
  },
  fix: (def: string, c: RepairContext) => {
    const shapes = routedShapes(def, c.vias, c.layers, c.dbuPerUm);
    return nudgeCrowdedVias(def, c.li1Pins, [...shapes.filter((s) => s.layer === 'met1'), ...c.cellMet1], [...shapes.filter((s) => s.layer === 'li1'), ...c.cellLi1], { ...c.tapRules, shiftsDbu: [0.03, 0.05].map(c.dbu) });
  },
});
