/**
 * From magic's DRC error boxes to qrouter blocks (pure): the re-route the DRC asks for. Every routed via whose
 * pad on the rule's layer lies within that layer's spacing of an error box gets its site blocked on its other
 * layer, as a via spacing conflict does (`conflictObstructions`), so the next route cannot drop a via there
 * again. li1–met1 vias (pin taps) are left alone: blocking met1 over a pin tap costs the net its way in. An
 * error on li1 (the cells' own layer and the pin taps) therefore blocks nothing: it needs pin access, not a
 * re-route.
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
export function drcSiteBlocks(boxes: readonly DrcBox[], vias: readonly RoutedVia[], defs: ReadonlyMap<string, ViaDef>, layerOrder: readonly string[], spacingUm: ReadonlyMap<string, number>, dbuPerUm: number): { lines: string[]; boxesWithVias: number } {
  const lines = new Set<string>();
  let boxesWithVias = 0;
  for (const box of boxes) {
    const layer = drcRuleLayer(box.rule);
    if (!layer) continue;
    const reach = spacingUm.get(layer) ?? 0;
    let found = false;
    for (const v of vias) {
      const d = defs.get(v.via);
      if (!d || d.lower === layerOrder[0]) continue;
      if (d.lower !== layer && d.upper !== layer) continue;
      const x = v.xDbu / dbuPerUm;
      const y = v.yDbu / dbuPerUm;
      const near = d.pads.some((p) => p.layer === layer && Math.max(0, box.x0Um - (x + p.x1Um), x + p.x0Um - box.x1Um) < reach && Math.max(0, box.y0Um - (y + p.y1Um), y + p.y0Um - box.y1Um) < reach);
      if (!near) continue;
      found = true;
      lines.add(viaSiteObstruction(v, d.lower === layer ? d.upper : d.lower, dbuPerUm));
    }
    if (found) boxesWithVias += 1;
  }
  return { lines: [...lines].sort(), boxesWithVias };
}

/** The overlap of each short (two nets' shapes on one layer, `crossNetOverlaps`) as a box `drcSiteBlocks` reads, in µm. */
export function shortBoxes(shorts: readonly { layer: string; a: { x0: number; y0: number; x1: number; y1: number }; b: { x0: number; y0: number; x1: number; y1: number } }[], dbuPerUm: number): DrcBox[] {
  return shorts.map(({ layer, a, b }) => ({ rule: `short (${layer}.short)`, x0Um: Math.max(a.x0, b.x0) / dbuPerUm, y0Um: Math.max(a.y0, b.y0) / dbuPerUm, x1Um: Math.min(a.x1, b.x1) / dbuPerUm, y1Um: Math.min(a.y1, b.y1) / dbuPerUm }));
}
