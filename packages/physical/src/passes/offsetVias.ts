import { boxGap, groupBy } from '../geometry.ts';
import { rewriteNets } from '../model/defEdit.ts';
import type { RoutingLayer, ViaDef } from '../model/lef.ts';
import { padBox, routedShapes } from '../model/shapes.ts';
import { declarePass, type RepairContext } from './repairPass.ts';

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

export const offsetViasPass = declarePass({
  id: 'offset-vias',
  mends: "vias left at a wire's few-nanometre pin offset while the wire above starts on the track",
  counts: {
    physical__route__offset_vias__count: 'offset',
    physical__route__offset_vias_aligned__count: 'aligned',
  },
  fix: (def: string, c: RepairContext) => {
    return alignOffsetVias(def, c.vias, c.layers, c.dbuPerUm);
  },
});
