import { describe, expect, it } from 'vitest';
import { dieMarginObstructions, growFloatingPins } from '../src/index.ts';

const def = (nets: string) => `VERSION 5.7 ;
DESIGN t ;
UNITS DISTANCE MICRONS 200 ;
DIEAREA ( 0 0 ) ( 10000 8000 ) ;
PINS 3 ;
- a + NET a
  + LAYER met1 ( -14 -14 ) ( 14 14 )
  + PLACED ( 0 4000 ) N ;
- b + NET b
  + LAYER met2 ( -14 -14 ) ( 14 14 )
  + PLACED ( 5000 8000 ) N ;
- c + NET c
  + LAYER met1 ( -14 -14 ) ( 14 14 )
  + PLACED ( 10000 2000 ) N ;
END PINS
${nets}
END DESIGN
`;

describe('die-boundary rules', () => {
  const minArea = new Map([['met1', 0.083], ['met2', 0.0676]]);

  it('grows only the pins of unrouted nets, inward, to their layer minimum area; the rest of the DEF is untouched', () => {
    const text = def('NETS 2 ;\n- a ( PIN a ) ( u1 A )\n  + ROUTED met1 ( 0 4000 ) ( 400 * ) ;\n- b ( PIN b )\n ;\nEND NETS');
    const r = growFloatingPins(text, minArea, 200);
    expect(r.floating).toBe(2); // b (no route) and c (no net at all)
    expect(r.grown).toBe(2); // 28 x 28 units at 200 per µm: 0.0196 µm², under both minima
    // b sits on the top edge: it grows down to ceil(0.0676 * 200² / 28) = 97 long.
    expect(r.text).toContain('- b + NET b\n  + LAYER met2 ( -14 -83 ) ( 14 14 )');
    expect(r.text).toContain('- a + NET a\n  + LAYER met1 ( -14 -14 ) ( 14 14 )'); // routed: unchanged
    // c sits on the right edge: it grows to the left, 28 wide, to ceil(0.083 * 200² / 28) = 119 long.
    expect(r.text).toContain('- c + NET c\n  + LAYER met1 ( -105 -14 ) ( 14 14 )');
    expect(r.text.replace('( -105 -14 )', '( -14 -14 )').replace('( -14 -83 )', '( -14 -14 )')).toBe(text);
    // The grown shapes read back from the result meet the layers' minimum areas (met1 0.083 µm², met2 0.0676 µm²).
    const rect = (net: string) => {
      const m = new RegExp(`- ${net} \\+ NET ${net}\\n  \\+ LAYER (met\\d) \\( (-?\\d+) (-?\\d+) \\) \\( (-?\\d+) (-?\\d+) \\)`).exec(r.text)!;
      return { layer: m[1], areaUm2: ((Number(m[4]) - Number(m[2])) * (Number(m[5]) - Number(m[3]))) / 200 ** 2 };
    };
    expect(rect('c')).toEqual({ layer: 'met1', areaUm2: expect.any(Number) });
    expect(rect('c').areaUm2).toBeGreaterThanOrEqual(0.083);
    expect(rect('b').layer).toBe('met2');
    expect(rect('b').areaUm2).toBeGreaterThanOrEqual(0.0676);
  });

  it('keeps qrouter inside the die with bands on every routing layer, clear of the edge pins', () => {
    const lines = dieMarginObstructions({ x0: -276, y0: -204, x1: 33120, y1: 32300 }, 200, ['li1', 'met1']);
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe('obstruction 165.8 -11.02 175.6 171.5 li1');
    // No band reaches inside the die plus the gap.
    for (const l of lines) {
      const [x0, y0, x1, y1] = l.split(' ').slice(1, 5).map(Number);
      const overlapsDie = x0 < 165.6 + 0.2 && x1 > -1.38 - 0.2 && y0 < 161.5 + 0.2 && y1 > -1.02 - 0.2;
      const inside = x0 > -1.38 - 0.2 && x1 < 165.6 + 0.2 && y0 > -1.02 - 0.2 && y1 < 161.5 + 0.2;
      expect(inside, l).toBe(false);
      expect(overlapsDie && x0 >= -1.38 && x1 <= 165.6 && y0 >= -1.02 && y1 <= 161.5, l).toBe(false);
    }
  });
});
