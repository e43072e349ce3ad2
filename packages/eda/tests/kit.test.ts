import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError, execLogged } from '@hardwire/core';
import { describe, expect, it } from 'vitest';
import { cellArea, chooseYosys, findKit, runYosysScript, flopCellsLiberty, kitAvailable, libertyCellGroups, markDontUse, netlistTransistors, parseCellLibrary, parseDontUseList, parseLiberty, parseYosysStat, synthScript, transistorCounts } from '../src/index.ts';

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

  it('the flop-only copy keeps exactly the cells the Liberty parser finds storage in, and everything else outside the cells', () => {
    const list = parseDontUseList(readFileSync(kit!.dontUseList!, 'utf8'));
    const { text: marked } = markDontUse(text, list);
    const flops = flopCellsLiberty(marked);
    const all = parseCellLibrary(marked);
    const kept = parseCellLibrary(flops.text);
    // An independent parser: the cells with an ff or latch group, and the clock gates (statetable), nothing else.
    const sequential = [...all.values()].filter((c) => c.storage || c.unsupported === 'statetable').map((c) => c.name);
    expect([...kept.keys()].sort()).toEqual(sequential.sort());
    expect(flops.cells.sort()).toEqual(sequential.sort());
    for (const name of kept.keys()) expect(kept.get(name)).toEqual(all.get(name));
    // What is not a dropped cell group is byte for byte the same.
    const groups = libertyCellGroups(marked);
    expect(groups).toHaveLength(all.size);
    expect(flops.text.length).toBeLessThan(marked.length / 4);
    const header = marked.lastIndexOf('\n', groups[0].start) + 1;
    expect(flops.text.slice(0, header)).toBe(marked.slice(0, header));
    expect(flops.text.endsWith(marked.slice(groups[groups.length - 1].end))).toBe(true);
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

  it('a flop-only Liberty for dfflibmap and stat without areas when the caller prices cells', () => {
    const script = synthScript({ liberty: 'cells.lib', flopLiberty: 'flops.lib', statAreas: false, sources: ['a.v'], modules: [{ top: 'm', stem: 'm' }] });
    expect(script).toContain('dfflibmap -liberty flops.lib');
    expect(script).toContain('abc -liberty cells.lib');
    expect(script).toContain('tee -q -o m.stat.json stat -json\n');
  });

  it('finds cell groups past comments and strings holding braces, and keeps sequential cells only', () => {
    const lib = [
      'library (toy) {',
      '  /* a comment with a brace { and cell ("fake") { */',
      '  lu_table_template (t) { variable_1 : x; }',
      '  cell ("inv") {',
      '    area : 1;',
      '    pin (Y) { direction : output; function : "!A"; }',
      '  }',
      '  cell (dff) {',
      '    ff (IQ, IQN) { next_state : "D"; clocked_on : "CLK"; }',
      '    pin (Q) { direction : output; function : "IQ"; }',
      '  }',
      '  cell ("odd") { comment : "a } in a string"; }',
      '  cell (lat) { latch (IQ, IQN) { data_in : "D"; enable : "G"; } }',
      '}',
      '',
    ].join('\n');
    expect(libertyCellGroups(lib).map((g) => g.name)).toEqual(['inv', 'dff', 'odd', 'lat']);
    const flops = flopCellsLiberty(lib);
    expect(flops.cells).toEqual(['dff', 'lat']);
    expect(flops.text).toBe(['library (toy) {', '  /* a comment with a brace { and cell ("fake") { */', '  lu_table_template (t) { variable_1 : x; }', '  cell (dff) {', '    ff (IQ, IQN) { next_state : "D"; clocked_on : "CLK"; }', '    pin (Q) { direction : output; function : "IQ"; }', '  }', '  cell (lat) { latch (IQ, IQN) { data_in : "D"; enable : "G"; } }', '}', ''].join('\n'));
    expect(() => libertyCellGroups('library (x) { cell (a) {')).toThrow(/unbalanced braces/);
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

describe.runIf(kit)('the flop-only Liberty in yosys', () => {
  it('maps the same flops and logic as the whole library: netlists byte for byte, cell counts equal', async () => {
    const { backend } = await chooseYosys('auto');
    const dir = mkdtempSync(join(tmpdir(), 'hw-floplib-'));
    const { text: marked } = markDontUse(readFileSync(kit!.liberty, 'utf8'), parseDontUseList(readFileSync(kit!.dontUseList!, 'utf8')));
    writeFileSync(join(dir, 'cells.lib'), marked);
    writeFileSync(join(dir, 'flops.lib'), flopCellsLiberty(marked).text);
    // Flops of every flavour yosys meets in the tiles and units (async reset and set, enable, negative edge) beside logic.
    writeFileSync(join(dir, 'rtl.v'), [
      'module regs (input wire clk, input wire rst_n, input wire en, input wire [7:0] a, input wire [7:0] b, output reg [7:0] q, output reg [7:0] p, output reg [3:0] n);',
      '  always @(posedge clk or negedge rst_n) if (!rst_n) q <= 8\'h00; else if (en) q <= a + b;',
      '  always @(posedge clk or negedge rst_n) if (!rst_n) p <= 8\'hA5; else p <= a ^ (b >> 1);',
      '  always @(negedge clk) n <= a[3:0] & b[7:4];',
      'endmodule',
      '',
    ].join('\n'));
    const run = async (stem: string, flopLiberty: string | undefined) => {
      writeFileSync(join(dir, `${stem}.ys`), synthScript({ liberty: 'cells.lib', flopLiberty, sources: ['rtl.v'], modules: [{ top: 'regs', stem }] }));
      await runYosysScript({ exec: (exe, argv, o) => execLogged(exe, argv, { commandsFile: join(dir, 'COMMANDS'), logFile: join(dir, 'tools.log') }, o), log: () => {} }, backend, dir, `${stem}.ys`, [join(dir, 'rtl.v'), join(dir, 'cells.lib'), join(dir, 'flops.lib')]);
      return { verilog: readFileSync(join(dir, `${stem}.v`), 'utf8'), stat: parseYosysStat(readFileSync(join(dir, `${stem}.stat.json`), 'utf8'), 'regs') };
    };
    const whole = await run('whole', undefined);
    const flopsOnly = await run('flops', 'flops.lib');
    expect(Object.keys(whole.stat.cellsByType).some((t) => t.includes('dfrtp'))).toBe(true);
    expect(Object.keys(whole.stat.cellsByType).some((t) => t.includes('dfstp'))).toBe(true);
    expect(flopsOnly.stat).toEqual(whole.stat);
    expect(flopsOnly.verilog).toBe(whole.verilog);
  }, 120_000);
});
