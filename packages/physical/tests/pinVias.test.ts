import { describe, expect, it } from 'vitest';
import { lefPinRects, placeRect, pullViasIntoPins, separateTapPairs } from '../src/index.ts';

// One cell, 1.38 x 2.72 µm, with pin A on li1 from x 0.52 to 0.87 (a sky130hd-like pin edge 0.005 µm inside a
// via pad on the 0.46 µm grid) and pin B well around its grid point.
const LEF = [
  'MACRO cellx',
  '  SIZE 1.38 BY 2.72 ;',
  '  PIN A',
  '    PORT',
  '      LAYER li1 ;',
  '        RECT 0.52 0.50 0.87 1.50 ;',
  '    END',
  '  END A',
  '  PIN B',
  '    PORT',
  '      LAYER met1 ;',
  '        RECT 0.0 0.0 0.1 0.1 ;',
  '      LAYER li1 ;',
  '        RECT 0.0 0.50 0.40 1.50 ;',
  '    END',
  '  END B',
  'END cellx',
  '',
].join('\n');
const cells = lefPinRects(LEF, 'li1');

const def = (orient: string, viaLine: string) => [
  'DESIGN t ;',
  'UNITS DISTANCE MICRONS 200 ;',
  'DIEAREA ( 0 0 ) ( 2000 2000 ) ;',
  'COMPONENTS 1 ;',
  `- u1 cellx + PLACED ( 1000 1000 ) ${orient} ;`,
  'END COMPONENTS',
  'NETS 2 ;',
  '- a ( u1 A ) ( u9 Y )',
  viaLine,
  '  NEW met1 ( 1120 1200 ) ( 1400 * ) ;',
  '- b ( u1 B ) ( u9 Z )',
  '  + ROUTED li1 ( 1040 1200 ) L1M1_PR ;',
  'END NETS',
  'END DESIGN',
  '',
].join('\n');

describe('li1–met1 vias pulled inside their pins', () => {
  it('reads only the li1 rectangles of each pin and places them in every orientation', () => {
    expect(cells.get('cellx')!.pins.get('A')).toEqual([[0.52, 0.5, 0.87, 1.5]]);
    expect(cells.get('cellx')!.pins.get('B')).toEqual([[0, 0.5, 0.4, 1.5]]);
    const cell = cells.get('cellx')!;
    const r = [0.52, 0.5, 0.87, 1.5] as const;
    expect(placeRect(r, cell, { xDbu: 1000, yDbu: 1000, orient: 'N' }, 200)).toEqual([1104, 1100, 1174, 1300]);
    expect(placeRect(r, cell, { xDbu: 1000, yDbu: 1000, orient: 'FS' }, 200)).toEqual([1104, 1244, 1174, 1444]);
    expect(placeRect(r, cell, { xDbu: 1000, yDbu: 1000, orient: 'FN' }, 200)).toEqual([1102, 1100, 1172, 1300]);
    expect(placeRect(r, cell, { xDbu: 1000, yDbu: 1000, orient: 'S' }, 200)).toEqual([1102, 1244, 1172, 1444]);
  });

  it('moves a via whose pad sticks 1 unit out of its pin, with a met1 stub, and leaves a pad inside its pin alone', () => {
    // Pin A spans x 1104..1174 at N; a via at x 1120 has its li1 pad (±17) from 1103: one unit outside.
    const text = def('N', '  + ROUTED li1 ( 1120 1200 ) L1M1_PR');
    const r = pullViasIntoPins(text, cells, { via: 'L1M1_PR', padHalfDbu: 17, maxShiftDbu: 6 });
    expect({ outside: r.outside, moved: r.moved }).toEqual({ outside: 1, moved: 1 });
    expect(r.text).toContain('  + ROUTED met1 ( 1120 1200 ) ( 1121 * ) L1M1_PR\n  NEW met1 ( 1120 1200 ) ( 1400 * ) ;');
    // Everything else is unchanged, net b's via (pad well inside pin B) included.
    expect(r.text.replace('met1 ( 1120 1200 ) ( 1121 * ) L1M1_PR', 'li1 ( 1120 1200 ) L1M1_PR')).toBe(text);
    expect(pullViasIntoPins(r.text, cells, { via: 'L1M1_PR', padHalfDbu: 17, maxShiftDbu: 6 })).toMatchObject({ outside: 0, moved: 0 });
  });

  it('moves a via together with the free li1 wire it ends and qrouter\'s li1 patch over them', () => {
    // Via at (1120, 1200), an li1 wire of its own statement down to a free end, a SPECIALNETS li1 patch over both.
    const base = def('N', '  + ROUTED li1 ( 1120 1200 ) L1M1_PR\n  NEW li1 ( 1120 1200 ) ( * 1150 )');
    const text = base.replace('NETS 2 ;', 'SPECIALNETS 1 ;\n- a\n+ ROUTED li1 34 ( 1120 1217 ) ( * 1133 ) ;\nEND SPECIALNETS\nNETS 2 ;');
    const r = pullViasIntoPins(text, cells, { via: 'L1M1_PR', padHalfDbu: 17, maxShiftDbu: 6 });
    expect({ moved: r.moved, keptLi1Wire: r.keptLi1Wire }).toEqual({ moved: 1, keptLi1Wire: 0 });
    expect(r.text).toContain('  + ROUTED met1 ( 1120 1200 ) ( 1121 * ) L1M1_PR\n  NEW li1 ( 1121 1200 ) ( * 1150 )\n');
    expect(r.text).toContain('+ ROUTED li1 34 ( 1121 1217 ) ( * 1133 ) ;');
    // Nothing left sticking out: a second pass finds every pad inside its pin.
    expect(pullViasIntoPins(r.text, cells, { via: 'L1M1_PR', padHalfDbu: 17, maxShiftDbu: 6 }).outside).toBe(0);
  });

  it('keeps a via that is further out than the limit, or ends an li1 wire tied to more of its net, and counts it', () => {
    const far = def('N', '  + ROUTED li1 ( 1110 1200 ) L1M1_PR'); // 7 units out
    expect(pullViasIntoPins(far, cells, { via: 'L1M1_PR', padHalfDbu: 17, maxShiftDbu: 6 })).toEqual({ text: far, outside: 1, moved: 0, keptLi1Wire: 0, keptFar: 1, keptCrowded: 0 });
    // The via ends an li1 wire whose other end touches nothing else: wire and via move together.
    const wired = def('N', '  + ROUTED li1 ( 1120 1150 ) ( * 1200 ) L1M1_PR');
    const pulled = pullViasIntoPins(wired, cells, { via: 'L1M1_PR', padHalfDbu: 17, maxShiftDbu: 6 });
    expect({ moved: pulled.moved, keptLi1Wire: pulled.keptLi1Wire }).toEqual({ moved: 1, keptLi1Wire: 0 });
    expect(pulled.text).toContain('  + ROUTED li1 ( 1121 1150 ) ( * 1200 ) L1M1_PR\n  NEW met1 ( 1120 1200 ) ( 1121 * )\n');
    // Another li1 wire of the net starts where this one does: moving it would cut them apart.
    const tied = def('N', '  + ROUTED li1 ( 1120 1150 ) ( * 1200 ) L1M1_PR\n  NEW li1 ( 1120 1150 ) ( 1300 * )');
    expect(pullViasIntoPins(tied, cells, { via: 'L1M1_PR', padHalfDbu: 17, maxShiftDbu: 6 })).toEqual({ text: tied, outside: 1, moved: 0, keptLi1Wire: 1, keptFar: 0, keptCrowded: 0 });
  });

  it('separates two pin-tap vias one met1 track apart by moving one along its pin, unless that crowds another net', () => {
    // Pins A and B of one cell in the same column, A below B (cell coordinates, placed N at (1000, 1000)).
    const lef = ['MACRO celly', '  SIZE 1.38 BY 2.72 ;', '  PIN A', '    PORT', '      LAYER li1 ;', '        RECT 0.40 0.30 0.60 1.05 ;', '    END', '  END A', '  PIN B', '    PORT', '      LAYER li1 ;', '        RECT 0.40 1.125 0.60 2.00 ;', '    END', '  END B', 'END celly', ''].join('\n');
    const pins = lefPinRects(lef, 'li1');
    const rules = { via: 'L1M1_PR', li1Half: [17, 17] as const, met1Half: [29, 23] as const, cutHalf: 17, li1Spacing: 34, met1Spacing: 28, cutSpacing: 38, met1Width: 28 };
    const text = (extra: string[]) => ['DESIGN t ;', 'UNITS DISTANCE MICRONS 200 ;', 'DIEAREA ( 0 0 ) ( 4000 4000 ) ;', 'COMPONENTS 1 ;', '- u1 celly + PLACED ( 1000 1000 ) N ;', 'END COMPONENTS', `NETS ${2 + extra.length / 2} ;`,
      '- a ( u1 A ) ( u9 Y )', '  + ROUTED li1 ( 1100 1180 ) L1M1_PR', '  NEW met1 ( 1100 1180 ) ( 1600 * ) ;',
      '- b ( u1 B ) ( u9 Z )', '  + ROUTED li1 ( 1100 1248 ) L1M1_PR', '  NEW met1 ( 1100 1248 ) ( 1600 * ) ;', ...extra, 'END NETS', 'END DESIGN', ''].join('\n');
    const shapesOf = (extra: { net: string; layer: string; x0: number; y0: number; x1: number; y1: number }[]) => [
      { net: 'a', layer: 'met1', x0: 1071, y0: 1157, x1: 1129, y1: 1203 }, { net: 'b', layer: 'met1', x0: 1071, y0: 1225, x1: 1129, y1: 1271 }, ...extra];
    // B's pin reaches 0.03 µm above its via's pad: b moves up by the 6 units missing (0.34 -> 0.37 µm apart).
    const free = separateTapPairs(text([]), pins, shapesOf([]), rules);
    expect({ pairs: free.pairs, moved: free.moved }).toEqual({ pairs: 1, moved: 1 });
    expect(free.text).toContain('- b ( u1 B ) ( u9 Z )\n  + ROUTED met1 ( 1100 1248 ) ( * 1254 ) L1M1_PR\n');
    expect(free.text).toContain('  + ROUTED li1 ( 1100 1180 ) L1M1_PR\n'); // a stays
    // Another net's met1 wire just above b: b cannot move, so a moves down (its pin has room) instead.
    const crowded = separateTapPairs(text([]), pins, shapesOf([{ net: 'c', layer: 'met1', x0: 1000, y0: 1290, x1: 1300, y1: 1318 }]), rules);
    expect(crowded.moved).toBe(1);
    expect(crowded.text).toContain('  + ROUTED met1 ( 1100 1180 ) ( * 1174 ) L1M1_PR\n');
    // Nothing left to separate afterwards.
    expect(separateTapPairs(free.text, pins, shapesOf([]), rules).pairs).toBe(0);
  });

  it('slides one via along a horizontal pin far enough to clear corner to corner when neither pin has room across', () => {
    // Like xnor2_1's A and B: two li1 strips, one over the other, each only a little taller than the via pad.
    const lef = ['MACRO cellz', '  SIZE 2.0 BY 2.72 ;', '  PIN A', '    PORT', '      LAYER li1 ;', '        RECT 0.30 0.80 1.60 1.00 ;', '    END', '  END A', '  PIN B', '    PORT', '      LAYER li1 ;', '        RECT 0.30 1.155 1.00 1.34 ;', '    END', '  END B', 'END cellz', ''].join('\n');
    const pins = lefPinRects(lef, 'li1');
    const rules = { via: 'L1M1_PR', li1Half: [17, 17] as const, met1Half: [29, 23] as const, cutHalf: 17, li1Spacing: 34, met1Spacing: 28, cutSpacing: 38, met1Width: 28 };
    const text = ['DESIGN t ;', 'UNITS DISTANCE MICRONS 200 ;', 'DIEAREA ( 0 0 ) ( 4000 4000 ) ;', 'COMPONENTS 1 ;', '- u1 cellz + PLACED ( 1000 1000 ) N ;', 'END COMPONENTS', 'NETS 2 ;',
      '- a ( u1 A ) ( u9 Y )', '  + ROUTED li1 ( 1100 1180 ) L1M1_PR', '  NEW met1 ( 1100 1180 ) ( 1600 * ) ;',
      '- b ( u1 B ) ( u9 Z )', '  + ROUTED li1 ( 1100 1248 ) L1M1_PR', '  NEW met1 ( 1100 1248 ) ( 1600 * ) ;', 'END NETS', 'END DESIGN', ''].join('\n');
    const pads = [{ net: 'a', layer: 'met1', x0: 1071, y0: 1157, x1: 1129, y1: 1203 }, { net: 'b', layer: 'met1', x0: 1071, y0: 1225, x1: 1129, y1: 1271 }];
    // Pads 0.11 µm apart across (0.14 needed): 0.29 µm pad + sqrt(0.14² - 0.11²) = 0.377 µm along, 76 units.
    const slid = separateTapPairs(text, pins, pads, rules);
    expect({ pairs: slid.pairs, moved: slid.moved }).toEqual({ pairs: 1, moved: 1 });
    expect(slid.text).toContain('- b ( u1 B ) ( u9 Z )\n  + ROUTED met1 ( 1100 1248 ) ( 1176 * ) L1M1_PR\n');
    // Independent check of the result: b's via where the patched text puts it (pad 58 x 46, cut 34 x 34 units
    // around it), and a's unmoved pad and cut, now clear corner to corner (0.14 µm = 28 units, cuts 0.19 = 38).
    const via = /- b \( u1 B \) \( u9 Z \)\n  \+ ROUTED met1 \( \d+ (\d+) \) \( (\d+) \* \) L1M1_PR/.exec(slid.text)!;
    const [vy, vx] = [Number(via[1]), Number(via[2])];
    const gap = (p: number[], q: number[]) => Math.hypot(Math.max(0, q[0] - p[2], p[0] - q[2]), Math.max(0, q[1] - p[3], p[1] - q[3]));
    expect(gap([1071, 1157, 1129, 1203], [vx - 29, vy - 23, vx + 29, vy + 23])).toBeGreaterThanOrEqual(28);
    expect(gap([1083, 1163, 1117, 1197], [vx - 17, vy - 17, vx + 17, vy + 17])).toBeGreaterThanOrEqual(38);
    // b keeps a met1–met2 via's larger pad at its old point, 0.095 µm from a's: sliding b would not help, and a
    // cannot slide far enough past it inside its pin either.
    const stacked = separateTapPairs(text, pins, [...pads, { net: 'b', layer: 'met1', x0: 1068, y0: 1222, x1: 1132, y1: 1274 }], rules);
    expect({ pairs: stacked.pairs, moved: stacked.moved }).toEqual({ pairs: 1, moved: 0 });
  });

  it('joins two vias of one net on one narrow pin (no room to part): one via goes, a met1 wire reaches the other', () => {
    // Like maj3_1's A: one li1 strip 0.17 µm wide, the net's vias one met1 track apart, an li1 wire of the net
    // between them, and another net's met1 wires on the tracks just outside: neither via can move.
    const lef = ['MACRO cellw', '  SIZE 1.38 BY 2.72 ;', '  PIN A', '    PORT', '      LAYER li1 ;', '        RECT 0.415 0.30 0.585 2.40 ;', '    END', '  END A', 'END cellw', ''].join('\n');
    const pins = lefPinRects(lef, 'li1');
    const rules = { via: 'L1M1_PR', li1Half: [17, 17] as const, met1Half: [29, 23] as const, cutHalf: 17, li1Spacing: 34, met1Spacing: 28, cutSpacing: 38, met1Width: 28 };
    const text = ['DESIGN t ;', 'UNITS DISTANCE MICRONS 200 ;', 'DIEAREA ( 0 0 ) ( 4000 4000 ) ;', 'COMPONENTS 1 ;', '- u1 cellw + PLACED ( 1000 1000 ) N ;', 'END COMPONENTS', 'NETS 1 ;',
      '- a ( u1 A ) ( u9 Y ) ( u8 Z )', '  + ROUTED li1 ( 1100 1248 ) L1M1_PR', '  NEW met1 ( 1100 1248 ) ( 600 * ) M1M2_PR', '  NEW li1 ( 1100 1180 ) ( * 1248 )', '  NEW met1 ( 1600 1180 ) ( 1100 * ) L1M1_PR ;', 'END NETS', 'END DESIGN', ''].join('\n');
    const shapes = [
      { net: 'a', layer: 'met1', x0: 1071, y0: 1157, x1: 1129, y1: 1203 }, { net: 'a', layer: 'met1', x0: 1071, y0: 1225, x1: 1129, y1: 1271 },
      { net: 'c', layer: 'met1', x0: 900, y0: 1302, x1: 1300, y1: 1330 }, { net: 'c', layer: 'met1', x0: 900, y0: 1098, x1: 1300, y1: 1126 },
    ];
    const joined = separateTapPairs(text, pins, shapes, rules);
    expect({ pairs: joined.pairs, moved: joined.moved, merged: joined.merged }).toEqual({ pairs: 1, moved: 1, merged: 1 });
    // The upper via's statement becomes a met1 wire down to the lower via; the li1 wire and the rest stay.
    expect(joined.text).toContain('- a ( u1 A ) ( u9 Y ) ( u8 Z )\n  + ROUTED met1 ( 1100 1248 ) ( * 1180 )\n  NEW met1 ( 1100 1248 ) ( 600 * ) M1M2_PR\n  NEW li1 ( 1100 1180 ) ( * 1248 )\n');
    expect(joined.text.match(/L1M1_PR/g)).toHaveLength(1);
    // A pair of two nets in the same squeeze is not joined (and not moved).
    const twoNets = separateTapPairs(text.replace('NETS 1 ;', 'NETS 2 ;').replace("  NEW li1 ( 1100 1180 ) ( * 1248 )\n  NEW met1 ( 1600 1180 ) ( 1100 * ) L1M1_PR ;", "  NEW li1 ( 1100 1248 ) ( * 1260 ) ;\n- b ( u1 B ) ( u7 Y )\n  + ROUTED met1 ( 1600 1180 ) ( 1100 * ) L1M1_PR ;"), pins, shapes, rules);
    expect({ moved: twoNets.moved, merged: twoNets.merged }).toEqual({ moved: 0, merged: 0 });
  });
});
