import { boxGap, groupBy, netLayerKey, unionArea } from '../geometry.ts';
import { routingStatements } from '../model/def.ts';
import { appendSpecial, appendToNets, flushRect } from '../model/defEdit.ts';
import type { RoutingLayer, ViaDef } from '../model/lef.ts';
import { type NetShape, routedShapes } from '../model/shapes.ts';
import { declarePass, type RepairContext } from './repairPass.ts';

/**
 * Minimum-area patches for via stacks (pure). Where a net goes straight through a layer (a via from below and
 * one from above at the same point, no wire of its own there), qrouter leaves only the two via pads on that
 * layer: on sky130 met3 that is 0.38 × 0.33 µm, about half of met3.6's 0.24 µm². The patch is a wire of the
 * layer's width along its routing direction from the via point, long enough for the area, toward the side
 * where no other net's shape on that layer comes within spacing; with neither side free the stack is left as
 * it is and counted.
 */

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

export const stackMinAreaPass = declarePass({
  id: 'stack-min-area',
  mends: 'via stacks straight through a layer leave only two pads there, under its minimum area (met3.6): a stub of the layer width, away from other nets',
  counts: {
    physical__route__stack_min_area__count: 'small',
    physical__route__stack_min_area_patched__count: 'patched',
    physical__route__stack_min_area_blocked__count: 'blocked',
  },
  fix: (def: string, c: RepairContext) => {
    return patchStackMinArea(def, c.vias, c.layers, c.dbuPerUm);
  },
});
