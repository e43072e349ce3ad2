import { sectionBody, sectionItems } from '../model/def.ts';
import { declarePass, type RepairContext } from './repairPass.ts';

/**
 * Two die-boundary rules of the physical flow (pure).
 *
 * - `dieMarginObstructions`: qrouter keeps to its tracks but not to the die: it can run a wire a track or two
 *   beyond the last one (seen: li1 0.9 µm right of a 4x8 tile's die). Obstructions on every routing layer,
 *   from just beyond the edge pins to 10 µm out, keep every route inside.
 * - `growFloatingPins`: a top-level pin whose net nothing routes (an input no cell reads, e.g. the columns of
 *   a tile window whose coefficients are all zero) stays the placer's small square (0.28 µm on a side,
 *   0.078 µm²), under met1's 0.083 µm² minimum area. Such pins grow along their edge's normal, into the die,
 *   until they meet their layer's minimum area; routed pins are left as they are (their wire carries the area).
 */

/** qrouter `obstruction x0 y0 x1 y1 layer` lines (µm) around the die, `gapUm` clear of its edges. */
export function dieMarginObstructions(die: { x0: number; y0: number; x1: number; y1: number }, dbuPerUm: number, layers: readonly string[], gapUm = 0.2, widthUm = 10): string[] {
  const [x0, y0, x1, y1] = [die.x0 / dbuPerUm, die.y0 / dbuPerUm, die.x1 / dbuPerUm, die.y1 / dbuPerUm];
  const f = (v: number) => Number(v.toFixed(3));
  const bands = [
    [x1 + gapUm, y0 - widthUm, x1 + widthUm, y1 + widthUm],
    [x0 - widthUm, y0 - widthUm, x0 - gapUm, y1 + widthUm],
    [x0 - widthUm, y1 + gapUm, x1 + widthUm, y1 + widthUm],
    [x0 - widthUm, y0 - widthUm, x1 + widthUm, y0 - gapUm],
  ];
  return layers.flatMap((layer) => bands.map((b) => `obstruction ${b.map(f).join(' ')} ${layer}`));
}

export interface FloatingPinsResult {
  readonly text: string;
  /** Pins whose net has no route. */
  readonly floating: number;
  /** Of those, grown to their layer's minimum area. */
  readonly grown: number;
}

/** Grow the pins of unrouted nets to their layer's minimum area (µm²), inward from the die edge they sit on. */
export function growFloatingPins(def: string, minAreaUm2: ReadonlyMap<string, number>, dbuPerUm: number): FloatingPinsResult {
  const die = /DIEAREA \( (-?\d+) (-?\d+) \) \( (-?\d+) (-?\d+) \) ;/.exec(def);
  if (!die || !/^PINS \d+ ;/m.test(def)) return { text: def, floating: 0, grown: 0 };
  const [dx0, dy0, dx1, dy1] = die.slice(1).map(Number);
  const routed = new Set<string>();
  if (/^NETS \d+ ;/m.test(def)) {
    for (const net of sectionItems(def, 'NETS').items) if (/\+ (ROUTED|FIXED|COVER) /.test(net.text)) routed.add(net.name);
  }
  const pins = sectionBody(def, 'PINS');
  let floating = 0;
  let grown = 0;
  const body = pins.body.replace(/^- (\S+) \+ NET (\S+)([\s\S]*?)\+ LAYER (\S+) \( (-?\d+) (-?\d+) \) \( (-?\d+) (-?\d+) \)([\s\S]*?\+ PLACED \( (-?\d+) (-?\d+) \) N ;)/gm, (whole, name: string, net: string, mid: string, layer: string, a: string, b: string, c: string, d: string, tail: string, px: string, py: string) => {
    if (routed.has(net)) return whole;
    floating++;
    const need = (minAreaUm2.get(layer) ?? 0) * dbuPerUm * dbuPerUm;
    let [rx0, ry0, rx1, ry1] = [a, b, c, d].map(Number);
    const area = (rx1 - rx0) * (ry1 - ry0);
    if (need === 0 || area >= need) return whole;
    const [x, y] = [Number(px), Number(py)];
    // The nearest die edge decides the way in; the width across the edge stays.
    const edge = [x - dx0, dx1 - x, y - dy0, dy1 - y];
    const nearest = edge.indexOf(Math.min(...edge));
    if (nearest <= 1) {
      const add = Math.ceil(need / (ry1 - ry0)) - (rx1 - rx0);
      if (nearest === 0) rx1 += add;
      else rx0 -= add;
    } else {
      const add = Math.ceil(need / (rx1 - rx0)) - (ry1 - ry0);
      if (nearest === 2) ry1 += add;
      else ry0 -= add;
    }
    grown++;
    return `- ${name} + NET ${net}${mid}+ LAYER ${layer} ( ${rx0} ${ry0} ) ( ${rx1} ${ry1} )${tail}`;
  });
  const bodyStart = def.indexOf('\n', pins.start) + 1;
  return { text: def.slice(0, bodyStart) + body + def.slice(bodyStart + pins.body.length), floating, grown };
}

export const floatingPinsPass = declarePass({
  id: 'floating-pins',
  mends: "top-level pins nothing routes (inputs no cell reads) left as a bare pin shape under the layer's minimum area: grown to it",
  counts: {
    physical__route__floating_pins__count: 'floating',
    physical__route__floating_pins_grown__count: 'grown',
  },
  fix: (def: string, c: RepairContext) => {
    return growFloatingPins(def, new Map([...c.layers].map(([name, l]) => [name, l.minAreaUm2])), c.dbuPerUm);
  },
});
