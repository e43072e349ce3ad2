/** The word simulator against the Boolean reference, for every combinational cell of the kit, and flops. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findKit, kitAvailable, parseCellLibrary, type CellSpec } from '@hardwire/eda';
import { GateSim, compileNetlist, evalExpr, parseBooleanExpr, type YosysNetlistJson } from '../src/index.ts';

const kit = kitAvailable() ? findKit() : undefined;
if (!kit) console.log('skip: no sky130hd kit (pdk/sky130hd, --pdk-root or PDK_ROOT); cell checks not run');

/** A netlist with one instance of `cell`, its pins as ports. */
function oneCell(cell: CellSpec): YosysNetlistJson {
  const ports: YosysNetlistJson['modules'][string]['ports'] = {};
  const connections: Record<string, number[]> = {};
  let bit = 2;
  for (const p of cell.inputs) {
    ports[p] = { direction: 'input', bits: [bit] };
    connections[p] = [bit++];
  }
  for (const p of cell.outputs.keys()) {
    ports[p] = { direction: 'output', bits: [bit] };
    connections[p] = [bit++];
  }
  return { modules: { top: { ports, cells: { u0: { type: cell.name, connections } } } } };
}

describe('Liberty Boolean functions', () => {
  it('parse every operator form with the right precedence', () => {
    const env = (vars: Record<string, boolean>) => (n: string) => vars[n];
    const cases: Array<[string, Record<string, boolean>, boolean]> = [
      ['!A', { A: false }, true],
      ["A'", { A: true }, false],
      ['A&B|C', { A: false, B: true, C: true }, true],
      ['A B + C', { A: true, B: false, C: false }, false],
      ['A^B&C', { A: true, B: true, C: false }, true],
      ['!(A1&A2)|B1', { A1: true, A2: true, B1: false }, false],
      ['(A*B)+(!A*!B)', { A: false, B: false }, true],
      ['1', {}, true],
    ];
    for (const [text, vars, want] of cases) expect(evalExpr(parseBooleanExpr(text), env(vars)), text).toBe(want);
    expect(() => parseBooleanExpr('A & (B')).toThrow(/missing '\)'/);
  });
});

describe.runIf(kit)('gate simulator on the SKY130 cells', () => {
  const cells = parseCellLibrary(readFileSync(kit!.liberty, 'utf8'));

  it('agrees with the Boolean reference on every input of every combinational cell', () => {
    let checked = 0;
    for (const cell of cells.values()) {
      if (cell.storage || cell.unsupported || cell.outputs.size === 0) continue;
      const netlist = compileNetlist(oneCell(cell), 'top', cells);
      const combos = 2 ** cell.inputs.length;
      const sim = new GateSim(netlist, Math.max(1, Math.ceil(combos / 32)));
      cell.inputs.forEach((p, i) => sim.setInput(p, (lane) => (lane >> i) & 1));
      sim.evaluate();
      for (const [p, fn] of cell.outputs) {
        const expr = parseBooleanExpr(fn);
        for (let lane = 0; lane < combos; lane++) {
          const want = evalExpr(expr, (name) => ((lane >> cell.inputs.indexOf(name)) & 1) === 1);
          if (Number(sim.readOutput(p, lane, false)) !== (want ? 1 : 0)) throw new Error(`${cell.name}.${p} wrong for input ${lane}`);
        }
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('flops load on the clock, and an active-low clear wins', () => {
    const dfrtp = cells.get('sky130_fd_sc_hd__dfrtp_1')!;
    const sim = new GateSim(compileNetlist(oneCell(dfrtp), 'top', cells), 1);
    sim.setInput('RESET_B', () => 1);
    sim.setInput('D', (lane) => lane & 1);
    sim.evaluate();
    expect(sim.readOutput('Q', 1, false)).toBe(0n);
    sim.clock();
    expect(sim.readOutput('Q', 1, false)).toBe(1n);
    expect(sim.readOutput('Q', 2, false)).toBe(0n);
    sim.setInput('RESET_B', () => 0);
    sim.evaluate();
    sim.clock();
    expect(sim.readOutput('Q', 1, false)).toBe(0n);
  });

  it('rejects a combinational loop and unknown cells', () => {
    const loop: YosysNetlistJson = {
      modules: { top: { ports: { y: { direction: 'output', bits: [2] } }, cells: { a: { type: 'sky130_fd_sc_hd__inv_1', connections: { A: [2], Y: [3] } }, b: { type: 'sky130_fd_sc_hd__inv_1', connections: { A: [3], Y: [2] } } } } },
    };
    expect(() => compileNetlist(loop, 'top', cells)).toThrow(/combinational loop/);
    const unknown: YosysNetlistJson = { modules: { top: { ports: {}, cells: { a: { type: 'nope', connections: {} } } } } };
    expect(() => compileNetlist(unknown, 'top', cells)).toThrow(/type nope is not in the Liberty library/);
  });
});
