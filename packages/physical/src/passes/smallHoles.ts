import { groupBy, holesOf, touchingGroups } from '../geometry.ts';
import { appendSpecial, flushRect } from '../model/defEdit.ts';
import type { RoutingLayer, ViaDef } from '../model/lef.ts';
import { type NetShape, routedShapes } from '../model/shapes.ts';
import { netPinShapes } from './pinVias.ts';
import { declarePass, type RepairContext } from './repairPass.ts';

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

export const smallHolesPass = declarePass({
  id: 'small-holes',
  mends: 'a bridge or a route beside its own pin closing a ring round a hole under the minimum enclosed area (met1.7): the hole filled',
  counts: {
    physical__route__small_holes_filled__count: 'filled',
    physical__route__small_holes_blocked__count: 'blocked',
  },
  fix: (def: string, c: RepairContext) => {
    return fillSmallHoles(def, c.vias, c.layers, c.dbuPerUm, netPinShapes(def, new Map([['met1', c.met1Pins]])));
  },
});
