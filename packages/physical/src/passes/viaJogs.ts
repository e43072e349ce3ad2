import { boxGap, groupBy } from '../geometry.ts';
import { sectionItems, statementPoints } from '../model/def.ts';
import { rewriteNets } from '../model/defEdit.ts';
import type { RoutingLayer, ViaDef } from '../model/lef.ts';
import { routedShapes, type NetShape } from '../model/shapes.ts';
import { declarePass, type RepairContext } from './repairPass.ts';

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
 * its spacing to every other net on that layer, routes and the cells' own metal (`cellShapes`: a met1–met2–met1
 * hop is often qrouter's way over a flop's internal met1, and a met1 wire in its place shorts to it), and
 * nothing else of the net touches the two points, the jog becomes that wire: both vias and the upper wire go,
 * and so does the net's SPECIALNETS patch on the upper layer over the jog.
 */
export function collapseViaJogs(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number, maxLengthUm = 0.7, cellShapes: readonly NetShape[] = []): JogResult {
  const shapes = [...routedShapes(def, vias, layers, dbuPerUm), ...cellShapes];
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
    const sp = sectionItems(text, 'SPECIALNETS');
    const body = sp.items.map(({ name: net, text: chunk }) => {
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
    // Statements left with no routing go, and the section's count with them.
    const count = body.filter((c) => c.startsWith('- ')).length;
    text = `${text.slice(0, sp.start)}SPECIALNETS ${count} ;\n${sp.lead}${body.join('')}${text.slice(sp.bodyEnd)}`;
  }
  return { text, jogs, collapsed };
}

export const viaJogsPass = declarePass({
  id: 'via-jogs',
  mends: 'short up-over-down via hops (met2 to met3 and back within 0.7 µm): two via stacks where one straight wire fits',
  counts: {
    physical__route__via_jogs__count: 'jogs',
    physical__route__via_jogs_collapsed__count: 'collapsed',
  },
  fix: (def: string, c: RepairContext) => {
    return collapseViaJogs(def, c.vias, c.layers, c.dbuPerUm, 0.7, [...c.cellLi1, ...c.cellMet1]);
  },
});
