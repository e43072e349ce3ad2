import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alignOffsetVias, alignOffsetWires, collapseViaJogs, crossNetOverlaps, lefViaCuts, slideCrowdedViaSegments, nudgeCrowdedUpperVias, fillSameNetGaps, fillSmallHoles, lefPinRects, lefRoutingLayers, lefVias, netPinShapes, patchStackMinArea, routedShapes, routingTechLef, type NetShape } from '../src/index.ts';
import { findKit } from '@hardwire/eda';

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

// Net a's stack at (1000, 1000) gets exactly `stub`; a's met3 then reaches met3.6's 0.24 µm² (on the raster)
// and stays met3's 0.3 µm clear of every other net's met3.
function expectOneStub(def: string, stub: string) {
  const r = patchStackMinArea(def, vias, layers, 200);
  expect({ small: r.small, patched: r.patched, blocked: r.blocked }).toEqual({ small: 1, patched: 1, blocked: 0 });
  expect(r.text).toContain(`NEW met4 ( 1000 1000 ) ( * 1400 )\n  ${stub} ;`);
  const after = routedShapes(r.text, vias, layers, 200);
  const own = after.filter((s) => s.net === 'a' && s.layer === 'met3');
  expect(rasterArea(own) / 200 ** 2).toBeGreaterThanOrEqual(0.24);
  for (const other of after.filter((s) => s.net !== 'a' && s.layer === 'met3')) for (const s of own) expect(Math.max(other.x0 - s.x1, s.x0 - other.x1)).toBeGreaterThanOrEqual(0.3 * 200);
  return r;
}

describe('minimum-area patches for via stacks', () => {
  it('reads direction, width, spacing and minimum area of the kit\'s routing layers', () => {
    expect(layers.get('met3')).toEqual({ name: 'met3', direction: 'HORIZONTAL', widthUm: 0.3, spacingUm: 0.3, minAreaUm2: 0.24, minEnclosedAreaUm2: 0 });
    expect(layers.get('met1')).toMatchObject({ widthUm: 0.14, spacingUm: 0.14, minEnclosedAreaUm2: 0.14 });
    expect(layers.get('met2')).toMatchObject({ direction: 'VERTICAL', widthUm: 0.14, spacingUm: 0.14, minAreaUm2: 0.0676 });
  });

  it('gives a bare met2→met4 stack a met3 stub away from the neighbour, reaching the minimum area', () => {
    // Net b runs on the same met3 track starting 0.9 µm to the right of a's stack.
    const def = defOf([['- a ( u1 A ) ( u2 Y )', ...stack(1000, 1000)], ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met3 ( 1180 1000 ) ( 1600 * ) ;']]);
    const before = routedShapes(def, vias, layers, 200).filter((s) => s.net === 'a' && s.layer === 'met3');
    expect(rasterArea(before) / 200 ** 2).toBeLessThan(0.24); // 0.38 x 0.33 µm of pads
    const r = expectOneStub(def, 'NEW met3 ( 1000 1000 ) ( 900 1000 )');
    // Nothing else in the DEF changed.
    expect(r.text.replace('\n  NEW met3 ( 1000 1000 ) ( 900 1000 )', '')).toBe(def);
    expect(patchStackMinArea(r.text, vias, layers, 200)).toMatchObject({ small: 0, patched: 0, text: r.text });
  });

  it('splits the stub between the two sides when neither has room for all of it; with too little room it counts the stack', () => {
    // b's wire starts 0.9 µm to the right, c's ends 0.9 µm to the left: 0.3 µm free on each side, 0.5 µm needed.
    const split = defOf([['- a ( u1 A ) ( u2 Y )', ...stack(1000, 1000)], ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met3 ( 1180 1000 ) ( 1600 * ) ;'], ['- c ( u5 A ) ( u6 Y )', '  + ROUTED met3 ( 400 1000 ) ( 820 * ) ;']]);
    expectOneStub(split, 'NEW met3 ( 950 1000 ) ( 1050 1000 )');
    // c ending 0.65 µm to the left leaves no room there: 0.3 µm on the right alone is not enough for a stub,
    // so the pads grow into a rectangle, across the track as well (below).
    const crowded = split.replace('( 400 1000 ) ( 820 * )', '( 400 1000 ) ( 870 * )');
    expect(patchStackMinArea(crowded, vias, layers, 200)).toMatchObject({ small: 1, patched: 1, blocked: 0 });
    // With b starting 0.75 µm to the right and other nets' met3 one track (0.68 µm) above and below, at most
    // 0.5 x 0.46 µm fits: the stack is counted.
    const boxed = defOf([...[['- a ( u1 A ) ( u2 Y )', ...stack(1000, 1000)], ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met3 ( 1150 1000 ) ( 1600 * ) ;'], ['- c ( u5 A ) ( u6 Y )', '  + ROUTED met3 ( 400 1000 ) ( 870 * ) ;']], ['- d ( u7 A ) ( u8 Y )', '  + ROUTED met3 ( 400 1136 ) ( 1600 * ) ;'], ['- e ( u9 A ) ( u10 Y )', '  + ROUTED met3 ( 400 864 ) ( 1600 * ) ;']]);
    expect(patchStackMinArea(boxed, vias, layers, 200)).toEqual({ text: boxed, small: 1, patched: 0, blocked: 1 });
    const through = defOf([['- a ( u1 A ) ( u2 Y )', ...stack(1000, 1000).map((l) => l.replace(' ;', '')), '  NEW met3 ( 800 1000 ) ( 1200 * ) ;']]);
    expect(patchStackMinArea(through, vias, layers, 200)).toMatchObject({ small: 0, patched: 0 });
  });

  it('grows the pads of a stack boxed in along its track into a rectangle across it, just over the minimum area', () => {
    // b's met3 starts 0.9 µm to the right, c's ends 0.65 µm to the left: no stub fits; nothing above or below.
    const def = defOf([['- a ( u1 A ) ( u2 Y )', ...stack(1000, 1000)], ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met3 ( 1180 1000 ) ( 1600 * ) ;'], ['- c ( u5 A ) ( u6 Y )', '  + ROUTED met3 ( 400 1000 ) ( 870 * ) ;']]);
    const r = patchStackMinArea(def, vias, layers, 200);
    expect(r).toMatchObject({ small: 1, patched: 1, blocked: 0 });
    // Independent check on the raster: a's met3 now has the area, every shape of it clears b's and c's by 0.3 µm
    // (Euclidean), and the rectangle is a special wire of a (connected: it overlaps the pads).
    const after = routedShapes(r.text, vias, layers, 200).filter((s) => s.layer === 'met3');
    const own = after.filter((s) => s.net === 'a');
    expect(rasterArea(own) / 200 ** 2).toBeGreaterThanOrEqual(0.24);
    expect(rasterArea(own) / 200 ** 2).toBeLessThan(0.26);
    const gap = (p: NetShape, q: NetShape) => Math.hypot(Math.max(0, q.x0 - p.x1, p.x0 - q.x1), Math.max(0, q.y0 - p.y1, p.y0 - q.y1));
    for (const o of after.filter((s) => s.net !== 'a')) for (const s of own) expect(gap(o, s)).toBeGreaterThanOrEqual(60);
    expect(r.text).toMatch(/^SPECIALNETS 1 ;\n- a\n\+ ROUTED met3 \d+ \( \d+ \d+ \) \( \d+ \d+ \) ;$/m);
    expect(patchStackMinArea(r.text, vias, layers, 200)).toMatchObject({ small: 0, patched: 0 });
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

// A cell with an L-shaped met1 pin R (a strip and an arm up from its left end), like dfrtp_1's RESET_B, and a
// route of R's net that comes down a stub 0.01 µm short of the strip's top, over its last 0.115 µm.
const PIN_LEF = ['MACRO pinny', '  SIZE 2.0 BY 2.72 ;', '  PIN R', '    PORT', '      LAYER met1 ;', '        RECT 0.2 0.8 1.175 0.92 ;', '        RECT 0.2 0.92 0.9 1.3 ;', '    END', '  END R', 'END pinny', ''].join('\n');
const pinDef = (extra: string[] = []) =>
  [
    'DESIGN t ;',
    'UNITS DISTANCE MICRONS 200 ;',
    'DIEAREA ( 0 0 ) ( 4000 4000 ) ;',
    'COMPONENTS 1 ;',
    '- u1 pinny + PLACED ( 1000 1000 ) N ;',
    'END COMPONENTS',
    `NETS ${1 + extra.length} ;`,
    '- r ( u1 R ) ( u9 Y )',
    '  + ROUTED met1 ( 1060 1254 ) ( 1226 * )',
    '  NEW met1 ( 1226 1254 ) ( * 1200 ) ;',
    ...extra,
    'END NETS',
    'END DESIGN',
    '',
  ].join('\n');

// Enclosed empty unit cells of one net's shapes on one layer, by flood fill on the 1-unit raster.
function rasterHoles(shapes: readonly NetShape[]): number {
  const x0 = Math.min(...shapes.map((s) => s.x0)) - 1;
  const y0 = Math.min(...shapes.map((s) => s.y0)) - 1;
  const w = Math.max(...shapes.map((s) => s.x1)) + 1 - x0;
  const h = Math.max(...shapes.map((s) => s.y1)) + 1 - y0;
  const full = new Uint8Array(w * h);
  for (const s of shapes) for (let x = s.x0; x < s.x1; x++) for (let y = s.y0; y < s.y1; y++) full[(x - x0) * h + (y - y0)] = 1;
  const stack = [0];
  full[0] = 2;
  while (stack.length) {
    const c = stack.pop()!;
    const [i, j] = [Math.floor(c / h), c % h];
    for (const [a, b] of [[i + 1, j], [i - 1, j], [i, j + 1], [i, j - 1]]) {
      if (a < 0 || b < 0 || a >= w || b >= h || full[a * h + b]) continue;
      full[a * h + b] = 2;
      stack.push(a * h + b);
    }
  }
  return full.filter((v) => v === 0).length;
}

describe('slot bridges beside pads of different extents', () => {
  it('spans both pads where one reaches 0.035–0.1 µm further, so no notch is left under the shorter one', () => {
    // Net a: an li1–met1 pad (0.29 x 0.23 µm) at (1000, 1000) and its met1–met2 pad (0.32 x 0.26 µm) 0.125 µm to
    // the right, 0.035 µm higher: their y extents are 977..1023 and 984..1036.
    const def = defOf([['- a ( u1 A ) ( u2 Y )', '  + ROUTED li1 ( 1000 1000 ) L1M1_PR', '  NEW met1 ( 1000 1010 ) ( 1086 * ) M1M2_PR', '  NEW met2 ( 1086 1010 ) ( * 1400 ) ;']]);
    const r = fillSameNetGaps(def, vias, layers, 200);
    expect(r.filled).toBeGreaterThan(0);
    // Independent check: the slot between the pads (x 1029..1054) is met1 of a over both pads' whole y extent.
    const own = routedShapes(r.text, vias, layers, 200).filter((s) => s.net === 'a' && s.layer === 'met1');
    for (let x = 1030; x <= 1053; x += 1) for (let y = 978; y <= 1035; y += 1) expect(own.some((s) => s.x0 <= x && x <= s.x1 && s.y0 <= y && y <= s.y1), `${x} ${y}`).toBe(true);
    // Another net's met1 wire 0.12 µm under the pads: the bridge stays on the common extent.
    const crowded = defOf([['- a ( u1 A ) ( u2 Y )', '  + ROUTED li1 ( 1000 1000 ) L1M1_PR', '  NEW met1 ( 1000 1010 ) ( 1086 * ) M1M2_PR', '  NEW met2 ( 1086 1010 ) ( * 1400 ) ;'], ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met1 ( 900 939 ) ( 1200 * ) ;']]);
    const kept = routedShapes(fillSameNetGaps(crowded, vias, layers, 200).text, vias, layers, 200).filter((s) => s.net === 'a' && s.layer === 'met1');
    expect(kept.some((s) => s.x0 <= 1040 && 1040 <= s.x1 && s.y0 <= 980 && 980 <= s.y1)).toBe(false);
  });
});

describe('corner-to-corner gaps of one net', () => {
  // Net a: met2–met3 vias at (1000, 1000) and (1092, 1068): their met3 pads (0.33 µm squares) are 0.13 µm apart
  // in x and 0.01 in y, corner to corner, where met3 asks for 0.3 µm.
  const pads = ['- a ( u1 A ) ( u2 Y )', '  + ROUTED met2 ( 1000 600 ) ( * 1000 ) M2M3_PR', '  NEW met2 ( 1092 1500 ) ( * 1068 ) M2M3_PR ;'];

  it('fills the bounding box of the two pads, a plain rectangle, and counts it', () => {
    const r = fillSameNetGaps(defOf([pads]), vias, layers, 200);
    expect({ diagonal: r.diagonal, diagonalFilled: r.diagonalFilled }).toEqual({ diagonal: 1, diagonalFilled: 1 });
    // Independent check: a's met3 now covers every point of the two pads' bounding box.
    const own = routedShapes(r.text, vias, layers, 200).filter((s) => s.net === 'a' && s.layer === 'met3');
    const x0 = Math.min(...own.map((s) => s.x0));
    const y0 = Math.min(...own.map((s) => s.y0));
    const x1 = Math.max(...own.map((s) => s.x1));
    const y1 = Math.max(...own.map((s) => s.y1));
    for (let x = x0 + 0.5; x < x1; x += 4) for (let y = y0 + 0.5; y < y1; y += 4) expect(own.some((s) => s.x0 <= x && x <= s.x1 && s.y0 <= y && y <= s.y1), `${x} ${y}`).toBe(true);
  });

  it('leaves the gap where another net comes within spacing of the box', () => {
    // b's met3 wire 0.295 µm above the box (its lower edge at 1160, the box's top at 1101): 0.3 µm needed.
    const other = ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met3 ( 700 1190 ) ( 1030 * ) ;'];
    const r = fillSameNetGaps(defOf([pads, other]), vias, layers, 200);
    expect({ diagonal: r.diagonal, diagonalFilled: r.diagonalFilled }).toEqual({ diagonal: 1, diagonalFilled: 0 });
  });
});

describe('slots against pins and small holes', () => {
  const pins = () => netPinShapes(pinDef(), new Map([['met1', lefPinRects(PIN_LEF, 'met1')]]));

  it('places each net\'s pin rectangles', () => {
    expect(pins()).toEqual([
      { net: 'r', layer: 'met1', x0: 1040, y0: 1160, x1: 1235, y1: 1184 },
      { net: 'r', layer: 'met1', x0: 1040, y0: 1184, x1: 1180, y1: 1260 },
    ]);
  });

  it('bridges a route stub to its own pin with a bridge of the layer\'s width, then fills the hole that closes', () => {
    expect(fillSameNetGaps(pinDef(), vias, layers, 200).filled).toBe(0); // without the pins there is no slot
    const gaps = fillSameNetGaps(pinDef(), vias, layers, 200, pins());
    // Stub x 1212-1240 ends at y 1186, the strip (to x 1235) at 1184: a 28-unit (0.14 µm) bridge, abutting both.
    expect(gaps.filled).toBe(1);
    expect(gaps.text).toContain('- r\n+ ROUTED met1 28 ( 1224 1184 ) ( 1224 1186 ) ;');
    const own = () => [...routedShapes(gaps.text, vias, layers, 200), ...pins()].filter((s) => s.net === 'r');
    // The bridge closed a 0.16 x 0.28 µm ring (x 1180-1212, y 1184-1240): 0.045 µm², under met1's 0.14.
    expect(rasterHoles(own())).toBe(32 * 56 - 2 * 2); // less the bridge's 2 x 2 corner inside it
    const holes = fillSmallHoles(gaps.text, vias, layers, 200, pins());
    expect({ filled: holes.filled, blocked: holes.blocked }).toEqual({ filled: 1, blocked: 0 });
    const after = [...routedShapes(holes.text, vias, layers, 200), ...pins()].filter((s) => s.net === 'r');
    expect(rasterHoles(after)).toBe(0);
    expect(fillSmallHoles(holes.text, vias, layers, 200, pins()).filled).toBe(0);
  });

  it('leaves a hole with another net inside it, and one above the minimum area', () => {
    const bridged = fillSameNetGaps(pinDef(['- z ( u2 A ) ( u3 Y )', '  + ROUTED met1 ( 1196 1200 ) ( * 1220 ) ;']), vias, layers, 200, pins()).text;
    expect(fillSmallHoles(bridged, vias, layers, 200, pins())).toMatchObject({ filled: 0, blocked: 1 });
    // With the stub and the strip's end 0.6 µm further right the ring is 0.76 x 0.28 µm: left open.
    const wide = pinDef().replace('( 1226 * )', '( 1346 * )').replace('( 1226 1254 ) ( * 1200 )', '( 1346 1254 ) ( * 1200 )');
    const widePins = netPinShapes(wide, new Map([['met1', lefPinRects(PIN_LEF.replace('1.175 0.92', '1.775 0.92'), 'met1')]]));
    const g = fillSameNetGaps(wide, vias, layers, 200, widePins);
    expect(g.filled).toBe(1);
    const own = [...routedShapes(g.text, vias, layers, 200), ...widePins].filter((s) => s.net === 'r');
    expect(rasterHoles(own)).toBe(152 * 56 - 2 * 2); // 0.76 x 0.28 µm = 0.21 µm² >= 0.14
    expect(fillSmallHoles(g.text, vias, layers, 200, widePins).filled).toBe(0);
  });
});

describe('via jogs straightened', () => {
  // Net a runs up met2, hops 0.34 µm on met3 (two met2–met3 vias) and carries on up met2; qrouter's met3 patch over the hop.
  const jogDef = (other: string[] = []) =>
    ['UNITS DISTANCE MICRONS 200 ;', 'SPECIALNETS 1 ;', '- a', '+ ROUTED met3 76 ( 1000 932 ) ( * 1000 ) ;', 'END SPECIALNETS', `NETS ${1 + other.length / 2} ;`,
      '- a ( u1 A ) ( u2 Y )', '  + ROUTED met2 ( 1000 500 ) ( * 932 ) M2M3_PR', '  NEW met3 ( 1000 932 ) ( * 1000 ) M2M3_PR', '  NEW met2 ( 1000 1000 ) ( * 1400 ) ;', ...other, 'END NETS', 'END DESIGN', ''].join('\n');

  it('turns a short up-over-down hop into a met2 wire and drops the hop\'s met3 patch', () => {
    const r = collapseViaJogs(jogDef(), vias, layers, 200);
    expect({ jogs: r.jogs, collapsed: r.collapsed }).toEqual({ jogs: 1, collapsed: 1 });
    expect(r.text).toContain('  + ROUTED met2 ( 1000 500 ) ( * 932 )\n  NEW met2 ( 1000 932 ) ( * 1000 )\n  NEW met2 ( 1000 1000 ) ( * 1400 ) ;');
    expect(r.text).toMatch(/^SPECIALNETS 0 ;\nEND SPECIALNETS/m);
    // Independent check: a's met2 now covers every unit of the centre line from y 500 to 1400, with no met3 left.
    const own = routedShapes(r.text, vias, layers, 200).filter((s) => s.net === 'a');
    expect(own.some((s) => s.layer === 'met3')).toBe(false);
    for (let y = 500; y <= 1400; y++) expect(own.some((s) => s.layer === 'met2' && s.x0 <= 1000 && 1000 <= s.x1 && s.y0 <= y && y <= s.y1), `y ${y}`).toBe(true);
    expect(collapseViaJogs(r.text, vias, layers, 200).jogs).toBe(0);
  });

  it('keeps the hop where another net\'s met2 runs beside it', () => {
    // b's met2 wire 0.2 µm to the right: a straight met2 wire would come within 0.06 µm of it.
    const crowded = jogDef(['- b ( u3 A ) ( u4 Y )', '  + ROUTED met2 ( 1040 800 ) ( * 1100 ) ;']);
    expect(collapseViaJogs(crowded, vias, layers, 200)).toEqual({ text: crowded, jogs: 1, collapsed: 0 });
  });

  it("keeps a met1–met2–met1 hop over a cell's own met1 of another net (a flop's internal strip)", () => {
    // l7 gate_proj DA (a fresh window): the tie net leaves dfrtp_1's RESET_B pin and hops over the flop's
    // internal met1 strip on met2; a met1 wire in its place shorts the net to the flop's internal node (LVS).
    const hop = ['UNITS DISTANCE MICRONS 200 ;', 'NETS 1 ;', '- tie ( f RESET_B ) ( g A )', '+ ROUTED met1 ( 21896 29784 ) M1M2_PR', '  NEW met2 ( 21896 29784 ) ( * 29648 ) M1M2_PR', '  NEW met1 ( 21896 29648 ) ( 22264 * ) M1M2_PR ;', 'END NETS', 'END DESIGN', ''].join('\n');
    const strip: NetShape = { net: 'f/OBS', layer: 'met1', x0: 21703, y0: 29702, x1: 22844, y1: 29730 };
    expect(collapseViaJogs(hop, vias, layers, 200)).toMatchObject({ jogs: 1, collapsed: 1 });
    expect(collapseViaJogs(hop, vias, layers, 200, 0.7, [strip])).toEqual({ text: hop, jogs: 1, collapsed: 0 });
    // The net's own pin there does not stand in the way.
    expect(collapseViaJogs(hop, vias, layers, 200, 0.7, [{ ...strip, net: 'tie' }]).collapsed).toBe(1);
  });
});

describe('met1–met2 vias put back on track and nudged off crowded pads', () => {
  const nets = (lines: string[][]) => ['UNITS DISTANCE MICRONS 200 ;', `NETS ${lines.length} ;`, ...lines.flat(), 'END NETS', 'END DESIGN', ''].join('\n');
  // Net a: an li1–met1 via at (1000, 997) (a pin offset of 3 units), met1 over to a met1–met2 via, met2 up from the track at 1000.
  const offsetNet = ['- a ( u1 A ) ( u2 Y )', '  + ROUTED li1 ( 1000 997 ) L1M1_PR', '  NEW met1 ( 1000 997 ) ( 1184 * ) M1M2_PR', '  NEW met2 ( 1184 1000 ) ( * 1600 ) ;'];

  it('moves a via left at the wire offset to where the met2 wire above starts, with a met1 stub', () => {
    // b's met1 wire one track (0.34 µm) below: a's pad at 997 is 0.125 µm from it, at 1000 0.14.
    const def = nets([offsetNet, ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met1 ( 900 932 ) ( 1400 * ) ;']]);
    const r = alignOffsetVias(def, vias, layers, 200);
    expect({ offset: r.offset, aligned: r.aligned }).toEqual({ offset: 1, aligned: 1 });
    expect(r.text).toContain('  NEW met1 ( 1000 997 ) ( 1184 * )\n  NEW met1 ( 1184 997 ) ( * 1000 ) M1M2_PR\n  NEW met2 ( 1184 1000 ) ( * 1600 ) ;');
    // Independent check: a's met1 now keeps met1 spacing to b's wire everywhere.
    const shapes = routedShapes(r.text, vias, layers, 200).filter((s) => s.layer === 'met1');
    const bWire = shapes.find((s) => s.net === 'b')!;
    for (const s of shapes.filter((t) => t.net === 'a')) expect(s.y0 - bWire.y1).toBeGreaterThanOrEqual(28);
    expect(alignOffsetVias(r.text, vias, layers, 200).offset).toBe(0);
  });

  it('moves a met1–met2 via left off the met2 track over its pin back onto the track, with a met1 stub', () => {
    // a's via 12 units (0.06 µm) right of where its met2 starts; b's met2 strap 0.08 µm from its met2 pad there, 0.14 on the track.
    const a = ['- a ( u1 A ) ( u2 Y )', '  + ROUTED li1 ( 1012 1400 ) L1M1_PR', '  NEW met1 ( 1012 1400 ) ( * 1000 ) M1M2_PR', '  NEW met2 ( 1000 1000 ) ( * 600 ) ;'];
    const b = ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met2 ( 1068 500 ) ( * 1500 ) ;'];
    const r = alignOffsetVias(nets([a, b]), vias, layers, 200);
    expect({ offset: r.offset, aligned: r.aligned }).toEqual({ offset: 1, aligned: 1 });
    expect(r.text).toContain('  NEW met1 ( 1012 1400 ) ( * 1000 )\n  NEW met1 ( 1012 1000 ) ( 1000 * ) M1M2_PR\n  NEW met2 ( 1000 1000 ) ( * 600 ) ;');
    const met2 = routedShapes(r.text, vias, layers, 200).filter((s) => s.layer === 'met2');
    const strap = met2.find((s) => s.net === 'b')!;
    for (const s of met2.filter((t) => t.net === 'a')) expect(strap.x0 - s.x1).toBeGreaterThanOrEqual(28);
    // An li1–met1 via off the track, along x or y, stays on its pin (its li1 pad would leave it: li.3 on a
    // later tile, where a via 3 units inside and2_0's A pin went to the track).
    for (const at of ['1012 1000', '1000 1003']) {
      const pinVia = nets([['- a ( u1 A ) ( u2 Y )', `  + ROUTED li1 ( ${at} ) L1M1_PR`, '  NEW met1 ( 1000 1000 ) ( 1400 * ) ;']]);
      expect(alignOffsetVias(pinVia, vias, layers, 200)).toEqual({ text: pinVia, offset: 1, aligned: 0 });
    }
  });

  it('leaves the via where the track point is more crowded than the offset one', () => {
    // c's met1 wire 0.33 µm above the track point: a's pad there would be 0.13 µm from it, at the offset 0.145.
    const def = nets([offsetNet, ['- c ( u3 A ) ( u4 Y )', '  + ROUTED met1 ( 900 1066 ) ( 1400 * ) ;']]);
    expect(alignOffsetVias(def, vias, layers, 200)).toEqual({ text: def, offset: 1, aligned: 0 });
  });

  it('slides a met1–met2 via one track from another net\'s li1–met1 pad up its met2 column until the pads clear', () => {
    // b's li1–met1 via at (1000, 932), one met1 track below a's met1–met2 via at (1000, 1000): pads 0.095 µm apart.
    const a = ['- a ( u1 A ) ( u2 Y )', '  + ROUTED met1 ( 600 1000 ) ( 1000 * ) M1M2_PR', '  NEW met2 ( 1000 1000 ) ( * 1600 ) ;'];
    const b = ['- b ( u3 A ) ( u4 Y )', '  + ROUTED li1 ( 1000 932 ) L1M1_PR', '  NEW met1 ( 1000 932 ) ( 1400 * ) ;'];
    const o = { cellShapes: [], cutHalfDbu: 15, cutSpacingDbu: 34, shiftsDbu: [6, 10] };
    const r = nudgeCrowdedUpperVias(nets([a, b]), 'M1M2_PR', vias, layers, 200, o);
    expect({ crowded: r.crowded, moved: r.moved }).toEqual({ crowded: 1, moved: 1 });
    expect(r.text).toContain('  + ROUTED met1 ( 600 1000 ) ( 1000 * )\n  NEW met1 ( 1000 1000 ) ( * 1010 ) M1M2_PR\n  NEW met2 ( 1000 1010 ) ( * 1000 )\n  NEW met2 ( 1000 1000 ) ( * 1600 ) ;');
    // Independent check: every met1 shape of a now clears every met1 shape of b.
    const shapes = routedShapes(r.text, vias, layers, 200).filter((s) => s.layer === 'met1');
    const gap = (p: NetShape, q: NetShape) => Math.hypot(Math.max(0, q.x0 - p.x1, p.x0 - q.x1), Math.max(0, q.y0 - p.y1, p.y0 - q.y1));
    for (const s of shapes.filter((t) => t.net === 'a')) for (const t of shapes.filter((u) => u.net === 'b')) expect(gap(s, t)).toBeGreaterThanOrEqual(28);
    // With another net's met1 wire one track above as well, no shift clears both: the via stays.
    const boxed = nets([a, b, ['- c ( u5 A ) ( u6 Y )', '  + ROUTED met1 ( 900 1068 ) ( 1400 * ) ;']]);
    expect(nudgeCrowdedUpperVias(boxed, 'M1M2_PR', vias, layers, 200, o)).toEqual({ text: boxed, crowded: 1, moved: 0 });
  });
});

describe('crowded vias moved with their segment to the next track', () => {
  const nets = (lines: string[][]) => ['UNITS DISTANCE MICRONS 200 ;', `NETS ${lines.length} ;`, ...lines.flat(), 'END NETS', 'END DESIGN', ''].join('\n');
  // a: met1 from the left to a met1–met2 via at (1000, 1000), met2 down to a met2–met3 via, met3 to the right.
  const a = ['- a ( u1 A ) ( u2 Y )', '  + ROUTED met1 ( 600 1000 ) ( 1000 * ) M1M2_PR', '  NEW met2 ( 1000 1000 ) ( * 728 ) M2M3_PR', '  NEW met3 ( 1000 728 ) ( 1400 * ) ;'];
  // b's li1–met1 via one met1 track above (pads 0.095 µm apart); c's met2 one track to the left.
  const b = ['- b ( u3 A ) ( u4 Y )', '  + ROUTED li1 ( 1000 1068 ) L1M1_PR', '  NEW met1 ( 1000 1068 ) ( 1400 * ) ;'];
  const c = ['- c ( u5 A ) ( u6 Y )', '  + ROUTED met2 ( 908 500 ) ( * 1500 ) ;'];
  const o = { cellShapes: [], pitchDbu: new Map([['li1', 92], ['met1', 68], ['met2', 92], ['met3', 136]]), cuts: lefViaCuts(tlef, 200), nudgesDbu: [6, 10] };
  const gap = (p: NetShape, q: NetShape) => Math.hypot(Math.max(0, q.x0 - p.x1, p.x0 - q.x1), Math.max(0, q.y0 - p.y1, p.y0 - q.y1));

  it('reads each via\'s cut size and cut spacing from the technology LEF', () => {
    expect(lefViaCuts(tlef, 200).get('M1M2_PR')).toEqual({ cutLayer: 'via', halfDbu: 15, spacingDbu: 34 });
    expect(lefViaCuts(tlef, 200).get('M2M3_PR')).toEqual({ cutLayer: 'via2', halfDbu: 20, spacingDbu: 40 });
  });

  it('slides the met2 segment and both its vias one track right, the met1 and met3 wires following', () => {
    const r = slideCrowdedViaSegments(nets([a, b, c]), vias, layers, 200, o);
    expect({ crowded: r.crowded, slid: r.slid }).toEqual({ crowded: 1, slid: 1 });
    expect(r.text).toContain('  + ROUTED met1 ( 600 1000 ) ( 1092 1000 ) M1M2_PR\n  NEW met2 ( 1092 1000 ) ( 1092 728 ) M2M3_PR\n  NEW met3 ( 1092 728 ) ( 1400 728 ) ;');
    // Independent check: every shape of a clears every shape of b and c on its layer, and the route is one chain.
    const shapes = routedShapes(r.text, vias, layers, 200);
    for (const s of shapes.filter((t) => t.net === 'a')) for (const t of shapes.filter((u) => u.net !== 'a' && u.layer === s.layer)) expect(gap(s, t)).toBeGreaterThanOrEqual(layers.get(s.layer)!.spacingUm * 200 - 1e-9);
    expect(crossNetOverlaps(r.text, vias, layers, 200)).toEqual([]);
    expect(slideCrowdedViaSegments(r.text, vias, layers, 200, o)).toMatchObject({ crowded: 0, slid: 0 });
  });

  it('leaves the segment where every track it could take is taken', () => {
    const boxed = nets([a, b, c, ['- d ( u7 A ) ( u8 Y )', '  + ROUTED met2 ( 1092 500 ) ( * 1500 ) ;'], ['- e ( u9 A ) ( u10 Y )', '  + ROUTED met2 ( 1184 500 ) ( * 1500 ) ;'], ['- f ( u11 A ) ( u12 Y )', '  + ROUTED met2 ( 816 500 ) ( * 1500 ) ;']]);
    expect(slideCrowdedViaSegments(boxed, vias, layers, 200, o)).toEqual({ text: boxed, crowded: 1, slid: 0 });
  });
});

describe('off-track wires put back on their track', () => {
  const nets = (lines: string[][]) => ['UNITS DISTANCE MICRONS 200 ;', `NETS ${lines.length} ;`, ...lines.flat(), 'END NETS', 'END DESIGN', ''].join('\n');
  // a: a pin via 3 units below the met1 track at 1000, its whole met1 run there, to a met1–met2 via at (1600, 997).
  const a = ['- a ( u1 A ) ( u2 Y )', '  + ROUTED li1 ( 1000 997 ) L1M1_PR', '  NEW met1 ( 1000 997 ) ( 1600 * ) M1M2_PR', '  NEW met2 ( 1600 997 ) ( * 1400 ) ;'];
  // b's met1–met2 via one track below, under the middle of a's run: 0.125 µm from it at 997, 0.14 at 1000.
  const b = ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met1 ( 1300 932 ) M1M2_PR', '  NEW met2 ( 1300 932 ) ( * 500 ) ;'];
  const o = { cellShapes: [], tracks: new Map([['met1', { startDbu: 48, stepDbu: 68 }]]), maxOffsetDbu: 10 };
  const gap = (p: NetShape, q: NetShape) => Math.hypot(Math.max(0, q.x0 - p.x1, p.x0 - q.x1), Math.max(0, q.y0 - p.y1, p.y0 - q.y1));

  it('runs the wire on the track with a jog back to each end, so its ends and via stay put', () => {
    const r = alignOffsetWires(nets([a, b]), vias, layers, 200, o);
    expect({ crowded: r.crowded, aligned: r.aligned }).toEqual({ crowded: 1, aligned: 1 });
    expect(r.text).toContain('  NEW met1 ( 1000 997 ) ( 1000 1000 ) ( 1600 1000 ) ( 1600 997 ) M1M2_PR\n  NEW met2 ( 1600 997 ) ( * 1400 ) ;');
    // Independent check: every met1 shape of a clears b's pad.
    const met1 = routedShapes(r.text, vias, layers, 200).filter((s) => s.layer === 'met1');
    for (const s of met1.filter((x) => x.net === 'a')) for (const t of met1.filter((x) => x.net === 'b')) expect(gap(s, t)).toBeGreaterThanOrEqual(28);
    expect(alignOffsetWires(r.text, vias, layers, 200, o)).toMatchObject({ crowded: 0, aligned: 0 });
  });

  it('leaves the wire where the track is crowded too', () => {
    const boxed = nets([a, b, ['- c ( u5 A ) ( u6 Y )', '  + ROUTED met1 ( 1200 1052 ) ( 1400 * ) ;']]);
    expect(alignOffsetWires(boxed, vias, layers, 200, o)).toEqual({ text: boxed, crowded: 1, aligned: 0 });
  });
});

describe('shorts between nets', () => {
  it('finds a wire of one net run through another net\'s via pad, and nothing between shapes of one net or apart', () => {
    const nets = (lines: string[][]) => ['UNITS DISTANCE MICRONS 200 ;', `NETS ${lines.length} ;`, ...lines.flat(), 'END NETS', 'END DESIGN', ''].join('\n');
    // b's met1 wire offset 9 units below the track at 1000 runs through a's met1–met2 pad there (as qrouter left one).
    const a = ['- a ( u1 A ) ( u2 Y )', '  + ROUTED met2 ( 1000 1000 ) ( * 1400 ) M1M2_PR', '  NEW met1 ( 1000 1000 ) ( 600 * ) ;'];
    const b = ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met1 ( 500 991 ) ( 1600 * ) ;'];
    const shorts = crossNetOverlaps(nets([a, b]), vias, layers, 200);
    expect(shorts.length).toBeGreaterThan(0);
    expect(new Set(shorts.map((x) => `${x.layer} ${x.a.net} ${x.b.net}`))).toEqual(new Set(['met1 a b']));
    // Two tracks (0.68 µm) apart: none.
    expect(crossNetOverlaps(nets([a, ['- b ( u3 A ) ( u4 Y )', '  + ROUTED met1 ( 500 1136 ) ( 1600 * ) ;']]), vias, layers, 200)).toEqual([]);
  });
});
