import { rewriteNets } from '../model/defEdit.ts';
import type { RoutingLayer, ViaDef } from '../model/lef.ts';
import { clearance, type NetShape } from '../model/shapes.ts';
import { declarePass, type RepairContext } from './repairPass.ts';

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

export const offsetWiresPass = declarePass({
  id: 'offset-wires',
  mends: 'wires run a few nanometres off their track (to reach a pin) that crowd another net: put back on the track',
  counts: {
    physical__route__offset_wires_crowded__count: 'crowded',
    physical__route__offset_wires_aligned__count: 'aligned',
  },
  fix: (def: string, c: RepairContext) => {
    return alignOffsetWires(def, c.vias, c.layers, c.dbuPerUm, { cellShapes: c.cellMet1, tracks: c.tracks, maxOffsetDbu: c.dbu(0.05) });
  },
});
