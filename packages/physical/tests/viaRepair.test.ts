import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conflictObstructions, lefRoutingLayers, lefVias, routedVias, routingTechLef, viaSpacingConflicts, type RoutedVia } from '../src/index.ts';
import { findKit } from '@hardwire/eda';

const METALS = ['li1', 'met1', 'met2', 'met3', 'met4', 'met5'];
const tlef = routingTechLef(readFileSync(findKit().techLef, 'utf8')).text;
const vias = lefVias(tlef, METALS);
const layers = lefRoutingLayers(tlef);
const spacings = new Map([...layers].map(([name, l]) => [name, l.spacingUm]));

// The same check done the slow way: every pair of pads of every pair of vias.
function bruteForce(list: readonly RoutedVia[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i];
      const b = list[j];
      if (a.net === b.net) continue;
      for (const pa of vias.get(a.via)!.pads) {
        for (const pb of vias.get(b.via)!.pads) {
          if (pa.layer !== pb.layer) continue;
          const dx = Math.max(0, b.xDbu + pb.x0Um * 200 - (a.xDbu + pa.x1Um * 200), a.xDbu + pa.x0Um * 200 - (b.xDbu + pb.x1Um * 200));
          const dy = Math.max(0, b.yDbu + pb.y0Um * 200 - (a.yDbu + pa.y1Um * 200), a.yDbu + pa.y0Um * 200 - (b.yDbu + pb.y1Um * 200));
          if (Math.hypot(dx, dy) < spacings.get(pa.layer)! * 200 - 1e-6) out.push(`${pa.layer} ${[a, b].map((v) => `${v.net}@${v.xDbu},${v.yDbu}`).sort().join(' ')}`);
        }
      }
    }
  }
  return out.sort();
}

describe('via spacing conflicts and their repair', () => {
  it('reads the kit vias and each routing layer\'s minimum spacing', () => {
    expect([...vias.keys()]).toEqual(['L1M1_PR', 'M1M2_PR', 'M2M3_PR', 'M3M4_PR', 'M4M5_PR']);
    expect(vias.get('M1M2_PR')).toMatchObject({ lower: 'met1', upper: 'met2' });
    expect(vias.get('L1M1_PR')!.pads.find((p) => p.layer === 'met1')).toEqual({ layer: 'met1', x0Um: -0.145, y0Um: -0.115, x1Um: 0.145, y1Um: 0.115 });
    expect(Object.fromEntries(spacings)).toEqual({ li1: 0.17, met1: 0.14, met2: 0.14, met3: 0.3, met4: 0.3, met5: 1.6 });
  });

  it('finds an li1–met1 via beside a met1–met2 via of another net one met1 track away, and blocks the upper one on met2', () => {
    const def = [
      'UNITS DISTANCE MICRONS 200 ;',
      'NETS 3 ;',
      '- a ( u1 A ) ( u2 Y )',
      '  + ROUTED li1 ( 1000 500 ) L1M1_PR',
      '  NEW met1 ( 1000 500 ) ( 1400 * ) ;',
      '- b ( u3 A ) ( u4 Y )',
      '  + ROUTED met1 ( 600 568 ) ( 1000 * ) M1M2_PR',
      '  NEW met2 ( 1000 568 ) ( * 900 ) ;',
      '- c ( u5 A ) ( u6 Y )',
      '  + ROUTED met1 ( 3000 568 ) ( 3400 * ) M1M2_PR ;',
      'END NETS',
      '',
    ].join('\n');
    const list = routedVias(def, new Set(vias.keys()));
    expect(list).toEqual([
      { net: 'a', via: 'L1M1_PR', xDbu: 1000, yDbu: 500 },
      { net: 'b', via: 'M1M2_PR', xDbu: 1000, yDbu: 568 },
      { net: 'c', via: 'M1M2_PR', xDbu: 3400, yDbu: 568 },
    ]);
    const conflicts = viaSpacingConflicts(list, vias, spacings, 200);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0].layer).toBe('met1');
    expect(conflicts[0].gapUm).toBeCloseTo(0.34 - 0.115 - 0.13, 6); // 0.095 µm, met1.2 asks for 0.14
    expect(conflictObstructions(conflicts, vias, METALS, 200)).toEqual({ lines: ['obstruction 4.950 2.790 5.050 2.890 met2'], pinTapPairs: 0 });
    // Two pin-tap vias (li1–met1) are counted, not blocked.
    const taps = viaSpacingConflicts([list[0], { net: 'd', via: 'L1M1_PR', xDbu: 1000, yDbu: 568 }], vias, spacings, 200);
    expect(taps).toHaveLength(1);
    expect(conflictObstructions(taps, vias, METALS, 200)).toEqual({ lines: [], pinTapPairs: 1 });
  });

  it('agrees with a brute force on random vias, and a repaired pair no longer conflicts', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const names = [...vias.keys()].filter((v) => v !== 'M4M5_PR');
    const list: RoutedVia[] = Array.from({ length: 600 }, () => ({ net: `n${rand(40)}`, via: names[rand(names.length)], xDbu: 46 + 92 * rand(30), yDbu: 34 + 68 * rand(30) }));
    const fast = viaSpacingConflicts(list, vias, spacings, 200).map((c) => `${c.layer} ${[c.a, c.b].map((v) => `${v.net}@${v.xDbu},${v.yDbu}`).sort().join(' ')}`).sort();
    expect(fast.length).toBeGreaterThan(50);
    expect(fast).toEqual(bruteForce(list));
    // Moving the blocked via by one met2 column clears a met1 pair.
    const a: RoutedVia = { net: 'a', via: 'L1M1_PR', xDbu: 1000, yDbu: 500 };
    const b: RoutedVia = { net: 'b', via: 'M1M2_PR', xDbu: 1000, yDbu: 568 };
    expect(viaSpacingConflicts([a, b], vias, spacings, 200)).toHaveLength(1);
    expect(viaSpacingConflicts([a, { ...b, xDbu: 1092 }], vias, spacings, 200)).toHaveLength(0);
  });
});
