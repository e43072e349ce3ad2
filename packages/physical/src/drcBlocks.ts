/**
 * From magic's DRC error boxes to qrouter blocks (pure): the re-route the DRC asks for. Every routed via whose
 * pad on the rule's layer lies within that layer's spacing of an error box gets its site blocked on its other
 * layer, as a via spacing conflict does (`conflictObstructions`), so the next route cannot drop a via there
 * again. li1–met1 vias (pin taps) are left alone: blocking met1 over a pin tap costs the net its way in. An
 * error on li1 is a pin tap's li1 pad sticking out of its pin toward the cell's other li1, which the pin-vias pass
 * would pull in but for another net's met1–met2 via one track over (its met1 pad would come within met1
 * spacing of the pulled tap's): those crowding vias, on the side away from the box and within met1 spacing plus
 * the pull (`li1PullUm`) of a tap at the box, are what an li1 error blocks, so the tap can move in the next route.
 */
import type { ViaDef } from './model/lef.ts';
import { viaSiteObstruction, type RoutedVia } from './passes/viaRepair.ts';

export interface DrcBox {
  readonly rule: string;
  readonly x0Um: number;
  readonly y0Um: number;
  readonly x1Um: number;
  readonly y1Um: number;
}

/**
 * The metal layer a sky130 rule code is about: `met1.2` → met1, `li.3` → li1, `mcon.*` → met1 (the li1–met1
 * cut's met1 enclosure), `via.*` → met1, `via2.*` → met2, `via3.*` → met3, `via4.*` → met4; undefined for the
 * rest (diffusion, poly, wells: the cells' own layers).
 */
export function drcRuleLayer(rule: string): string | undefined {
  const code = /\(([A-Za-z0-9]+)\.[^)]*\)\s*$/.exec(rule)?.[1] ?? /^([A-Za-z0-9]+)\./.exec(rule)?.[1];
  if (!code) return undefined;
  if (code === 'li') return 'li1';
  if (code === 'mcon' || code === 'via') return 'met1';
  const via = /^via(\d)$/.exec(code);
  if (via) return `met${via[1]}`;
  return /^met\d$/.test(code) ? code : undefined;
}

/** qrouter `obstruction` lines (0.1 µm squares on the via's grid point), sorted and unique, and how many boxes found a via to block. */
export function drcSiteBlocks(boxes: readonly DrcBox[], vias: readonly RoutedVia[], defs: ReadonlyMap<string, ViaDef>, layerOrder: readonly string[], spacingUm: ReadonlyMap<string, number>, dbuPerUm: number, li1PullUm = 0.08): { lines: string[]; boxesWithVias: number } {
  const lines = new Set<string>();
  let boxesWithVias = 0;
  const [li1, met1] = layerOrder;
  // The gap (µm) between a via's pad on `layer` and a box.
  const gap = (v: RoutedVia, d: ViaDef, layer: string, box: { x0Um: number; y0Um: number; x1Um: number; y1Um: number }) => {
    const x = v.xDbu / dbuPerUm;
    const y = v.yDbu / dbuPerUm;
    return Math.min(...d.pads.filter((p) => p.layer === layer).map((p) => Math.max(0, box.x0Um - (x + p.x1Um), x + p.x0Um - box.x1Um, box.y0Um - (y + p.y1Um), y + p.y0Um - box.y1Um)));
  };
  const padBox = (v: RoutedVia, d: ViaDef, layer: string) => {
    const p = d.pads.find((q) => q.layer === layer)!;
    return { x0Um: v.xDbu / dbuPerUm + p.x0Um, y0Um: v.yDbu / dbuPerUm + p.y0Um, x1Um: v.xDbu / dbuPerUm + p.x1Um, y1Um: v.yDbu / dbuPerUm + p.y1Um };
  };
  for (const box of boxes) {
    const layer = drcRuleLayer(box.rule);
    if (!layer) continue;
    let found = false;
    if (layer === li1) {
      // Pin taps at the box, then other nets' met1–met2 vias crowding where each tap would be pulled to.
      const reach = (spacingUm.get(met1) ?? 0) + li1PullUm;
      for (const tap of vias) {
        const td = defs.get(tap.via);
        if (!td || td.lower !== li1 || gap(tap, td, li1, box) >= (spacingUm.get(li1) ?? 0)) continue;
        const tapMet1 = padBox(tap, td, met1);
        // The pull goes away from the box: only vias on that side crowd the pulled tap.
        const awayX = tap.xDbu / dbuPerUm - (box.x0Um + box.x1Um) / 2;
        const awayY = tap.yDbu / dbuPerUm - (box.y0Um + box.y1Um) / 2;
        for (const v of vias) {
          const d = defs.get(v.via);
          if (!d || v.net === tap.net || d.lower !== met1 || gap(v, d, met1, tapMet1) >= reach) continue;
          if ((v.xDbu - tap.xDbu) * awayX + (v.yDbu - tap.yDbu) * awayY <= 0) continue;
          found = true;
          lines.add(viaSiteObstruction(v, d.upper, dbuPerUm));
        }
      }
    } else {
      const reach = spacingUm.get(layer) ?? 0;
      for (const v of vias) {
        const d = defs.get(v.via);
        if (!d || d.lower === li1) continue;
        if (d.lower !== layer && d.upper !== layer) continue;
        if (gap(v, d, layer, box) >= reach) continue;
        found = true;
        lines.add(viaSiteObstruction(v, d.lower === layer ? d.upper : d.lower, dbuPerUm));
      }
    }
    if (found) boxesWithVias += 1;
  }
  return { lines: [...lines].sort(), boxesWithVias };
}

/** The overlap of each short (two nets' shapes on one layer, `crossNetOverlaps`) as a box `drcSiteBlocks` reads, in µm. */
export function shortBoxes(shorts: readonly { layer: string; a: { x0: number; y0: number; x1: number; y1: number }; b: { x0: number; y0: number; x1: number; y1: number } }[], dbuPerUm: number): DrcBox[] {
  return shorts.map(({ layer, a, b }) => ({ rule: `short (${layer}.short)`, x0Um: Math.max(a.x0, b.x0) / dbuPerUm, y0Um: Math.max(a.y0, b.y0) / dbuPerUm, x1Um: Math.min(a.x1, b.x1) / dbuPerUm, y1Um: Math.min(a.y1, b.y1) / dbuPerUm }));
}
