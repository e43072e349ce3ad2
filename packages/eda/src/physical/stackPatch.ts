import { routingStatements, sectionBody, statementPoints } from './def.ts';
import type { ViaDef } from './viaRepair.ts';

/**
 * Minimum-area patches for via stacks (pure). Where a net goes straight through a layer (a via from below and
 * one from above at the same point, no wire of its own there), qrouter leaves only the two via pads on that
 * layer: on sky130 met3 that is 0.38 × 0.33 µm, about half of met3.6's 0.24 µm². The patch is a wire of the
 * layer's width along its routing direction from the via point, long enough for the area, toward the side
 * where no other net's shape on that layer comes within spacing; with neither side free the stack is left as
 * it is and counted.
 */

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
  for (const m of tlef.matchAll(/^LAYER (\S+)\s*\n([\s\S]*?)^END \1\s*$/gm)) {
    const body = m[2];
    if (!/^\s*TYPE ROUTING ;/m.test(body)) continue;
    const direction = /^\s*DIRECTION (HORIZONTAL|VERTICAL) ;/m.exec(body)?.[1] as RoutingLayer['direction'] | undefined;
    const width = /^\s*WIDTH\s+([\d.]+)\s*;/m.exec(body);
    const table = /SPACINGTABLE[\s\S]*?WIDTH\s+0(?:\.0+)?\s+([\d.]+)/.exec(body);
    const plain = /^\s*SPACING\s+([\d.]+)\s*;/m.exec(body);
    const area = /^\s*AREA\s+([\d.]+)\s*;/m.exec(body);
    const enclosed = /^\s*MINENCLOSEDAREA\s+([\d.]+)\s*;/m.exec(body);
    if (!direction || !width) continue;
    out.set(m[1], { name: m[1], direction, widthUm: Number(width[1]), spacingUm: table ? Number(table[1]) : plain ? Number(plain[1]) : 0, minAreaUm2: area ? Number(area[1]) : 0, minEnclosedAreaUm2: enclosed ? Number(enclosed[1]) : 0 });
  }
  return out;
}

export interface NetShape {
  readonly net: string;
  readonly layer: string;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * Every wire and via pad of every net in a routed DEF, in DEF units: NETS wires reach half their width past
 * their end points, SPECIALNETS wires (qrouter's own patches, the power straps, our bridges) end flush, as
 * KLayout's DEF reader draws them.
 */
export function routedShapes(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number): NetShape[] {
  const out: NetShape[] = [];
  for (const s of [...routingStatements(def, 'NETS'), ...routingStatements(def, 'SPECIALNETS')]) {
    const half = (s.widthDbu ?? (layers.get(s.layer)?.widthUm ?? 0) * dbuPerUm) / 2;
    for (let i = 1; i < s.points.length; i++) {
      const a = s.points[i - 1];
      const b = s.points[i];
      const along = s.special ? 0 : half;
      const vertical = a.x === b.x;
      const ex = vertical ? half : along;
      const ey = vertical ? along : half;
      out.push({ net: s.net, layer: s.layer, x0: Math.min(a.x, b.x) - ex, y0: Math.min(a.y, b.y) - ey, x1: Math.max(a.x, b.x) + ex, y1: Math.max(a.y, b.y) + ey });
    }
    for (const p of s.points) {
      for (const pad of (p.via && vias.get(p.via)?.pads) || []) {
        // LEF pads sit on the 0.005 µm grid: whole DEF units (no 25.999… edges in the spacing checks).
        out.push({ net: s.net, layer: pad.layer, ...padBox(pad, p.x, p.y, dbuPerUm) });
      }
    }
  }
  return out;
}

/** A via's LEF pad placed at a point, in whole DEF units (LEF pads sit on the 0.005 µm grid). */
function padBox(pad: ViaDef['pads'][number], x: number, y: number, dbuPerUm: number): { x0: number; y0: number; x1: number; y1: number } {
  return { x0: x + Math.round(pad.x0Um * dbuPerUm), y0: y + Math.round(pad.y0Um * dbuPerUm), x1: x + Math.round(pad.x1Um * dbuPerUm), y1: y + Math.round(pad.y1Um * dbuPerUm) };
}

/** Euclidean distance between two boxes (0 where they touch or overlap). */
function boxGap(a: { x0: number; y0: number; x1: number; y1: number }, b: { x0: number; y0: number; x1: number; y1: number }): number {
  return Math.hypot(Math.max(0, b.x0 - a.x1, a.x0 - b.x1), Math.max(0, b.y0 - a.y1, a.y0 - b.y1));
}

/** Shapes bucketed on a square grid (DEF units) for neighbourhood queries: every shape within `reach` of a box. */
export function shapeGrid<T extends { x0: number; y0: number; x1: number; y1: number }>(shapes: readonly T[], cell = 400): (box: { x0: number; y0: number; x1: number; y1: number }, reach: number) => T[] {
  const buckets = new Map<string, T[]>();
  for (const s of shapes) {
    for (let i = Math.floor(s.x0 / cell); i <= Math.floor(s.x1 / cell); i++) {
      for (let j = Math.floor(s.y0 / cell); j <= Math.floor(s.y1 / cell); j++) {
        const k = `${i},${j}`;
        const b = buckets.get(k);
        if (b) b.push(s);
        else buckets.set(k, [s]);
      }
    }
  }
  return (box, reach) => {
    const out = new Set<T>();
    for (let i = Math.floor((box.x0 - reach) / cell); i <= Math.floor((box.x1 + reach) / cell); i++) {
      for (let j = Math.floor((box.y0 - reach) / cell); j <= Math.floor((box.y1 + reach) / cell); j++) for (const s of buckets.get(`${i},${j}`) ?? []) out.add(s);
    }
    return [...out];
  };
}

/** Shapes grouped by a key, in their order. */
function groupBy(shapes: readonly NetShape[], key: (s: NetShape) => string): Map<string, NetShape[]> {
  const out = new Map<string, NetShape[]>();
  for (const s of shapes) {
    const k = key(s);
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push(s);
  }
  return out;
}

const netLayerKey = (s: { net: string; layer: string }) => `${s.net}\u0000${s.layer}`;

/** Whether the union of `shapes` covers `slot` (their overlaps with it fill its whole area). */
function covered(slot: { x0: number; y0: number; x1: number; y1: number }, shapes: readonly NetShape[]): boolean {
  const parts: NetShape[] = [];
  for (const r of shapes) {
    const x0 = Math.max(slot.x0, r.x0);
    const y0 = Math.max(slot.y0, r.y0);
    const x1 = Math.min(slot.x1, r.x1);
    const y1 = Math.min(slot.y1, r.y1);
    if (x0 < x1 && y0 < y1) parts.push({ net: r.net, layer: r.layer, x0, y0, x1, y1 });
  }
  return parts.length > 0 && unionArea(parts) >= (slot.x1 - slot.x0) * (slot.y1 - slot.y0);
}

function unionArea(rects: readonly NetShape[]): number {
  // Exact area of a union of axis-parallel rectangles by coordinate compression (a handful of rectangles).
  const xs = [...new Set(rects.flatMap((r) => [r.x0, r.x1]))].sort((a, b) => a - b);
  const ys = [...new Set(rects.flatMap((r) => [r.y0, r.y1]))].sort((a, b) => a - b);
  let area = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    for (let j = 0; j + 1 < ys.length; j++) {
      const cx = (xs[i] + xs[i + 1]) / 2;
      const cy = (ys[j] + ys[j + 1]) / 2;
      if (rects.some((r) => r.x0 <= cx && cx <= r.x1 && r.y0 <= cy && cy <= r.y1)) area += (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j]);
    }
  }
  return area;
}

export interface StackPatchResult {
  readonly text: string;
  /** Stacks whose shapes on the middle layer were under the layer's minimum area. */
  readonly small: number;
  readonly patched: number;
  /** Small stacks with another net within spacing on both sides. */
  readonly blocked: number;
}

/** Add a minimum-area wire to every via stack whose shapes on the middle layer are too small. */
export function patchStackMinArea(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number): StackPatchResult {
  const shapes = routedShapes(def, vias, layers, dbuPerUm);
  const byNetLayer = groupBy(shapes, netLayerKey);
  const byLayer = groupBy(shapes, (s) => s.layer);
  // Via points per net: a stack through layer L has a via with L as upper and one with L as lower at one point.
  const points = new Map<string, { net: string; x: number; y: number; below: Set<string>; above: Set<string> }>();
  for (const s of routingStatements(def, 'NETS')) {
    for (const p of s.points) {
      const d = p.via ? vias.get(p.via) : undefined;
      if (!d) continue;
      const k = `${s.net}\u0000${p.x}\u0000${p.y}`;
      const e = points.get(k) ?? { net: s.net, x: p.x, y: p.y, below: new Set<string>(), above: new Set<string>() };
      e.below.add(d.upper); // the via arrives at d.upper from below
      e.above.add(d.lower); // the via leaves d.lower upwards
      points.set(k, e);
    }
  }
  const patches = new Map<string, string[]>();
  const rects = new Map<string, string[]>();
  let small = 0;
  let patched = 0;
  let blocked = 0;
  for (const e of [...points.values()].sort((a, b) => a.net.localeCompare(b.net) || a.x - b.x || a.y - b.y)) {
    for (const layer of [...e.below].filter((l) => e.above.has(l)).sort()) {
      const info = layers.get(layer);
      if (!info || info.minAreaUm2 === 0) continue;
      // The net's own shapes on the layer touching the point (pads and any wire through it).
      const own = (byNetLayer.get(netLayerKey({ net: e.net, layer })) ?? []).filter((r) => r.x0 <= e.x && e.x <= r.x1 && r.y0 <= e.y && e.y <= r.y1);
      const needDbu2 = info.minAreaUm2 * dbuPerUm * dbuPerUm;
      if (unionArea(own) >= needDbu2) continue;
      small += 1;
      const w = info.widthUm * dbuPerUm;
      const length = Math.ceil(needDbu2 / w - w); // centre-line length: the wire is w longer with its end extensions
      const horizontal = info.direction === 'HORIZONTAL';
      const spacing = info.spacingUm * dbuPerUm;
      const reach = length + w + spacing;
      const others = (byLayer.get(layer) ?? []).filter((r) => r.net !== e.net && r.x1 >= e.x - reach && r.x0 <= e.x + reach && r.y1 >= e.y - reach && r.y0 <= e.y + reach);
      // Gap to other nets of a wire of the layer's width from `a` before the point to `b` after it along the track.
      const gapOf = (a: number, b: number) => {
        const wire = horizontal ? { x0: e.x - a - w / 2, y0: e.y - w / 2, x1: e.x + b + w / 2, y1: e.y + w / 2 } : { x0: e.x - w / 2, y0: e.y - a - w / 2, x1: e.x + w / 2, y1: e.y + b + w / 2 };
        let gap = Infinity;
        for (const r of others) gap = Math.min(gap, boxGap(r, wire));
        return gap;
      };
      const options = [
        { a: 0, b: length, gap: gapOf(0, length) },
        { a: length, b: 0, gap: gapOf(length, 0) },
      ];
      let free = options.filter((o) => o.gap >= spacing).sort((p, q) => q.gap - p.gap)[0];
      if (!free) {
        // Neither side has room for the whole stub: split it between the two sides, each as far as it is free.
        const room = (side: 'a' | 'b') => {
          let lo = 0;
          let hi = length;
          while (lo < hi) {
            const mid = Math.ceil((lo + hi) / 2);
            if ((side === 'a' ? gapOf(mid, 0) : gapOf(0, mid)) >= spacing) lo = mid;
            else hi = mid - 1;
          }
          return lo;
        };
        const [ra, rb] = [room('a'), room('b')];
        if (ra + rb >= length) {
          const a = Math.min(ra, Math.ceil(length / 2));
          const b = length - a;
          if (b <= rb && gapOf(a, b) >= spacing) free = { a, b, gap: gapOf(a, b) };
          else if (gapOf(length - rb, rb) >= spacing) free = { a: length - rb, b: rb, gap: 0 };
        }
      }
      if (!free) {
        // No room for a wire of the layer's width either way: widen the pads into a rectangle instead, as far
        // as the neighbours allow on each side (a stack on met3 boxed in along its track by two other nets'
        // stacks can still grow across the track).
        const rect = widenedPad(own, others, needDbu2, spacing, reach);
        if (!rect) {
          blocked += 1;
          continue;
        }
        patched += 1;
        byLayer.get(layer)?.push({ net: e.net, layer, ...rect });
        const list = rects.get(e.net) ?? [];
        list.push(flushRect(layer, rect));
        rects.set(e.net, list);
        continue;
      }
      patched += 1;
      // Later stacks must keep clear of this stub too (two stacks one column apart used to stub towards each other).
      const stub = horizontal ? { x0: e.x - free.a - w / 2, y0: e.y - w / 2, x1: e.x + free.b + w / 2, y1: e.y + w / 2 } : { x0: e.x - w / 2, y0: e.y - free.a - w / 2, x1: e.x + w / 2, y1: e.y + free.b + w / 2 };
      byLayer.get(layer)?.push({ net: e.net, layer, ...stub });
      const list = patches.get(e.net) ?? [];
      const [from, to] = horizontal ? [`( ${e.x - free.a} ${e.y} )`, `( ${e.x + free.b} ${e.y} )`] : [`( ${e.x} ${e.y - free.a} )`, `( ${e.x} ${e.y + free.b} )`];
      list.push(free.a === 0 ? `  NEW ${layer} ( ${e.x} ${e.y} ) ${to}` : free.b === 0 ? `  NEW ${layer} ( ${e.x} ${e.y} ) ${from}` : `  NEW ${layer} ${from} ${to}`);
      patches.set(e.net, list);
    }
  }
  return { text: appendSpecial(appendToNets(def, patches), rects), small, patched, blocked };
}

/**
 * The smallest rectangle around a via stack's pads (`own`) with at least `needDbu2` area that keeps `spacing`
 * from every other net's shape (pure; undefined when there is none). Each side stands at the pads' edge or
 * as far out as one neighbour allows, except one side per axis pair that goes just as far as the area needs.
 * Sides come out at whole DEF units and the narrow side even, so the rectangle can be written as a flush
 * special wire.
 */
function widenedPad(own: readonly NetShape[], others: readonly NetShape[], needDbu2: number, spacing: number, reach: number): { x0: number; y0: number; x1: number; y1: number } | undefined {
  const p = { x0: Math.min(...own.map((r) => r.x0)), y0: Math.min(...own.map((r) => r.y0)), x1: Math.max(...own.map((r) => r.x1)), y1: Math.max(...own.map((r) => r.y1)) };
  const s = Math.ceil(spacing);
  // Where each side may stop: the pad's edge, or just clear of one neighbour beyond it.
  const lows = (lo: number, far: (r: NetShape) => number) => [lo, ...others.map((r) => far(r) + s).filter((v) => v < lo && v >= lo - reach)];
  const highs = (hi: number, near: (r: NetShape) => number) => [hi, ...others.map((r) => near(r) - s).filter((v) => v > hi && v <= hi + reach)];
  const stops = { x0: lows(p.x0, (r) => r.x1), x1: highs(p.x1, (r) => r.x0), y0: lows(p.y0, (r) => r.y1), y1: highs(p.y1, (r) => r.y0) };
  const candidates: { x0: number; y0: number; x1: number; y1: number }[] = [];
  // One axis from the stops, the other just long enough for the area, grown one way from a stop on either side.
  const spans = (lo: readonly number[], hi: readonly number[], pLo: number, pHi: number, need: number): [number, number][] => [
    ...lo.map((a): [number, number] => [a, Math.max(pHi, a + need)]),
    ...hi.map((b): [number, number] => [Math.min(pLo, b - need), b]),
  ];
  for (const x0 of stops.x0) for (const x1 of stops.x1) for (const [y0, y1] of spans(stops.y0, stops.y1, p.y0, p.y1, Math.ceil(needDbu2 / (x1 - x0)))) candidates.push({ x0, y0, x1, y1 });
  for (const y0 of stops.y0) for (const y1 of stops.y1) for (const [x0, x1] of spans(stops.x0, stops.x1, p.x0, p.x1, Math.ceil(needDbu2 / (y1 - y0)))) candidates.push({ x0, y0, x1, y1 });
  let best: { x0: number; y0: number; x1: number; y1: number } | undefined;
  let bestArea = Infinity;
  for (const c of candidates) {
    const rect = { ...c };
    // The narrow side even (a special wire's width, centred on a whole unit): widen a grown side by one.
    const narrowX = rect.x1 - rect.x0 <= rect.y1 - rect.y0;
    if ((narrowX ? rect.x1 - rect.x0 : rect.y1 - rect.y0) % 2 !== 0) {
      if (narrowX) {
        if (rect.x1 > p.x1) rect.x1 += 1;
        else rect.x0 -= 1;
      } else if (rect.y1 > p.y1) rect.y1 += 1;
      else rect.y0 -= 1;
    }
    const area = (rect.x1 - rect.x0) * (rect.y1 - rect.y0);
    if (area < needDbu2 || area >= bestArea) continue;
    if (others.some((r) => boxGap(r, rect) < spacing)) continue;
    best = rect;
    bestArea = area;
  }
  return best;
}

/** Add SPECIALNETS entries (one per net: `+ ROUTED` then `NEW` for each wire), creating the section if absent. */
function appendSpecial(def: string, wires: ReadonlyMap<string, readonly string[]>): string {
  if (wires.size === 0) return def;
  const entries = [...wires].map(([net, list]) => `- ${net}\n${list.map((w, i) => `${i === 0 ? '+ ROUTED' : '  NEW'} ${w}`).join('\n')} ;`);
  if (!/^SPECIALNETS \d+ ;/m.test(def)) {
    const at = def.indexOf('\nNETS ');
    return `${def.slice(0, at + 1)}SPECIALNETS ${entries.length} ;\n${entries.join('\n')}\nEND SPECIALNETS\n\n${def.slice(at + 1)}`;
  }
  const section = sectionBody(def, 'SPECIALNETS');
  const count = Number(/^SPECIALNETS (\d+) ;/m.exec(def.slice(section.start))![1]);
  return `${def.slice(0, section.start)}SPECIALNETS ${count + entries.length} ;\n${section.body}${entries.join('\n')}\n${def.slice(section.end - 'END SPECIALNETS'.length)}`;
}

/** Append routing statements (`  NEW ...` lines) to the named nets of a DEF's NETS section. */
function appendToNets(def: string, patches: ReadonlyMap<string, readonly string[]>): string {
  if (patches.size === 0) return def;
  const section = sectionBody(def, 'NETS');
  const body = section.body.split(/^(?=- )/m).map((chunk) => {
    const net = chunk.startsWith('- ') ? chunk.slice(2, 2 + chunk.slice(2).search(/\s/)) : '';
    const add = patches.get(net);
    if (!add) return chunk;
    const end = chunk.lastIndexOf(';');
    return `${chunk.slice(0, end).replace(/\s+$/, '')}\n${add.join('\n')} ;${chunk.slice(end + 1)}`;
  });
  const head = def.slice(section.start, section.start + def.slice(section.start).indexOf('\n') + 1);
  return def.slice(0, section.start) + head + body.join('') + def.slice(section.end - '\nEND NETS'.length + 1);
}

export interface GapFillResult {
  readonly text: string;
  /** Same-net shape pairs closer than spacing, side by side (their projections overlap), now bridged. */
  readonly filled: number;
  /** Same-net pairs closer than spacing only corner to corner. */
  readonly diagonal: number;
  /** Of those, joined by a fill of the pair's bounding box (counted in `filled` too). */
  readonly diagonalFilled: number;
}

/**
 * Bridge every gap narrower than the layer's spacing between two shapes of one net (pure). qrouter drops a
 * net's via on one track and its next via one track away without joining their pads on that layer (0.34 µm
 * apart, 0.095 µm between an li1–met1 and a met1–met2 pad); the layout is connected through the other layer,
 * but the slot between the pads is a met1.2 violation. The bridge is a SPECIALNETS wire of the net (flush
 * ends, so exactly the rectangle drawn) across the slot, as wide as the two shapes' common extent.
 */
export function fillSameNetGaps(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number, pinShapes: readonly NetShape[] = [], maxCornerHullUm2 = 1, obstacles: readonly NetShape[] = []): GapFillResult {
  const nearObstacles = new Map([...groupBy(obstacles, (q) => q.layer)].map(([layer, list]) => [layer, shapeGrid(list)]));
  const routed = routedShapes(def, vias, layers, dbuPerUm);
  const own = groupBy([...routed, ...pinShapes], netLayerKey);
  // Pin rectangles count as the net's shapes, so a slot between a route and its own pin is bridged too; two
  // pins of one cell are the cell's business and never paired.
  const pins = new Set<NetShape>(pinShapes);
  const shapes = [...routed, ...pinShapes];
  const patches = new Map<string, string[]>();
  const seen = new Set<string>();
  let filled = 0;
  let diagonal = 0;
  let diagonalFilled = 0;
  const corners: NetShape[] = [];
  for (const [name, info] of [...layers].sort(([p], [q]) => p.localeCompare(q))) {
    const need = info.spacingUm * dbuPerUm - 1e-6;
    const list = shapes.filter((s) => s.layer === name).sort((a, b) => a.x0 - b.x0 || a.y0 - b.y0 || a.net.localeCompare(b.net));
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      for (let j = i + 1; j < list.length && list[j].x0 < a.x1 + need; j++) {
        const b = list[j];
        if (a.net !== b.net || (pins.has(a) && pins.has(b))) continue;
        const dx = Math.max(0, b.x0 - a.x1, a.x0 - b.x1);
        const dy = Math.max(0, b.y0 - a.y1, a.y0 - b.y1);
        if (dx === 0 && dy === 0) continue;
        if (Math.hypot(dx, dy) >= need) continue;
        if (dx > 0 && dy > 0) {
          // Corner to corner (two via pads one track and one column apart): the two shapes' bounding box, a
          // plain rectangle with no new steps, where it is small (pads, not wires) and, below, clears every other
          // net by spacing and leaves no new slot against the net's own metal.
          diagonal += 1;
          const hull = { net: a.net, layer: name, x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
          if ((hull.x1 - hull.x0) * (hull.y1 - hull.y0) > maxCornerHullUm2 * dbuPerUm * dbuPerUm) continue;
          corners.push(hull);
          continue;
        }
        // A slot in y (dy > 0, x extents overlap) or in x (dx > 0, y extents overlap).
        const vertical = dy > 0;
        const [lo, hi] = vertical ? (a.y1 <= b.y0 ? [a, b] : [b, a]) : a.x1 <= b.x0 ? [a, b] : [b, a];
        const c0 = vertical ? Math.max(a.x0, b.x0) : Math.max(a.y0, b.y0);
        const c1 = vertical ? Math.min(a.x1, b.x1) : Math.min(a.y1, b.y1);
        const g0 = vertical ? lo.y1 : lo.x1;
        const g1 = vertical ? hi.y0 : hi.x0;
        const depth = Math.min(vertical ? lo.y1 - lo.y0 : lo.x1 - lo.x0, vertical ? hi.y1 - hi.y0 : hi.x1 - hi.x0);
        // A flush-ended special wire across the slot, centred in the common extent, overlapping each shape a little.
        let w = 2 * Math.floor((c1 - c0) / 2);
        if ((c0 + c1) % 2 !== 0) w = 2 * Math.floor((c1 - c0 - 1) / 2);
        let mid = Math.round((c0 + c1) / 2);
        const minWidth = 2 * Math.ceil(Math.round(info.widthUm * dbuPerUm) / 2);
        if (w < minWidth) {
          // Common extent narrower than the layer's width (a route stub 0.115 µm over the end of its pin): a
          // bridge of the minimum width covering it, inside the two shapes' joint extent.
          const hull0 = vertical ? Math.min(a.x0, b.x0) : Math.min(a.y0, b.y0);
          const hull1 = vertical ? Math.max(a.x1, b.x1) : Math.max(a.y1, b.y1);
          if (hull1 - hull0 < minWidth) continue;
          w = minWidth;
          mid = Math.min(Math.max(mid, hull0 + w / 2), hull1 - w / 2);
        }
        // Already bridged (by qrouter's own patch or an earlier run) when one shape of the net covers the slot.
        const slot = vertical ? { x0: mid - w / 2, x1: mid + w / 2, y0: g0, y1: g1 } : { x0: g0, x1: g1, y0: mid - w / 2, y1: mid + w / 2 };
        if (covered(slot, own.get(netLayerKey({ net: a.net, layer: name })) ?? [])) continue;
        // Overlap each shape a little where the bridge lies within both; a widened bridge only abuts them (a
        // lip past the narrower shape's side would be a sliver under the width rule).
        const inside = vertical ? mid - w / 2 >= Math.max(a.x0, b.x0) && mid + w / 2 <= Math.min(a.x1, b.x1) : mid - w / 2 >= Math.max(a.y0, b.y0) && mid + w / 2 <= Math.min(a.y1, b.y1);
        const into = inside ? Math.min(depth, 6) : 0;
        const from = Math.floor(g0 - into);
        const to = Math.ceil(g1 + into);
        let line = vertical ? `${name} ${w} ( ${mid} ${from} ) ( ${mid} ${to} )` : `${name} ${w} ( ${from} ${mid} ) ( ${to} ${mid} )`;
        // Where the two shapes' extents differ, a bridge over the common part leaves a notch as narrow as the
        // slot beside the longer one (a pulled via's pad beside its own met1–met2 pad): the bridge then spans
        // both shapes' whole extent, drawn along the slot with flush ends, where that clears every other net's
        // routes and the cells' own metal (`obstacles`: rails, other pins, obstructions).
        const hull0 = vertical ? Math.min(a.x0, b.x0) : Math.min(a.y0, b.y0);
        const hull1 = vertical ? Math.max(a.x1, b.x1) : Math.max(a.y1, b.y1);
        // Only notches magic flags (0.035 µm and deeper were; 0.015 µm beside a 0.29 µm pad on a 0.32 µm one was
        // not, and widening there leaves a ledge that is), and only beside a pad, never along a wire.
        const notchMin = Math.round(0.02 * dbuPerUm);
        const notchMax = Math.round(0.1 * dbuPerUm);
        const depths = [c0 - hull0, hull1 - c1];
        if (depths.some((d) => d > 0) && depths.every((d) => d === 0 || (d > notchMin && d <= notchMax))) {
          const across = g1 - g0 + ((g1 - g0) % 2);
          const centre = g0 + across / 2;
          const full = vertical ? { x0: hull0, x1: hull1, y0: g0, y1: g0 + across } : { x0: g0, x1: g0 + across, y0: hull0, y1: hull1 };
          const spacingDbu = Math.round(info.spacingUm * dbuPerUm);
          const clear = [...(nearObstacles.get(name)?.(full, spacingDbu) ?? []), ...list.filter((q) => q.x1 >= full.x0 - spacingDbu && q.x0 <= full.x1 + spacingDbu && q.y1 >= full.y0 - spacingDbu && q.y0 <= full.y1 + spacingDbu)].every((q) => q.net === a.net || boxGap(q, full) >= spacingDbu);
          if (clear) line = vertical ? `${name} ${across} ( ${hull0} ${centre} ) ( ${hull1} ${centre} )` : `${name} ${across} ( ${centre} ${hull0} ) ( ${centre} ${hull1} )`;
        }
        const key = `${a.net}\u0000${line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        filled += 1;
        if (!patches.has(a.net)) patches.set(a.net, []);
        patches.get(a.net)!.push(line);
      }
    }
    // Corner squares of one net that overlap become their bounding box (a ragged union of squares a few units
    // apart breaks the width rule), kept where it clears every other net by spacing and leaves no new slot
    // against the net's own metal that its metal does not already fill.
    const spacing = Math.round(info.spacingUm * dbuPerUm);
    const byNet = groupBy(corners.splice(0), (q) => q.net);
    const groups = [...byNet.values()].flatMap((c) => touchingGroups(c)).map((g) => ({ net: g[0].net, layer: name, x0: Math.min(...g.map((q) => q.x0)), y0: Math.min(...g.map((q) => q.y0)), x1: Math.max(...g.map((q) => q.x1)), y1: Math.max(...g.map((q) => q.y1)) }));
    for (const box of groups) {
      const ownShapes = own.get(netLayerKey(box)) ?? [];
      const clear = list.every((q) => {
        if (q.x1 < box.x0 - spacing || q.x0 > box.x1 + spacing || q.y1 < box.y0 - spacing || q.y0 > box.y1 + spacing) return true;
        const g = boxGap(q, box);
        if (q.net !== box.net) return g >= spacing;
        if (g === 0 || g >= spacing) return true;
        const slot = q.x1 > box.x0 && q.x0 < box.x1
          ? { x0: Math.max(q.x0, box.x0), x1: Math.min(q.x1, box.x1), y0: Math.min(q.y1, box.y1), y1: Math.max(q.y0, box.y0) }
          : q.y1 > box.y0 && q.y0 < box.y1
            ? { x0: Math.min(q.x1, box.x1), x1: Math.max(q.x0, box.x0), y0: Math.max(q.y0, box.y0), y1: Math.min(q.y1, box.y1) }
            : undefined;
        return slot !== undefined && covered(slot, ownShapes);
      });
      if (!clear) continue;
      const h = 2 * Math.ceil((box.y1 - box.y0) / 2);
      const cy = box.y0 + h / 2;
      const line = `${name} ${h} ( ${box.x0} ${cy} ) ( ${box.x1} ${cy} )`;
      filled += 1;
      diagonalFilled += 1;
      if (!patches.has(box.net)) patches.set(box.net, []);
      patches.get(box.net)!.push(line);
    }
  }
  return { text: appendSpecial(def, patches), filled, diagonal, diagonalFilled };
}

export interface HoleFillResult {
  readonly text: string;
  /** Holes under the layer's MINENCLOSEDAREA inside one net's metal, now filled. */
  readonly filled: number;
  /** Such holes left open because another net's shape lies in them. */
  readonly blocked: number;
}

/**
 * Fill every hole smaller than the layer's MINENCLOSEDAREA in the metal of one net (pure): a route and its own
 * pin (or a slot bridge between them) can close a ring around a patch of empty metal, 0.03 µm² beside
 * dfrtp_1's RESET_B pin against met1.7's 0.14. Shapes are the net's routes plus `pinShapes`; each connected
 * group of the net's shapes is rasterised on its own coordinates, empty cells not reachable from the group's
 * border are holes, and each hole's cells become flush SPECIALNETS wires of the net.
 */
export function fillSmallHoles(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number, pinShapes: readonly NetShape[] = []): HoleFillResult {
  const routed = routedShapes(def, vias, layers, dbuPerUm);
  const all = [...routed, ...pinShapes];
  const byLayer = groupBy(all, (s) => s.layer);
  const patches = new Map<string, string[]>();
  let filled = 0;
  let blocked = 0;
  for (const [name, info] of [...layers].sort(([p], [q]) => p.localeCompare(q))) {
    if (info.minEnclosedAreaUm2 <= 0) continue;
    const limit = info.minEnclosedAreaUm2 * dbuPerUm * dbuPerUm;
    const onLayer = byLayer.get(name) ?? [];
    const nets = groupBy(onLayer, (s) => s.net);
    for (const net of [...nets.keys()].sort()) {
      for (const group of touchingGroups(nets.get(net)!)) {
        if (group.length < 3) continue;
        for (const hole of holesOf(group)) {
          const area = hole.reduce((t, r) => t + (r.x1 - r.x0) * (r.y1 - r.y0), 0);
          if (area >= limit) continue;
          const foreign = onLayer.some((s) => s.net !== net && hole.some((r) => s.x0 < r.x1 && s.x1 > r.x0 && s.y0 < r.y1 && s.y1 > r.y0));
          if (foreign) {
            blocked += 1;
            continue;
          }
          filled += 1;
          if (!patches.has(net)) patches.set(net, []);
          for (const r of hole) patches.get(net)!.push(flushRect(name, r));
        }
      }
    }
  }
  return { text: appendSpecial(def, patches), filled, blocked };
}

/** A rectangle as a flush-ended special wire along its longer side. */
function flushRect(layer: string, r: { x0: number; y0: number; x1: number; y1: number }): string {
  const w = r.x1 - r.x0;
  const h = r.y1 - r.y0;
  return w >= h ? `${layer} ${h} ( ${r.x0} ${(r.y0 + r.y1) / 2} ) ( ${r.x1} ${(r.y0 + r.y1) / 2} )` : `${layer} ${w} ( ${(r.x0 + r.x1) / 2} ${r.y0} ) ( ${(r.x0 + r.x1) / 2} ${r.y1} )`;
}

/** Groups of shapes that touch or overlap (union-find over a sweep in x). */
function touchingGroups(shapes: readonly NetShape[]): NetShape[][] {
  const order = [...shapes].sort((a, b) => a.x0 - b.x0 || a.y0 - b.y0);
  const parent = order.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length && order[j].x0 <= order[i].x1; j++) {
      const a = order[i];
      const b = order[j];
      if (b.y0 <= a.y1 && a.y0 <= b.y1) parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, NetShape[]>();
  order.forEach((s, i) => {
    const r = find(i);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(s);
  });
  return [...groups.values()];
}

/** Holes of a union of rectangles: each as the grid cells (on the rectangles' own coordinates) it is made of. */
function holesOf(rects: readonly NetShape[]): { x0: number; y0: number; x1: number; y1: number }[][] {
  const xs = [...new Set(rects.flatMap((r) => [r.x0, r.x1]))].sort((a, b) => a - b);
  const ys = [...new Set(rects.flatMap((r) => [r.y0, r.y1]))].sort((a, b) => a - b);
  const nx = xs.length - 1;
  const ny = ys.length - 1;
  if (nx < 3 || ny < 3) return [];
  const xi = new Map(xs.map((v, i) => [v, i]));
  const yi = new Map(ys.map((v, i) => [v, i]));
  const full = new Uint8Array(nx * ny);
  for (const r of rects) {
    for (let i = xi.get(r.x0)!; i < xi.get(r.x1)!; i++) for (let j = yi.get(r.y0)!; j < yi.get(r.y1)!; j++) full[i * ny + j] = 1;
  }
  // Empty cells reachable from the border are outside; the rest are holes.
  const seen = new Uint8Array(nx * ny);
  const flood = (start: number): number[] => {
    const cells: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const c = stack.pop()!;
      cells.push(c);
      const i = Math.floor(c / ny);
      const j = c % ny;
      for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const a = i + di;
        const b = j + dj;
        if (a < 0 || b < 0 || a >= nx || b >= ny) continue;
        const k = a * ny + b;
        if (!full[k] && !seen[k]) {
          seen[k] = 1;
          stack.push(k);
        }
      }
    }
    return cells;
  };
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const k = i * ny + j;
      if ((i === 0 || j === 0 || i === nx - 1 || j === ny - 1) && !full[k] && !seen[k]) flood(k);
    }
  }
  const holes: { x0: number; y0: number; x1: number; y1: number }[][] = [];
  for (let k = 0; k < nx * ny; k++) {
    if (full[k] || seen[k]) continue;
    holes.push(flood(k).sort((p, q) => p - q).map((c) => {
      const i = Math.floor(c / ny);
      const j = c % ny;
      return { x0: xs[i], y0: ys[j], x1: xs[i + 1], y1: ys[j + 1] };
    }));
  }
  return holes;
}

/** One routing statement of a NETS chunk: `+ ROUTED`/`NEW`, layer, points, optional via, and the `;` if it ends the net. */
interface NetStatement {
  readonly head: string;
  readonly layer: string;
  readonly body: string;
  readonly via?: string;
  readonly tail: string;
  readonly pts: [number, number][];
}

/**
 * Rewrite the NETS section net by net (pure): `edit` gets each net's name, its lines and their parsed
 * statements, and returns replacement lines by line index (lines it leaves out stay as they are).
 */
function rewriteNets(def: string, vias: ReadonlyMap<string, ViaDef>, edit: (net: string, lines: readonly string[], parsed: readonly (NetStatement | undefined)[]) => ReadonlyMap<number, readonly string[]>): string {
  const section = sectionBody(def, 'NETS');
  const chunks = section.body.split(/^(?=- )/m).map((chunk) => {
    if (!chunk.startsWith('- ')) return chunk;
    const net = chunk.slice(2, 2 + chunk.slice(2).search(/\s/));
    const lines = chunk.split('\n');
    const parsed = lines.map((line): NetStatement | undefined => {
      // The token after the points is a via name (or some other word), never the `;` that ends the net.
      const m = /^(\s*(?:\+ ROUTED|NEW)) (\S+) ((?:\(.*?\)\s*)+?)([^\s;]+)?(\s*;?)\s*$/.exec(line);
      if (!m) return undefined;
      const via = m[4] && vias.has(m[4]) ? m[4] : undefined;
      return { head: m[1], layer: m[2], body: m[3].trim(), via, tail: m[5], pts: statementPoints(m[3]) };
    });
    const edits = edit(net, lines, parsed);
    return lines.flatMap((line, i) => edits.get(i) ?? [line]).join('\n');
  });
  return def.slice(0, section.start) + def.slice(section.start, section.start + def.slice(section.start).indexOf('\n') + 1) + chunks.join('') + def.slice(section.end - 'END NETS'.length);
}

export interface JogResult {
  readonly text: string;
  /** Up-over-down via jogs (a wire leaves a layer by a via, runs a short way one layer up, comes back down by the same via kind). */
  readonly jogs: number;
  /** Jogs replaced by a straight wire on the lower layer. */
  readonly collapsed: number;
}

/**
 * Straighten short via jogs (pure). qrouter sometimes leaves a layer by a via, runs one or two tracks on the
 * layer above and comes straight back down by the same via kind (a met2 route hopping 0.34 µm over on met3,
 * past a site our repair rounds blocked): the two cuts sit 0.34 µm apart where via2.2 asks for more, and the
 * little met3 jog is under met3.6's minimum area. Where the lower layer's wire between the two points keeps
 * its spacing to every other net on that layer, and nothing else of the net touches the two points, the jog
 * becomes that wire: both vias and the upper wire go, and so does the net's SPECIALNETS patch on the upper layer
 * over the jog.
 */
export function collapseViaJogs(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number, maxLengthUm = 0.7): JogResult {
  const shapes = routedShapes(def, vias, layers, dbuPerUm);
  const byLayer = groupBy(shapes, (s) => s.layer);
  let jogs = 0;
  let collapsed = 0;
  const dropSpecial = new Map<string, { layer: string; box: { x0: number; y0: number; x1: number; y1: number } }[]>();
  let text = rewriteNets(def, vias, (net, lines, parsed) => {
    const edits = new Map<number, string[]>();
    const mentions = (x: number, y: number, except: readonly number[]) =>
      parsed.some((p, k) => p && !except.includes(k) && p.pts.some((q) => q[0] === x && q[1] === y));
    for (let i = 0; i + 1 < lines.length; i++) {
      const a = parsed[i];
      const b = parsed[i + 1];
      if (!a?.via || !b?.via || a.via !== b.via || a.tail.includes(';')) continue;
      const d = vias.get(a.via)!;
      const [px, py] = a.pts[a.pts.length - 1];
      if (a.layer !== d.lower && !(a.pts.length === 1 && a.layer === d.lower)) continue;
      if (b.layer !== d.upper || b.pts.length !== 2 || b.pts[0][0] !== px || b.pts[0][1] !== py) continue;
      const [qx, qy] = b.pts[1];
      if (px !== qx && py !== qy) continue;
      if (Math.hypot(qx - px, qy - py) > maxLengthUm * dbuPerUm) continue;
      jogs += 1;
      // The lower layer must carry on from Q in the next statement, and nothing else may touch P or Q.
      const c = parsed[i + 2];
      if (!c || c.layer !== d.lower || c.pts[0][0] !== qx || c.pts[0][1] !== qy) continue;
      if (mentions(px, py, [i, i + 1]) || mentions(qx, qy, [i + 1, i + 2])) continue;
      const info = layers.get(d.lower);
      if (!info) continue;
      const half = (info.widthUm * dbuPerUm) / 2;
      const wire = { x0: Math.min(px, qx) - half, y0: Math.min(py, qy) - half, x1: Math.max(px, qx) + half, y1: Math.max(py, qy) + half };
      const spacing = info.spacingUm * dbuPerUm;
      const clear = (byLayer.get(d.lower) ?? []).every((s) => s.net === net || boxGap(s, wire) >= spacing);
      if (!clear) continue;
      collapsed += 1;
      edits.set(i, [`${a.head} ${a.layer} ${a.body}${a.tail}`]);
      edits.set(i + 1, [`${b.head} ${d.lower} ( ${px} ${py} ) ( ${qx === px ? '*' : qx} ${qy === py ? '*' : qy} )${b.tail}`]);
      const pad = Math.max(...d.pads.map((p) => Math.max(Math.abs(p.x0Um), Math.abs(p.x1Um), Math.abs(p.y0Um), Math.abs(p.y1Um)))) * dbuPerUm;
      if (!dropSpecial.has(net)) dropSpecial.set(net, []);
      dropSpecial.get(net)!.push({ layer: d.upper, box: { x0: Math.min(px, qx) - pad, y0: Math.min(py, qy) - pad, x1: Math.max(px, qx) + pad, y1: Math.max(py, qy) + pad } });
      i += 1;
    }
    return edits;
  });
  if (dropSpecial.size > 0 && /^SPECIALNETS \d+ ;/m.test(text)) {
    const sp = sectionBody(text, 'SPECIALNETS');
    const body = sp.body.split(/^(?=- )/m).map((chunk) => {
      const net = chunk.startsWith('- ') ? chunk.slice(2, 2 + chunk.slice(2).search(/\s/)) : '';
      const drops = dropSpecial.get(net);
      if (!drops) return chunk;
      const kept: string[] = [];
      for (const line of chunk.split('\n')) {
        const m = /^\s*(\+ ROUTED|NEW) (\S+) \d+ ((?:\(.*?\)\s*)+)\s*;?\s*$/.exec(line);
        const pts = m ? statementPoints(m[3]) : [];
        if (m && drops.some((dr) => dr.layer === m[2] && pts.every(([x, y]) => dr.box.x0 <= x && x <= dr.box.x1 && dr.box.y0 <= y && y <= dr.box.y1))) continue;
        kept.push(line);
      }
      // Keep the statement well formed: the first routing line is `+ ROUTED`, the last ends with `;`.
      const routing = kept.map((l, k) => ({ l, k })).filter(({ l }) => /^\s*(\+ ROUTED|NEW) /.test(l));
      if (routing.length === 0) return '';
      kept[routing[0].k] = kept[routing[0].k].replace(/^(\s*)NEW /, '$1+ ROUTED ');
      const last = routing[routing.length - 1].k;
      if (!/;\s*$/.test(kept[last])) kept[last] = `${kept[last].replace(/\s+$/, '')} ;`;
      return kept.join('\n');
    });
    const count = body.filter((c) => c.startsWith('- ')).length;
    const head = `SPECIALNETS ${count} ;\n`;
    text = text.slice(0, sp.start) + head + body.join('') + text.slice(sp.end - 'END SPECIALNETS'.length);
  }
  return { text, jogs, collapsed };
}

export interface OffsetViaResult {
  readonly text: string;
  /** Vias ending a wire a few nanometres off the point where the next layer's wire starts. */
  readonly offset: number;
  /** Of those, moved onto the upper wire's start (a stub of the lower layer joins the old point). */
  readonly aligned: number;
}

/**
 * Put off-track vias back on the track (pure). Where qrouter offsets a met1 wire a few nanometres to reach a pin
 * (0.015 to 0.05 µm), the met1–met2 via at its other end sits at the offset too while the met2 wire above
 * starts on the track (`met1 ( a y' ) ( x * ) M1M2_PR` then `NEW met2 ( x y )`); its pad then crowds the next
 * track's met1 by the offset. The same happens along x (a via dropped over a pin 0.06 µm off the met2 track
 * where the met2 wire starts on it). The via moves to where the upper wire starts and a stub of the lower layer
 * joins the old point, unless that brings its pads nearer other nets' shapes on either layer or another wire of
 * the net starts on the upper layer at the old point. li1–met1 vias stay: their offset keeps the li1 pad on the pin.
 */
export function alignOffsetVias(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number, maxOffsetUm = 0.07): OffsetViaResult {
  const shapes = routedShapes(def, vias, layers, dbuPerUm);
  const byLayer = groupBy(shapes, (s) => s.layer);
  let offset = 0;
  let aligned = 0;
  const gap = boxGap;
  const text = rewriteNets(def, vias, (net, lines, parsed) => {
    const edits = new Map<number, string[]>();
    for (let i = 0; i + 1 < lines.length; i++) {
      const a = parsed[i];
      const b = parsed[i + 1];
      if (!a?.via || !b || a.tail.includes(';')) continue;
      const d = vias.get(a.via)!;
      if (a.layer !== d.lower || b.layer !== d.upper) continue;
      const [px, py] = a.pts[a.pts.length - 1];
      const [qx, qy] = b.pts[0];
      // Off along y (a met1 wire's pin offset) or along x (a via over a pin a few nanometres off the met2 track).
      if ((qx !== px) === (qy !== py) || Math.abs(qx - px) + Math.abs(qy - py) > maxOffsetUm * dbuPerUm) continue;
      offset += 1;
      // An li1–met1 via sits on its pin, at the offset that keeps its li1 pad inside the pin: moved to the track,
      // the pad can leave the pin (li.3 against the cell's own li1). Those vias are left to the pin-aware passes.
      if (d.lower === 'li1') continue;
      if (parsed.some((p, k) => p && k !== i && p.layer === d.upper && p.pts.some((q) => q[0] === px && q[1] === py))) continue;
      const spacing = Math.round((layers.get(d.lower)?.spacingUm ?? 0) * dbuPerUm);
      const pad = d.pads.find((p) => p.layer === d.lower);
      if (!pad) continue;
      const upperPad = d.pads.find((p) => p.layer === d.upper);
      const upperSpacing = Math.round((layers.get(d.upper)?.spacingUm ?? 0) * dbuPerUm);
      const crowding = (x: number, y: number) =>
        (byLayer.get(d.lower) ?? []).filter((s) => s.net !== net && gap(s, padBox(pad, x, y, dbuPerUm)) < spacing).length +
        (upperPad ? (byLayer.get(d.upper) ?? []).filter((s) => s.net !== net && gap(s, padBox(upperPad, x, y, dbuPerUm)) < upperSpacing).length : 0);
      if (crowding(qx, qy) > crowding(px, py)) continue;
      aligned += 1;
      edits.set(i, [`${a.head} ${a.layer} ${a.body}`, `  NEW ${d.lower} ( ${px} ${py} ) ( ${qx === px ? '*' : qx} ${qy === py ? '*' : qy} ) ${a.via}${a.tail}`]);
    }
    return edits;
  });
  return { text, offset, aligned };
}

export interface UpperViaNudgeResult {
  readonly text: string;
  /** `via`s whose lower pad is within spacing of another net's shape on the lower layer. */
  readonly crowded: number;
  /** Of those, moved along the upper layer's track until clear. */
  readonly moved: number;
}

/**
 * Nudge crowded met1–met2 vias along their met2 column (pure). Where qrouter drops a met1–met2 via one met1
 * track from another net's li1–met1 via, the two pads stand 0.095 µm apart (0.14 needed); the li1–met1 via
 * usually cannot move (short pin, li1 wire), but the met1–met2 via can slide the missing few nanometres up
 * or down its met2 column, away from the other pad: the via goes to the new point and short stubs of both
 * layers join the old point, where the net's wires end. Only vias at the end of their wires (not stacked,
 * not in the middle of a wire) move, and only where the moved pads keep spacing to every other net on both
 * layers (routes and `cellShapes`: the cells' rails, pins and obstructions) and the cut to every other cut.
 * A via from below at the same point (an li1–met1 via under it) stays where it is, joined by the met1 stub.
 */
export function nudgeCrowdedUpperVias(
  def: string,
  viaName: string,
  vias: ReadonlyMap<string, ViaDef>,
  layers: ReadonlyMap<string, RoutingLayer>,
  dbuPerUm: number,
  o: { cellShapes: readonly NetShape[]; cutHalfDbu: number; cutSpacingDbu: number; shiftsDbu: readonly number[] },
): UpperViaNudgeResult {
  const d = vias.get(viaName);
  if (!d) return { text: def, crowded: 0, moved: 0 };
  const shapes = [...routedShapes(def, vias, layers, dbuPerUm), ...o.cellShapes];
  const byLayer = groupBy(shapes, (s) => s.layer);
  const spacing = (layer: string) => Math.round((layers.get(layer)?.spacingUm ?? 0) * dbuPerUm);
  const padOf = (layer: string) => d.pads.find((p) => p.layer === layer);
  const gap = boxGap;
  const padAt = (layer: string, x: number, y: number) => {
    const p = padOf(layer)!;
    return padBox(p, x, y, dbuPerUm);
  };
  const near = new Map([...byLayer].map(([layer, list]) => [layer, shapeGrid(list)]));
  const crowding = (net: string, layer: string, x: number, y: number) => {
    const pad = padAt(layer, x, y);
    return (near.get(layer)?.(pad, spacing(layer)) ?? []).filter((s) => s.net !== net && gap(s, pad) < spacing(layer));
  };
  const cutList = routingStatements(def, 'NETS').flatMap((s) => s.points.filter((p) => p.via === viaName).map((p) => ({ net: s.net, x: p.x, y: p.y, x0: p.x, y0: p.y, x1: p.x, y1: p.y })));
  const cutsNear = shapeGrid(cutList);
  let crowded = 0;
  let moved = 0;
  const text = rewriteNets(def, vias, (net, lines, parsed) => {
    const edits = new Map<number, string[]>();
    for (const [i, a] of parsed.entries()) {
      if (!a || a.via !== viaName || (a.layer !== d.lower && a.layer !== d.upper)) continue;
      const [px, py] = a.pts[a.pts.length - 1];
      const lowerCrowd = crowding(net, d.lower, px, py);
      if (lowerCrowd.length === 0) continue;
      crowded += 1;
      // Everything else of the net at P must be a wire ending there on one of the via's two layers.
      const ok = parsed.every((p, k) => {
        if (!p || k === i) return true;
        const touches = p.pts.some((q, n) => n > 0 && n < p.pts.length - 1 && q[0] === px && q[1] === py);
        const ends = [p.pts[0], p.pts[p.pts.length - 1]].some((q) => q[0] === px && q[1] === py);
        if (touches) return false;
        if (!ends) return true;
        // Another via ending there may only be one from below (an li1–met1 via under a met1–met2 via): it stays.
        if (p.via && p.pts[p.pts.length - 1][0] === px && p.pts[p.pts.length - 1][1] === py) return vias.get(p.via)?.upper === d.lower;
        return p.layer === d.lower || p.layer === d.upper;
      });
      if (!ok) continue;
      // The pad of a via from below that stays at P must clear other nets by itself.
      const below0 = parsed.find((p, k) => p && k !== i && p.via && p.pts[p.pts.length - 1][0] === px && p.pts[p.pts.length - 1][1] === py);
      const stayPad = below0?.via ? vias.get(below0.via)!.pads.find((p) => p.layer === d.lower) : undefined;
      if (stayPad) {
        const box = padBox(stayPad, px, py, dbuPerUm);
        if ((near.get(d.lower)?.(box, spacing(d.lower)) ?? []).some((s) => s.net !== net && gap(s, box) < spacing(d.lower))) continue;
      }
      // Away from the crowding shapes first.
      const below = lowerCrowd.some((s) => (s.y0 + s.y1) / 2 < py);
      const above = lowerCrowd.some((s) => (s.y0 + s.y1) / 2 > py);
      if (below && above) continue;
      const dir = below ? 1 : -1;
      const dy = o.shiftsDbu.map((v) => v * dir).find((shift) => {
        const y = py + shift;
        if (crowding(net, d.lower, px, y).length > 0 || crowding(net, d.upper, px, y).length > 0) return false;
        const cut = { x0: px - o.cutHalfDbu, y0: y - o.cutHalfDbu, x1: px + o.cutHalfDbu, y1: y + o.cutHalfDbu };
        return cutsNear(cut, o.cutSpacingDbu + 2 * o.cutHalfDbu).every((c) => (c.net === net && c.x === px && c.y === py) || gap({ x0: c.x - o.cutHalfDbu, y0: c.y - o.cutHalfDbu, x1: c.x + o.cutHalfDbu, y1: c.y + o.cutHalfDbu }, cut) >= o.cutSpacingDbu);
      });
      if (dy === undefined) continue;
      moved += 1;
      const other = a.layer === d.lower ? d.upper : d.lower;
      const stubs = [`${a.layer} ( ${px} ${py} ) ( * ${py + dy} ) ${viaName}`, `  NEW ${other} ( ${px} ${py + dy} ) ( * ${py} )${a.tail}`];
      // A via-only statement becomes the stubs; a wire keeps its points without the via.
      edits.set(i, a.pts.length > 1 ? [`${a.head} ${a.layer} ${a.body}`, `  NEW ${stubs[0]}`, stubs[1]] : [`${a.head} ${stubs[0]}`, stubs[1]]);
    }
    return edits;
  });
  return { text, crowded, moved };
}

/**
 * Shorts in a routed DEF (pure): pairs of shapes of two different nets on one layer that overlap with positive
 * area (routes, via pads and SPECIALNETS wires, as KLayout draws them). qrouter can leave one: a wire it offsets
 * a few nanometres off its track to reach a pin runs on along the offset through another net's via pad.
 */
export function crossNetOverlaps(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number): { layer: string; a: NetShape; b: NetShape }[] {
  const out: { layer: string; a: NetShape; b: NetShape }[] = [];
  for (const [layer, list] of groupBy(routedShapes(def, vias, layers, dbuPerUm), (s) => s.layer)) {
    const near = shapeGrid(list);
    for (const a of list) {
      for (const b of near(a, 0)) {
        if (b.net <= a.net) continue; // each pair once, and never a net with itself
        if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) out.push({ layer, a, b });
      }
    }
  }
  return out;
}

/**
 * Clearance queries over a routed DEF's shapes and `cellShapes` (pure): the box a wire of a layer draws between
 * two points (half its width past each end, as routedShapes draws NETS wires), and how many shapes of other
 * nets come within spacing of a box on its layer.
 */
function clearance(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number, cellShapes: readonly NetShape[]) {
  const shapes = [...routedShapes(def, vias, layers, dbuPerUm), ...cellShapes];
  const near = new Map([...groupBy(shapes, (s) => s.layer)].map(([layer, list]) => [layer, shapeGrid(list)]));
  const spacing = (layer: string) => Math.round((layers.get(layer)?.spacingUm ?? 0) * dbuPerUm);
  const wireBox = (layer: string, a: readonly number[], b: readonly number[]) => {
    const h = Math.round(((layers.get(layer)?.widthUm ?? 0) * dbuPerUm) / 2);
    return { layer, x0: Math.min(a[0], b[0]) - h, y0: Math.min(a[1], b[1]) - h, x1: Math.max(a[0], b[0]) + h, y1: Math.max(a[1], b[1]) + h };
  };
  const intruders = (net: string, b: { layer: string; x0: number; y0: number; x1: number; y1: number }) =>
    (near.get(b.layer)?.(b, spacing(b.layer)) ?? []).filter((s) => s.net !== net && boxGap(s, b) < spacing(b.layer)).length;
  return { wireBox, intruders };
}

export interface ViaColumnSlideResult {
  readonly text: string;
  /** Two-via segments (a wire between a via at each end) with a via pad within spacing of another net. */
  readonly crowded: number;
  /** Of those, moved whole to a neighbouring track where every shape they touch keeps its spacing. */
  readonly slid: number;
}

/**
 * Slide a crowded via's segment to the next track (pure). Where a via pad stands within spacing of another
 * net and has no room to move along its wire (boxed in by a cell rail or another wire: the few-nanometre
 * nudges found no spot), the whole segment it ends moves: a two-point wire with a via at each end (met2 from a
 * met1–met2 via up to a met2–met3 via, say) goes one or two tracks across, both vias with it, and the wires
 * that meet it at its two ends (at right angles) are shortened or lengthened to the new points. Taken only
 * where nothing else of the net touches the two points, the neighbouring wires stay at least a pitch long,
 * and every moved or stretched shape keeps spacing to every other net on its layer (routes, power straps and
 * `cellShapes`) and each cut to every other cut of its kind.
 */
export function slideCrowdedViaSegments(
  def: string,
  vias: ReadonlyMap<string, ViaDef>,
  layers: ReadonlyMap<string, RoutingLayer>,
  dbuPerUm: number,
  o: {
    cellShapes: readonly NetShape[];
    /** Track step (DEF units) across each layer's routing direction: how far a segment on it slides. */
    pitchDbu: ReadonlyMap<string, number>;
    /** Cut half-size and cut-to-cut spacing (DEF units) by via name. */
    cuts: ReadonlyMap<string, { halfDbu: number; spacingDbu: number }>;
    /** Whole tracks to try either way (after `nudgesDbu`). */
    maxTracks?: number;
    /** Off-track shifts (DEF units) tried first, either way: a few nanometres often clear a pad. */
    nudgesDbu?: readonly number[];
  },
): ViaColumnSlideResult {
  const { wireBox, intruders } = clearance(def, vias, layers, dbuPerUm, o.cellShapes);
  const padsAt = (via: string, x: number, y: number) =>
    (vias.get(via)?.pads ?? []).map((p) => ({ layer: p.layer, ...padBox(p, x, y, dbuPerUm) }));
  const intrudes = (net: string, box: { layer: string; x0: number; y0: number; x1: number; y1: number }) => intruders(net, box) > 0;
  const cutList = routingStatements(def, 'NETS').flatMap((s) => s.points.filter((p) => p.via && o.cuts.has(p.via)).map((p) => ({ net: s.net, via: p.via!, x: p.x, y: p.y, x0: p.x, y0: p.y, x1: p.x, y1: p.y })));
  const cutsNear = shapeGrid(cutList);
  const cutClear = (via: string, x: number, y: number, skip: (c: (typeof cutList)[number]) => boolean) => {
    const cut = o.cuts.get(via);
    if (!cut) return true;
    const box = { x0: x - cut.halfDbu, y0: y - cut.halfDbu, x1: x + cut.halfDbu, y1: y + cut.halfDbu };
    return cutsNear(box, cut.spacingDbu + 2 * cut.halfDbu).every(
      (c) => c.via !== via || skip(c) || boxGap({ x0: c.x - cut.halfDbu, y0: c.y - cut.halfDbu, x1: c.x + cut.halfDbu, y1: c.y + cut.halfDbu }, box) >= cut.spacingDbu,
    );
  };
  const specialPoints = new Set(routingStatements(def, 'SPECIALNETS').flatMap((s) => s.points.map((p) => `${s.net} ${p.x} ${p.y}`)));
  const maxTracks = o.maxTracks ?? 2;
  let crowded = 0;
  let slid = 0;
  const text = rewriteNets(def, vias, (net, lines, parsed) => {
    const edits = new Map<number, string[]>();
    for (let i = 1; i + 1 < lines.length; i++) {
      const prev = parsed[i - 1];
      const seg = parsed[i];
      const next = parsed[i + 1];
      if (!prev?.via || !seg?.via || !next || seg.pts.length !== 2 || prev.pts.length < 2 || next.pts.length < 2) continue;
      if (edits.has(i - 1) || edits.has(i) || edits.has(i + 1)) continue;
      const [s, e] = seg.pts;
      const sp = prev.pts[prev.pts.length - 1];
      if (sp[0] !== s[0] || sp[1] !== s[1] || next.pts[0][0] !== e[0] || next.pts[0][1] !== e[1]) continue;
      const vs = vias.get(prev.via);
      const ve = vias.get(seg.via);
      if (!vs || !ve || ![vs.lower, vs.upper].includes(seg.layer) || ![ve.lower, ve.upper].includes(seg.layer)) continue;
      const crowdAt = (a: readonly number[], b: readonly number[]) => [...padsAt(prev.via!, a[0], a[1]), ...padsAt(seg.via!, b[0], b[1])].reduce((n, p) => n + intruders(net, p), 0);
      const crowd = crowdAt(s, e);
      if (crowd === 0) continue;
      crowded += 1;
      // The segment runs along one axis; it slides along the other, where both neighbours' end segments run.
      const vertical = s[0] === e[0];
      if (!vertical && s[1] !== e[1]) continue;
      const axis = vertical ? 0 : 1;
      const other = 1 - axis;
      const pa = prev.pts[prev.pts.length - 2];
      const nb = next.pts[1];
      if (pa[other] !== s[other] || nb[other] !== e[other]) continue;
      // Nothing else of the net may touch the two points (no branch, no SPECIALNETS patch there).
      const touches = (pt: readonly number[], except: readonly number[]) => parsed.some((p, k) => p && p.pts.some((q, n) => q[0] === pt[0] && q[1] === pt[1] && !except.includes(k * 1000 + n)));
      if (touches(s, [(i - 1) * 1000 + prev.pts.length - 1, i * 1000]) || touches(e, [i * 1000 + 1, (i + 1) * 1000])) continue;
      if (specialPoints.has(`${net} ${s[0]} ${s[1]}`) || specialPoints.has(`${net} ${e[0]} ${e[1]}`)) continue;
      const pitch = o.pitchDbu.get(seg.layer);
      if (!pitch) continue;
      const shifts = [...(o.nudgesDbu ?? []), ...Array.from({ length: maxTracks }, (_, k) => (k + 1) * pitch)].flatMap((d) => [d, -d]);
      const oldBoxes = [wireBox(prev.layer, pa, s), wireBox(seg.layer, s, e), wireBox(next.layer, e, nb), ...padsAt(prev.via, s[0], s[1]), ...padsAt(seg.via, e[0], e[1])];
      const inside = (b: { layer: string; x0: number; y0: number; x1: number; y1: number }) => oldBoxes.some((q) => q.layer === b.layer && q.x0 <= b.x0 && q.y0 <= b.y0 && b.x1 <= q.x1 && b.y1 <= q.y1);
      const oldPrevLen = Math.abs(s[axis] - pa[axis]);
      const oldNextLen = Math.abs(nb[axis] - e[axis]);
      const shift = shifts.find((d) => {
        const s2: [number, number] = axis === 0 ? [s[0] + d, s[1]] : [s[0], s[1] + d];
        const e2: [number, number] = axis === 0 ? [e[0] + d, e[1]] : [e[0], e[1] + d];
        const prevLen = Math.abs(s2[axis] - pa[axis]);
        const nextLen = Math.abs(nb[axis] - e2[axis]);
        if ((prevLen < pitch && prevLen < oldPrevLen) || (nextLen < pitch && nextLen < oldNextLen)) return false;
        const boxes = [wireBox(prev.layer, pa, s2), wireBox(seg.layer, s2, e2), wireBox(next.layer, e2, nb), ...padsAt(prev.via!, s2[0], s2[1]), ...padsAt(seg.via!, e2[0], e2[1])];
        // Every shape the move adds is clear of other nets (or inside one the net had), and its vias are less crowded.
        if (boxes.some((b) => !inside(b) && intrudes(net, b)) || crowdAt(s2, e2) >= crowd) return false;
        const own = (c: (typeof cutList)[number]) => c.net === net && ((c.x === s[0] && c.y === s[1]) || (c.x === e[0] && c.y === e[1]));
        return cutClear(prev.via!, s2[0], s2[1], own) && cutClear(seg.via!, e2[0], e2[1], own);
      });
      if (shift === undefined) continue;
      slid += 1;
      const move = (pt: readonly number[]): [number, number] => (axis === 0 ? [pt[0] + shift, pt[1]] : [pt[0], pt[1] + shift]);
      const pointsText = (pts: readonly (readonly number[])[]) => pts.map((q) => `( ${q[0]} ${q[1]} )`).join(' ');
      const s2 = move(s);
      const e2 = move(e);
      const end = (st: NetStatement) => (st.tail.includes(';') ? ' ;' : '');
      edits.set(i - 1, [`${prev.head} ${prev.layer} ${pointsText([...prev.pts.slice(0, -1), s2])} ${prev.via}${end(prev)}`]);
      edits.set(i, [`${seg.head} ${seg.layer} ${pointsText([s2, e2])} ${seg.via}${end(seg)}`]);
      edits.set(i + 1, [`${next.head} ${next.layer} ${pointsText([e2, ...next.pts.slice(1)])}${next.via ? ` ${next.via}` : ''}${end(next)}`]);
    }
    return edits;
  });
  return { text, crowded, slid };
}

export interface OffsetWireResult {
  readonly text: string;
  /** Straight wires a few nanometres off their track that come within spacing of another net. */
  readonly crowded: number;
  /** Of those, run on the track again (short jogs at both ends keep the end points where they were). */
  readonly aligned: number;
}

/**
 * Put crowded off-track wires back on their track (pure). To reach a pin qrouter offsets a whole wire a few
 * nanometres off its track (0.015 µm on a met1 run of 13 µm), which can bring it within spacing of a via pad
 * one track over. Such a straight wire (two points, one across-coordinate off the layer's track grid by at most
 * `maxOffsetDbu`) runs on the track instead, with a jog back to each end point, so the statement's ends, its via
 * and everything joined to them stay where they were. Taken only where the wire had another net within
 * spacing and every shape of the new path is clear of other nets (routes, straps, `cellShapes`) or lies inside
 * the old wire.
 */
export function alignOffsetWires(
  def: string,
  vias: ReadonlyMap<string, ViaDef>,
  layers: ReadonlyMap<string, RoutingLayer>,
  dbuPerUm: number,
  o: { cellShapes: readonly NetShape[]; tracks: ReadonlyMap<string, { startDbu: number; stepDbu: number }>; maxOffsetDbu: number },
): OffsetWireResult {
  const { wireBox, intruders } = clearance(def, vias, layers, dbuPerUm, o.cellShapes);
  let crowded = 0;
  let aligned = 0;
  const text = rewriteNets(def, vias, (net, lines, parsed) => {
    const edits = new Map<number, string[]>();
    for (const [i, st] of parsed.entries()) {
      const info = st ? layers.get(st.layer) : undefined;
      const grid = st ? o.tracks.get(st.layer) : undefined;
      if (!st || !info || !grid || st.pts.length !== 2) continue;
      // Across the layer's direction: y for a horizontal layer, x for a vertical one.
      const across = info.direction === 'HORIZONTAL' ? 1 : 0;
      const [a, b] = st.pts;
      if (a[across] !== b[across] || a[1 - across] === b[1 - across]) continue;
      const off = a[across];
      const track = grid.startDbu + Math.round((off - grid.startDbu) / grid.stepDbu) * grid.stepDbu;
      if (track === off || Math.abs(track - off) > o.maxOffsetDbu) continue;
      const box = (p: readonly number[], q: readonly number[]) => wireBox(st.layer, p, q);
      const old = box(a, b);
      const before = intruders(net, old);
      if (before === 0) continue;
      crowded += 1;
      const at = (p: readonly number[]): [number, number] => (across === 1 ? [p[0], track] : [track, p[1]]);
      const path = [a, at(a), at(b), b];
      const parts = [box(path[0], path[1]), box(path[1], path[2]), box(path[2], path[3])];
      const inside = (r: (typeof parts)[number]) => old.x0 <= r.x0 && old.y0 <= r.y0 && r.x1 <= old.x1 && r.y1 <= old.y1;
      if (parts.some((r) => !inside(r) && intruders(net, r) > 0) || intruders(net, parts[1]) > 0) continue;
      aligned += 1;
      edits.set(i, [`${st.head} ${st.layer} ${path.map((p) => `( ${p[0]} ${p[1]} )`).join(' ')}${st.via ? ` ${st.via}` : ''}${st.tail.includes(';') ? ' ;' : ''}`]);
    }
    return edits;
  });
  return { text, crowded, aligned };
}
