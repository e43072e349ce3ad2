import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fillSameNetGaps, findKit, lefRoutingLayers, lefVias, patchStackMinArea, routedShapes, routingTechLef, type NetShape } from '../src/index.ts';

const tlef = routingTechLef(readFileSync(findKit().techLef, 'utf8')).text;
const vias = lefVias(tlef, ['li1', 'met1', 'met2', 'met3', 'met4', 'met5']);
const layers = lefRoutingLayers(tlef);

// Area of one net's shapes on one layer around a point, counted on the 1-unit raster (independent of the
// coordinate-compression union in the module).
function rasterArea(shapes: readonly NetShape[]): number {
  const x0 = Math.floor(Math.min(...shapes.map((s) => s.x0)));
  const y0 = Math.floor(Math.min(...shapes.map((s) => s.y0)));
  const x1 = Math.ceil(Math.max(...shapes.map((s) => s.x1)));
  const y1 = Math.ceil(Math.max(...shapes.map((s) => s.y1)));
  let n = 0;
  for (let x = x0; x < x1; x++) for (let y = y0; y < y1; y++) if (shapes.some((s) => s.x0 <= x + 0.5 && x + 0.5 <= s.x1 && s.y0 <= y + 0.5 && y + 0.5 <= s.y1)) n++;
  return n;
}

const stack = (x: number, y: number) => [`  + ROUTED met2 ( ${x} ${y - 200} ) ( * ${y} ) M2M3_PR`, `  NEW met3 ( ${x} ${y} ) M3M4_PR`, `  NEW met4 ( ${x} ${y} ) ( * ${y + 400} ) ;`];
const defOf = (nets: string[][]) => ['UNITS DISTANCE MICRONS 200 ;', `NETS ${nets.length} ;`, ...nets.flat(), 'END NETS', 'END DESIGN', ''].join('\n');

describe('minimum-area patches for via stacks', () => {
  it('reads direction, width, spacing and minimum area of the kit\'s routing layers', () => {
    expect(layers.get('met3')).toEqual({ name: 'met3', direction: 'HORIZONTAL', widthUm: 0.3, spacingUm: 0.3, minAreaUm2: 0.24 });
    expect(layers.get('met2')).toMatchObject({ direction: 'VERTICAL', widthUm: 0.14, spacingUm: 0.14, minAreaUm2: 0.0676 });
  });

  it('gives a bare met2→met4 stack a met3 stub away from the neighbour, reaching the minimum area', () => {
    // Net b runs on the same met3 track starting 0.9 µm to the right of a's stack.
    const def = defOf([['- a ( u1 A ) ( u2 Y )', ...stack(1000, 1000)], ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met3 ( 1180 1000 ) ( 1600 * ) ;']]);
    const before = routedShapes(def, vias, layers, 200).filter((s) => s.net === 'a' && s.layer === 'met3');
    expect(rasterArea(before) / 200 ** 2).toBeLessThan(0.24); // 0.38 x 0.33 µm of pads
    const r = patchStackMinArea(def, vias, layers, 200);
    expect({ small: r.small, patched: r.patched, blocked: r.blocked }).toEqual({ small: 1, patched: 1, blocked: 0 });
    expect(r.text).toContain('NEW met4 ( 1000 1000 ) ( * 1400 )\n  NEW met3 ( 1000 1000 ) ( 900 1000 ) ;');
    const after = routedShapes(r.text, vias, layers, 200);
    const own = after.filter((s) => s.net === 'a' && s.layer === 'met3');
    expect(rasterArea(own) / 200 ** 2).toBeGreaterThanOrEqual(0.24);
    // Still clear of net b by met3's spacing, and nothing else in the DEF changed.
    const b = after.find((s) => s.net === 'b')!;
    for (const s of own) expect(b.x0 - s.x1).toBeGreaterThanOrEqual(0.3 * 200);
    expect(r.text.replace('\n  NEW met3 ( 1000 1000 ) ( 900 1000 )', '')).toBe(def);
    expect(patchStackMinArea(r.text, vias, layers, 200)).toMatchObject({ small: 0, patched: 0, text: r.text });
  });

  it('leaves a stack with neighbours on both sides alone and counts it; a wire through the point needs no patch', () => {
    const crowded = defOf([['- a ( u1 A ) ( u2 Y )', ...stack(1000, 1000)], ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met3 ( 1180 1000 ) ( 1600 * ) ;'], ['- c ( u5 A ) ( u6 Y )', '  + ROUTED met3 ( 400 1000 ) ( 820 * ) ;']]);
    expect(patchStackMinArea(crowded, vias, layers, 200)).toEqual({ text: crowded, small: 1, patched: 0, blocked: 1 });
    const through = defOf([['- a ( u1 A ) ( u2 Y )', ...stack(1000, 1000).map((l) => l.replace(' ;', '')), '  NEW met3 ( 800 1000 ) ( 1200 * ) ;']]);
    expect(patchStackMinArea(through, vias, layers, 200)).toMatchObject({ small: 0, patched: 0 });
  });

  it('bridges the slot between two vias of one net on adjacent met1 tracks with a flush special wire, never between nets', () => {
    const def = defOf([
      ['- a ( u1 A ) ( u2 Y )', '  + ROUTED li1 ( 1000 500 ) L1M1_PR', '  NEW li1 ( 1000 568 ) L1M1_PR', '  NEW met1 ( 1000 568 ) M1M2_PR', '  NEW met2 ( 1000 568 ) ( * 900 ) ;'],
      ['- b ( u3 A ) ( u4 Y )', '  + ROUTED li1 ( 3000 500 ) L1M1_PR', '  NEW met1 ( 3000 568 ) M1M2_PR', '  NEW met2 ( 3000 568 ) ( * 900 ) ;'],
      ['- c ( u5 A ) ( u6 Y )', '  + ROUTED li1 ( 3000 432 ) L1M1_PR ;'],
    ]);
    const r = fillSameNetGaps(def, vias, layers, 200);
    // Net a: its li1–met1 pad at y 500 and its stacked pads at 568 leave 0.095 µm of met1 between them; b has
    // the same shape; c's pad is 0.11 µm under b's but belongs to another net, so it is not bridged.
    expect(r.filled).toBe(3); // a: both its pads at 568 (li1–met1, met1–met2) against the one at 500; b: one
    expect(r.text).toMatch(/^SPECIALNETS 2 ;\n- a\n\+ ROUTED met1 58 \( 1000 517 \) \( 1000 548 \)\n {2}NEW met1 58 \( 1000 517 \) \( 1000 551 \) ;\n- b\n/m);
    const bridges = routedShapes(r.text, vias, layers, 200).filter((s) => s.net === 'a' && s.layer === 'met1' && s.x1 - s.x0 === 58 && s.y0 === 517);
    expect(bridges.length).toBe(2);
    for (const br of bridges) {
      expect(br.y0).toBeLessThan(523); // into the lower pad (top at 523)
      expect(br.y1).toBeGreaterThan(542); // into the upper pads (bottom at 542 / 545)
    }
    expect(r.text).not.toMatch(/^- c\n\+ ROUTED/m);
    expect(fillSameNetGaps(r.text, vias, layers, 200).filled).toBe(0); // nothing left to bridge
  });
});
