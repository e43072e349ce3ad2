import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drcRuleLayer, drcSiteBlocks, shortBoxes, lefRoutingLayers, lefVias, routingTechLef, type RoutedVia } from '../src/index.ts';
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

  it('blocks a met1–met2 via beside a met1 error on met2, leaves pin taps and far vias alone, and finds nothing for li1 errors', () => {
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
    expect(drcSiteBlocks([{ ...box, rule: 'Local interconnect spacing (li.3)' }], routed, vias, METALS, spacings, dbu).lines).toEqual([]);
    // Beyond the layer's spacing from every pad: nothing.
    expect(drcSiteBlocks([{ ...box, x0Um: 95, x1Um: 95.2 }], routed, vias, METALS, spacings, dbu).lines).toEqual([]);
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
