import { boxGap, shapeGrid } from '../geometry.ts';
import { routingStatements } from '../model/def.ts';
import { type NetStatement, rewriteNets } from '../model/defEdit.ts';
import type { RoutingLayer, ViaDef } from '../model/lef.ts';
import { clearance, type NetShape, padBox } from '../model/shapes.ts';
import { declarePass, type RepairContext } from './repairPass.ts';

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

export const slideViaSegmentsPass = declarePass({
  id: 'slide-via-segments',
  mends: 'a via still crowded and boxed in where it stands: the two-via segment it ends moves to the next track, the wires meeting it follow',
  counts: {
    physical__route__crowded_via_segments__count: 'crowded',
    physical__route__crowded_via_segments_slid__count: 'slid',
  },
  fix: (def: string, c: RepairContext) => {
    return slideCrowdedViaSegments(def, c.vias, c.layers, c.dbuPerUm, {
      cellShapes: [...c.cellMet1, ...c.cellLi1],
      pitchDbu: new Map([...c.tracks].map(([name, t]) => [name, t.stepDbu])),
      cuts: c.cuts,
      nudgesDbu: [0.03, 0.05].map(c.dbu),
    });
  },
});
