import { routingStatements } from '../model/def.ts';
import type { ViaDef } from '../model/lef.ts';

/**
 * Via-to-via spacing between nets, and the repair qrouter cannot do by itself (pure).
 *
 * sky130's via pads are larger than a track pitch allows for two vias side by side: an li1–met1 pad is
 * 0.23 µm tall and a met1–met2 pad 0.26 µm on met1 tracks 0.34 µm apart (0.14 µm spacing needed, 0.08–0.11
 * left); met2–met3 and met3–met4 pads are 0.33–0.38 µm wide on met3, one 0.46 µm column apart (0.3 needed).
 * qrouter 1.4.71 keeps same-kind vias apart but not an li1–met1 via beside a met1–met2 via of another net.
 * The repair: find every such pair in the routed DEF, block the upper via's site on its other layer (the
 * via then cannot be dropped there; the wire through it may still pass on the conflict layer) and route again.
 */

export interface RoutedVia {
  readonly net: string;
  readonly via: string;
  readonly xDbu: number;
  readonly yDbu: number;
}

export interface ViaConflict {
  readonly layer: string;
  readonly gapUm: number;
  readonly a: RoutedVia;
  readonly b: RoutedVia;
}

/** Fixed vias (`VIA name DEFAULT` … `END name`) of a technology LEF with their pads on the layers in `metalLayers` (cut layers left out). */
export function routedVias(def: string, viaNames: ReadonlySet<string>): RoutedVia[] {
  const out: RoutedVia[] = [];
  for (const s of routingStatements(def, 'NETS')) {
    for (const p of s.points) if (p.via && viaNames.has(p.via)) out.push({ net: s.net, via: p.via, xDbu: p.x, yDbu: p.y });
  }
  return out;
}

/** Pairs of vias of different nets whose pads on one metal layer are closer than that layer's spacing. */
export function viaSpacingConflicts(vias: readonly RoutedVia[], defs: ReadonlyMap<string, ViaDef>, spacingUm: ReadonlyMap<string, number>, dbuPerUm: number): ViaConflict[] {
  interface Pad { v: RoutedVia; x0: number; y0: number; x1: number; y1: number }
  const byLayer = new Map<string, Pad[]>();
  for (const v of vias) {
    for (const p of defs.get(v.via)?.pads ?? []) {
      const list = byLayer.get(p.layer) ?? [];
      list.push({ v, x0: v.xDbu + p.x0Um * dbuPerUm, y0: v.yDbu + p.y0Um * dbuPerUm, x1: v.xDbu + p.x1Um * dbuPerUm, y1: v.yDbu + p.y1Um * dbuPerUm });
      byLayer.set(p.layer, list);
    }
  }
  const out: ViaConflict[] = [];
  for (const layer of [...byLayer.keys()].sort()) {
    const spacing = spacingUm.get(layer);
    if (spacing === undefined) continue;
    const need = spacing * dbuPerUm - 1e-6;
    // Sweep in x: pads sorted by left edge; only pads starting within `need` of a pad's right edge can conflict.
    const pads = byLayer.get(layer)!.sort((p, q) => p.x0 - q.x0 || p.y0 - q.y0);
    for (let i = 0; i < pads.length; i++) {
      const a = pads[i];
      for (let j = i + 1; j < pads.length && pads[j].x0 < a.x1 + need; j++) {
        const b = pads[j];
        if (a.v.net === b.v.net) continue;
        const dx = Math.max(0, b.x0 - a.x1, a.x0 - b.x1);
        const dy = Math.max(0, b.y0 - a.y1, a.y0 - b.y1);
        const gap = Math.hypot(dx, dy);
        if (gap < need) out.push({ layer, gapUm: gap / dbuPerUm, a: a.v, b: b.v });
      }
    }
  }
  return out;
}

/**
 * qrouter `obstruction` lines that stop one via of each conflicting pair from being dropped at its site again:
 * the via of the higher layer pair (ties: the one further right, then up) is blocked on its layer away from the
 * conflict (a met1–met2 via in a met1 conflict on met2, where only the via and met2 wires through the site are
 * affected). A pair of two li1–met1 vias is left alone: both are pin taps, and blocking met1 over a pin tap
 * left 12 nets unrouted on the 8x16 parallel tile. The block is a 0.1 µm square on the grid point.
 */
export function conflictObstructions(conflicts: readonly ViaConflict[], defs: ReadonlyMap<string, ViaDef>, layerOrder: readonly string[], dbuPerUm: number): { lines: string[]; pinTapPairs: number } {
  const rank = (v: RoutedVia) => layerOrder.indexOf(defs.get(v.via)!.lower);
  const lines = new Set<string>();
  let pinTapPairs = 0;
  for (const c of conflicts) {
    const [moved] = [c.a, c.b].sort((p, q) => rank(q) - rank(p) || q.xDbu - p.xDbu || q.yDbu - p.yDbu);
    const d = defs.get(moved.via)!;
    if (d.lower === layerOrder[0]) {
      pinTapPairs += 1;
      continue;
    }
    const layer = d.lower === c.layer ? d.upper : d.lower;
    lines.add(viaSiteObstruction(moved, layer, dbuPerUm));
  }
  return { lines: [...lines].sort(), pinTapPairs };
}

/** The qrouter `obstruction` line that blocks a routed via's grid point on `layer`: a 0.1 µm square around it. */
export function viaSiteObstruction(v: RoutedVia, layer: string, dbuPerUm: number): string {
  const x = v.xDbu / dbuPerUm;
  const y = v.yDbu / dbuPerUm;
  return boxObstruction({ x0Um: x - 0.05, y0Um: y - 0.05, x1Um: x + 0.05, y1Um: y + 0.05 }, layer);
}

/** The qrouter `obstruction` line for a box (µm) on `layer`. */
export function boxObstruction(b: { x0Um: number; y0Um: number; x1Um: number; y1Um: number }, layer: string): string {
  return `obstruction ${b.x0Um.toFixed(3)} ${b.y0Um.toFixed(3)} ${b.x1Um.toFixed(3)} ${b.y1Um.toFixed(3)} ${layer}`;
}
