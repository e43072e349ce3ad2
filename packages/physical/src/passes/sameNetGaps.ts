import { boxGap, covered, groupBy, netLayerKey, shapeGrid, touchingGroups } from '../geometry.ts';
import { appendSpecial } from '../model/defEdit.ts';
import type { RoutingLayer, ViaDef } from '../model/lef.ts';
import { type NetShape, routedShapes } from '../model/shapes.ts';
import { netPinShapes } from './pinVias.ts';
import { declarePass, type RepairContext } from './repairPass.ts';

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

export const sameNetGapsPass = declarePass({
  id: 'same-net-gaps',
  mends: "slots narrower than spacing between two shapes of one net (a via pad and the net's next via a track away, a route and its own met1 pin): bridged with the net's metal",
  counts: {
    physical__route__same_net_slots_filled__count: 'filled',
    physical__route__same_net_slots_diagonal__count: 'diagonal',
    physical__route__same_net_slots_diagonal_filled__count: 'diagonalFilled',
  },
  fix: (def: string, c: RepairContext) => {
    // Only met1 pins take part: li1 pins sit closer than li1 spacing to other pins of their cell, and a
    // bridge to one would come near those (measured: li.3 14 -> 1,036 boxes on the DA tile).
    const met1Pins = netPinShapes(def, new Map([['met1', c.met1Pins]]));
    return fillSameNetGaps(def, c.vias, c.layers, c.dbuPerUm, met1Pins, 1, c.cellMet1);
  },
});
