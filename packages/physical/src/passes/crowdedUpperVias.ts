import { boxGap, groupBy, shapeGrid } from '../geometry.ts';
import { routingStatements } from '../model/def.ts';
import { rewriteNets } from '../model/defEdit.ts';
import type { RoutingLayer, ViaDef } from '../model/lef.ts';
import { type NetShape, padBox, routedShapes } from '../model/shapes.ts';
import { declarePass, type RepairContext } from './repairPass.ts';

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

export const crowdedUpperViasPass = declarePass({
  id: 'crowded-upper-vias',
  mends: "met1–met2 vias crowding another net's met1 (an li1–met1 pad one track over that could not move): slid 0.03–0.05 µm along their met2 column",
  counts: {
    physical__route__crowded_upper_vias__count: 'crowded',
    physical__route__crowded_upper_vias_moved__count: 'moved',
  },
  fix: (def: string, c: RepairContext) => {
    return nudgeCrowdedUpperVias(def, 'M1M2_PR', c.vias, c.layers, c.dbuPerUm, { cellShapes: c.cellMet1, cutHalfDbu: c.via1.halfDbu, cutSpacingDbu: c.via1.spacingDbu, shiftsDbu: [0.03, 0.05].map(c.dbu) });
  },
});
