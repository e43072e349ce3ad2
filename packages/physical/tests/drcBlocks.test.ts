import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cellShorts, drcRuleLayer, drcSiteBlocks, lefLayerRects, lefRoutingLayers, lefVias, placedCellShapes, routedShapes, routingTechLef, shortBoxes, SKY130HD, type RoutedVia } from '../src/index.ts';
import { findKit } from '@hardwire/eda';

const METALS = ['li1', 'met1', 'met2', 'met3', 'met4', 'met5'];
const tlef = routingTechLef(readFileSync(findKit().techLef, 'utf8')).text;
const vias = lefVias(tlef, METALS);
const spacings = new Map([...lefRoutingLayers(tlef)].map(([name, l]) => [name, l.spacingUm]));
const viaOf = (lower: string) => [...vias.values()].find((v) => v.lower === lower)!.name;

describe('DRC error boxes to re-route blocks (pure)', () => {
  it('maps sky130 rule codes to the metal they are about', () => {
    expect(drcRuleLayer('Metal1 spacing < 0.14um (met1.2)')).toBe('met1');
    expect(drcRuleLayer('Local interconnect spacing < 0.17um (li.3)')).toBe('li1');
    expect(drcRuleLayer('mcon.2 thing (mcon.2)')).toBe('met1');
    expect(drcRuleLayer('Metal3 spacing (met3.2)')).toBe('met3');
    expect(drcRuleLayer('Via2 enclosure (via2.4)')).toBe('met2');
    expect(drcRuleLayer('N-well spacing (nwell.2a)')).toBeUndefined();
  });

  it('blocks a met1–met2 via beside a met1 error on met2, and leaves pin taps and far vias alone', () => {
    const dbu = 200;
    const m1m2 = viaOf('met1');
    const l1m1 = viaOf('li1');
    const at = (net: string, via: string, xUm: number, yUm: number): RoutedVia => ({ net, via, xDbu: xUm * dbu, yDbu: yUm * dbu });
    const routed = [at('rst', m1m2, 89.7, 7.48), at('a', l1m1, 89.5, 7.2), at('far', m1m2, 120, 50)];
    // The box of the 0.30 bitserial-shared tile's met1.2 error: 0.095 µm between the via pad and a cell's met1 below.
    const box = { rule: 'Metal1 spacing < 0.14um (met1.2)', x0Um: 89.455, y0Um: 7.21, x1Um: 89.745, y1Um: 7.255 };
    const blocks = drcSiteBlocks([box], routed, vias, METALS, spacings, dbu);
    expect(blocks.lines).toEqual(['obstruction 89.650 7.430 89.750 7.530 met2']);
    expect(blocks.boxesWithVias).toBe(1);
    // Beyond the layer's spacing from every pad: nothing.
    expect(drcSiteBlocks([{ ...box, x0Um: 95, x1Um: 95.2 }], routed, vias, METALS, spacings, dbu).lines).toEqual([]);
  });

  it("an li1 error blocks the other net's met1–met2 via that keeps its pin tap from being pulled in, on the pull's side only", () => {
    const dbu = 200;
    const m1m2 = viaOf('met1');
    const l1m1 = viaOf('li1');
    // l15 o_proj DA at density 0.32: b0's tap on a22oi_1's A2 pin sticks 0.025 µm out of the pin toward A1's li1
    // (li.3 boxes right of it); pulled left it would come 0.13 µm from net n25's met1–met2 pad one track over. b1's
    // via one track right and b0's own via stacked on its tap do not stand in the way.
    const v = (net: string, via: string, xDbu: number, yDbu: number): RoutedVia => ({ net, via, xDbu, yDbu });
    const routed = [v('b0', l1m1, 10948, 25364), v('b0', m1m2, 10948, 25364), v('n25', l1m1, 10856, 25364), v('n25', m1m2, 10856, 25364), v('b1', l1m1, 11040, 25364), v('b1', m1m2, 11040, 25364)];
    const boxes = [
      { rule: 'Local interconnect spacing < 0.17um (li.3)', x0Um: 54.8, y0Um: 126.765, x1Um: 54.825, y1Um: 126.905 },
      { rule: 'Local interconnect spacing < 0.17um (li.3)', x0Um: 54.97, y0Um: 126.765, x1Um: 54.995, y1Um: 126.905 },
    ];
    const blocks = drcSiteBlocks(boxes, routed, vias, METALS, spacings, dbu);
    expect(blocks.lines).toEqual(['obstruction 54.230 126.770 54.330 126.870 met2']);
    expect(blocks.boxesWithVias).toBe(2);
    // No pin tap within li1 spacing of the box: nothing to block; a smaller pull reaches no via.
    expect(drcSiteBlocks([{ ...boxes[0], x0Um: 60, x1Um: 60.1 }], routed, vias, METALS, spacings, dbu).lines).toEqual([]);
    expect(drcSiteBlocks(boxes, routed, vias, METALS, spacings, dbu, 0).lines).toEqual([]);
  });

  it('a short becomes the box of its overlap, and the via of the other net in it is blocked', () => {
    const dbu = 200;
    const m1m2 = viaOf('met1');
    // net b's met1–met2 via at (10, 10); net a's met1 wire offset through its pad.
    const boxes = shortBoxes([{ layer: 'met1', a: { x0: 1000, y0: 1990, x1: 3000, y1: 2018 }, b: { x0: 1974, y0: 1968, x1: 2026, y1: 2032 } }], dbu);
    expect(boxes).toEqual([{ rule: 'short (met1.short)', x0Um: 9.87, y0Um: 9.95, x1Um: 10.13, y1Um: 10.09 }]);
    expect(drcSiteBlocks(boxes, [{ net: 'b', via: m1m2, xDbu: 2000, yDbu: 2000 }], vias, METALS, spacings, dbu).lines).toEqual(['obstruction 9.950 9.950 10.050 10.050 met2']);
  });
});

describe('shorts between routes and the cells’ own metal (pure)', () => {
  const kit = findKit();
  const lef = readFileSync(kit.cellLefRouting ?? kit.cellLef, 'utf8');
  const met1 = lefLayerRects(lef, 'met1');
  const pinNets = new Map(Object.entries(SKY130HD.power.pinNets));
  // l7 gate_proj bitserial-shared (a fresh window): qrouter ran the reset net's met1 wire from dfrtp_1's RESET_B
  // pin up across the flop's internal met1 strip; magic's DRC saw nothing, LVS merged the net with the flop's
  // internal node.
  const def = (route: string) => [
    'VERSION 5.6 ;', 'DESIGN t ;', 'UNITS DISTANCE MICRONS 200 ;', 'DIEAREA ( 0 0 ) ( 40000 20000 ) ;',
    'COMPONENTS 1 ;', '- f sky130_fd_sc_hd__dfrtp_1 + PLACED ( 28934 10370 ) FN ;', 'END COMPONENTS',
    'NETS 1 ;', '- rst', '  ( f RESET_B ) ( PIN rst )', route, 'END NETS', 'END DESIGN', '',
  ].join('\n');
  const shapes = (text: string) => routedShapes(text, vias, lefRoutingLayers(tlef), 200);

  it('finds a route across a cell’s internal metal, and not a route on its own pin or a strap via on a rail', () => {
    const crossing = def('+ ROUTED met1 ( 29900 10540 ) ( * 10676 ) ;');
    const found = cellShorts(shapes(crossing), placedCellShapes(crossing, met1, 'met1'), pinNets);
    expect(found).toHaveLength(1);
    expect(found[0].a).toMatchObject({ net: 'f/OBS', x0: 29523, y0: 10594, x1: 30664, y1: 10622 });
    expect(found[0].b.net).toBe('rst');
    // The same wire stopping on the pin: no short. A VPWR via on the cell's power rail (named f/VPWR by the cell
    // shapes): no short either, and a signal via on that rail is one.
    const onPin = def('+ ROUTED met1 ( 29900 10540 ) ( * 10560 ) ;');
    expect(cellShorts(shapes(onPin), placedCellShapes(onPin, met1, 'met1'), pinNets)).toEqual([]);
    const rail = [{ net: 'VPWR', layer: 'met1', x0: 29000, y0: 10880, x1: 29064, y1: 10932 }];
    expect(cellShorts(rail, placedCellShapes(onPin, met1, 'met1'), pinNets)).toEqual([]);
    expect(cellShorts([{ ...rail[0], net: 'rst' }], placedCellShapes(onPin, met1, 'met1'), pinNets).map((s) => s.a.net)).toEqual(['VPWR']);
  });
});
