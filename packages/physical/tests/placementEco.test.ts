import { describe, expect, it } from 'vitest';
import { cellsAtBoxes, ecoCandidates, ecoMoves, mirrored, SKY130HD, type DefComponent } from '../src/index.ts';

const SITE = 92;
const ROW = 544;
const rules = SKY130HD.flopRules(SITE, 200);
const widths: Record<string, number> = { sky130_fd_sc_hd__dfrtp_1: 1840, sky130_fd_sc_hd__nand2_1: 276, sky130_fd_sc_hd__and2_0: 460 };
const w = (m: string) => widths[m];
const cell = (name: string, macro: string, site: number, row: number, orient = row % 2 ? 'FS' : 'N'): DefComponent => ({ name, macro, xDbu: site * SITE, yDbu: row * ROW, orient });

/** Every broken rule of a placement, checked pair by pair (the brute force beside `ecoMoves`' incremental check). */
function violations(cs: readonly DefComponent[], x0: number, x1: number): string[] {
  const out: string[] = [];
  const span = (c: DefComponent) => [c.xDbu, c.xDbu + w(c.macro)] as const;
  const over = (a: readonly [number, number], b: readonly [number, number]) => a[0] < b[1] && a[1] > b[0];
  for (const a of cs) {
    if (a.xDbu < x0 || a.xDbu + w(a.macro) > x1) out.push(`${a.name} outside`);
    if ((a.xDbu - x0) % SITE !== 0) out.push(`${a.name} off the site grid`);
    for (const b of cs) {
      if (a === b) continue;
      if (a.yDbu === b.yDbu && a.name < b.name && over(span(a), span(b))) out.push(`${a.name} overlaps ${b.name}`);
      if (Math.abs(a.yDbu - b.yDbu) !== ROW || !rules.isFlop(b.macro)) continue;
      if (over(span(a), rules.pinWindow(b, w(b.macro)))) out.push(`${a.name} covers ${b.name}'s D pin`);
      if (rules.isFlop(a.macro) && a.name < b.name && over([a.xDbu - rules.haloDbu, a.xDbu + w(a.macro) + rules.haloDbu], span(b))) out.push(`${a.name} stacked on ${b.name}`);
    }
  }
  return out.sort();
}

describe('placement ECO for pin access (pure)', () => {
  it('names the cells within the margin of a box, and only those', () => {
    const cs = [cell('a', 'sky130_fd_sc_hd__nand2_1', 10, 0), cell('b', 'sky130_fd_sc_hd__nand2_1', 20, 0), cell('c', 'sky130_fd_sc_hd__and2_0', 10, 1)];
    // A box just right of a (a spans 920..1196 in x, 0..544 in y), 30 units away.
    const box = { x0: 1226, y0: 100, x1: 1240, y1: 120 };
    expect(cellsAtBoxes(cs, w, ROW, [box], 40)).toEqual(['a']);
    expect(cellsAtBoxes(cs, w, ROW, [box], 20)).toEqual([]);
    // A box on the rail between rows 0 and 1 touches both rows' cells in its x span.
    expect(cellsAtBoxes(cs, w, ROW, [{ x0: 1000, y0: 540, x1: 1100, y1: 548 }], 0)).toEqual(['a', 'c']);
  });

  it('tries slides on odd attempts (right first, then left first) and mirrors on even ones', () => {
    expect(ecoCandidates(1, 2)).toEqual([{ sites: 1, mirror: false }, { sites: -1, mirror: false }, { sites: 2, mirror: false }, { sites: -2, mirror: false }]);
    expect(ecoCandidates(3, 1)).toEqual([{ sites: -1, mirror: false }, { sites: 1, mirror: false }]);
    expect(ecoCandidates(2, 1)).toEqual([{ sites: 0, mirror: true }, { sites: 1, mirror: true }, { sites: -1, mirror: true }]);
    expect(['N', 'FN', 'S', 'FS'].map(mirrored)).toEqual(['FN', 'N', 'FS', 'S']);
  });

  it('slides a cell into the free sites beside it, never over a neighbour, and mirrors in place', () => {
    // a at sites 10-12, b right against it at 13-15, free sites 0-9 (the extent starts at the row's first cell, x0 = site 2).
    const cs = [cell('edge', 'sky130_fd_sc_hd__nand2_1', 2, 0), cell('a', 'sky130_fd_sc_hd__nand2_1', 10, 0), cell('b', 'sky130_fd_sc_hd__nand2_1', 13, 0)];
    const slid = ecoMoves(cs, w, ['a'], rules, 1);
    expect(slid.moves).toEqual([{ name: 'a', fromXDbu: 920, toXDbu: 828, fromOrient: 'N', toOrient: 'N' }]);
    expect(slid.components.map((c) => c.name)).toEqual(['edge', 'a', 'b']);
    const flipped = ecoMoves(cs, w, ['a'], rules, 2);
    expect(flipped.moves).toEqual([{ name: 'a', fromXDbu: 920, toXDbu: 920, fromOrient: 'N', toOrient: 'FN' }]);
    // Boxed in on both sides with no free site: only the mirror is left; unknown names are ignored.
    const boxed = [cell('l', 'sky130_fd_sc_hd__nand2_1', 7, 0), cell('a', 'sky130_fd_sc_hd__nand2_1', 10, 0), cell('r', 'sky130_fd_sc_hd__nand2_1', 13, 0)];
    expect(ecoMoves(boxed, w, ['a', 'nobody'], rules, 1)).toMatchObject({ moves: [], stuck: ['a'] });
    expect(ecoMoves(boxed, w, ['a'], rules, 2).moves).toHaveLength(1);
  });

  it('keeps the flop pin-access rules: no move puts a cell over a D pin or a flop over a flop', () => {
    // f0 in row 0 (its D-pin window spans x 1042-1442, sites 11.3-15.7), g (a gate) in row 1 just right of it, f1 a flop two rows up.
    const cs = [
      cell('f0', 'sky130_fd_sc_hd__dfrtp_1', 10, 0, 'N'),
      cell('g', 'sky130_fd_sc_hd__nand2_1', 16, 1),
      cell('left', 'sky130_fd_sc_hd__nand2_1', 0, 1),
      cell('far', 'sky130_fd_sc_hd__nand2_1', 60, 1),
      cell('f1', 'sky130_fd_sc_hd__dfrtp_1', 40, 2, 'N'),
      cell('h', 'sky130_fd_sc_hd__and2_0', 30, 1),
    ];
    const x0 = 0;
    const x1 = 63 * SITE;
    expect(violations(cs, x0, x1)).toEqual([]);
    for (let attempt = 1; attempt <= 4; attempt++) {
      const eco = ecoMoves(cs, w, ['g', 'f0', 'f1', 'h'], rules, attempt);
      expect(violations(eco.components, x0, x1)).toEqual([]);
      expect(eco.moves.length + eco.stuck.length).toBe(4);
      for (const m of eco.moves) expect(m.toXDbu !== m.fromXDbu || m.toOrient !== m.fromOrient).toBe(true);
      expect(ecoMoves(cs, w, ['g', 'f0', 'f1', 'h'], rules, attempt)).toEqual(eco);
    }
    // Attempt 3 slides left first, but one site left would put g over f0's D pin: it goes one site right.
    const g = ecoMoves(cs, w, ['g'], rules, 3);
    expect(g.moves).toEqual([{ name: 'g', fromXDbu: 16 * SITE, toXDbu: 17 * SITE, fromOrient: 'FS', toOrient: 'FS' }]);
    // A flop one site right of the halo of a flop in the row below: left would stack them, so it goes right.
    const pair = [cell('f0', 'sky130_fd_sc_hd__dfrtp_1', 10, 0, 'N'), cell('f2', 'sky130_fd_sc_hd__dfrtp_1', 31, 1), cell('end', 'sky130_fd_sc_hd__nand2_1', 55, 1)];
    expect(violations(pair, 0, 60 * SITE)).toEqual([]);
    expect(ecoMoves(pair, w, ['f2'], rules, 3).moves).toEqual([{ name: 'f2', fromXDbu: 31 * SITE, toXDbu: 32 * SITE, fromOrient: 'FS', toOrient: 'FS' }]);
  });

  it('random placements: every ECO keeps a legal placement legal (checked against the brute force)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const macros = Object.keys(widths);
    for (let trial = 0; trial < 40; trial++) {
      const cs: DefComponent[] = [];
      for (let row = 0; row < 4; row++) {
        let site = Math.floor(rand() * 3);
        while (site < 50) {
          // Flops often, so the D-pin windows and the flop halo decide many moves.
          const macro = rand() < 0.4 ? 'sky130_fd_sc_hd__dfrtp_1' : macros[Math.floor(rand() * macros.length)];
          const c = cell(`r${row}c${site}`, macro, site, row);
          if (violations([...cs, c], 0, 60 * SITE).length === 0) cs.push(c);
          site += w(macro) / SITE + Math.floor(rand() * 3);
        }
      }
      const names = cs.filter(() => rand() < 0.6).map((c) => c.name);
      const eco = ecoMoves(cs, w, names, rules, 1 + (trial % 4));
      expect(violations(eco.components, 0, 60 * SITE)).toEqual([]);
      expect(eco.moves.length + eco.stuck.length).toBe(names.length);
    }
  });
});
