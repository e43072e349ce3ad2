import { readFileSync } from 'node:fs';
import { UserError } from '@hardwire/core';
import { describe, expect, it } from 'vitest';
import { cellArea, findKit, kitAvailable, markDontUse, netlistTransistors, parseCellLibrary, parseDontUseList, parseLiberty, parseYosysStat, synthScript, transistorCounts } from '../src/index.ts';

const kit = kitAvailable() ? findKit() : undefined;
if (!kit) console.log('skip: no sky130hd kit; kit tests not run');

describe('CDL transistor counts', () => {
  it('count MOSFET cards with their m= multiplier and expand subcircuit instances', () => {
    const cdl = ['.SUBCKT inv A Y VDD VSS', 'MP Y A VDD VDD pfet m=1 w=1', 'MN Y A VSS VSS nfet', '+ m=2 w=1', '.ENDS', '.SUBCKT buf A Y VDD VSS', 'X1 A n VDD VSS / inv', 'X2 n Y VDD VSS inv', '.ENDS'].join('\n');
    const counts = transistorCounts(cdl);
    expect(counts.get('inv')).toBe(3);
    expect(counts.get('buf')).toBe(6);
    expect(netlistTransistors({ inv: 2, buf: 1, mystery: 1 }, counts)).toEqual({ transistors: 12, unknown: ['mystery'] });
  });

  it.runIf(kit)('match the SKY130 cells: nand2 4, inv 2, dfrtp 28, full adder 28', () => {
    const counts = transistorCounts(readFileSync(kit!.cdl, 'utf8'));
    expect(counts.size).toBe(437);
    const c = (n: string) => counts.get(`sky130_fd_sc_hd__${n}`);
    expect([c('nand2_1'), c('inv_1'), c('dfrtp_1'), c('fa_1'), c('xor2_1'), c('buf_4')]).toEqual([4, 2, 28, 28, 10, 10]);
  });
});

describe.runIf(kit)('Liberty', () => {
  const text = readFileSync(kit!.liberty, 'utf8');
  it('parses every cell with area, pins and functions', () => {
    const cells = parseCellLibrary(text);
    expect(cells.size).toBe(428);
    const nand = cells.get('sky130_fd_sc_hd__nand2_1')!;
    expect(nand.area).toBeCloseTo(3.7536, 4);
    expect(nand.outputs.get('Y')).toBe('(!A) | (!B)');
    expect(cells.get('sky130_fd_sc_hd__dfrtp_1')!.storage).toMatchObject({ kind: 'ff', clock: 'CLK', data: 'D', clear: '!RESET_B' });
    expect(cellArea({ sky130_fd_sc_hd__nand2_1: 2 }, cells)).toBeCloseTo(7.5072, 4);
  });

  it('marks the dont_use list so synthesis avoids those cells', () => {
    const list = parseDontUseList(readFileSync(kit!.dontUseList!, 'utf8'));
    expect(list).toHaveLength(36);
    const { text: marked, marked: found } = markDontUse(text, list);
    expect(found.sort()).toEqual([...list].filter((c) => text.includes(`"${c}"`)).sort());
    const cells = parseCellLibrary(marked);
    expect(cells.get('sky130_fd_sc_hd__probe_p_8')!.dontUse).toBe(true);
    expect(cells.get('sky130_fd_sc_hd__nand2_1')!.dontUse).toBe(false);
  });

  it('reports syntax errors with a line number', () => {
    expect(() => parseLiberty('library (x) {\n cell (a) {\n area : 1;\n', 'bad.lib')).toThrow(/bad\.lib:\d+: unexpected end of file/);
  });
});

describe('yosys scripts and reports', () => {
  it('one script synthesizes several tops from fresh copies of the RTL', () => {
    const script = synthScript({ liberty: 'cells.lib', sources: ['a.v'], modules: [{ top: 'm1', stem: 'm1' }, { top: 'm2', stem: 'm2' }], portBuffers: false });
    expect(script.match(/design -load rtl/g)).toHaveLength(2);
    expect(script).toContain('tee -q -o m2.stat.json stat -json -liberty cells.lib');
    expect(script).not.toContain('insbuf');
    expect(synthScript({ liberty: 'l', sources: [], modules: [{ top: 't', stem: 't' }] })).toContain('insbuf -buf sky130_fd_sc_hd__buf_2 A X');
  });

  it('parses stat -json', () => {
    const json = JSON.stringify({ modules: { '\\top': { num_cells: 3, num_cells_by_type: { a: 2, b: 1 } } } });
    expect(parseYosysStat(json, 'top')).toEqual({ cells: 3, areaUm2: 0, cellsByType: { a: 2, b: 1 } });
  });

  it('a bad --pdk-root is a user error', () => {
    expect(() => findKit('/nonexistent/kit')).toThrow(UserError);
    expect(() => findKit('/nonexistent/kit')).toThrow('--pdk-root /nonexistent/kit: no sky130hd kit there');
  });
});
