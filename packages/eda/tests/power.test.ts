import { describe, expect, it } from 'vitest';
import { clockTreeBits, netlistPower, parseLiberty, parseSaifNets, powerLibrary, saifText } from '../src/index.ts';

/** A two-cell library written for the test: every number below is worked out by hand from it. */
const LIB = `library (toy) {
  nom_voltage : 2.0;
  default_operating_conditions : "typ";
  operating_conditions ("typ") { voltage : 2.0; }
  default_wire_load : "w";
  wire_load("w") {
    capacitance : 0.001;
    slope : 10;
    fanout_length( 1, 5);
    fanout_length( 2, 8);
  }
  cell ("buf") {
    cell_leakage_power : 3.0;
    pin ("A") {
      direction : input;
      capacitance : 0.01;
      internal_power () {
        rise_power ("p1") { index_1("0.01, 0.11"); values("0.002, 0.004"); }
        fall_power ("p1") { index_1("0.01, 0.11"); values("0.004, 0.006"); }
      }
    }
    pin ("X") {
      direction : output;
      function : "A";
      internal_power () {
        related_pin : "A";
        rise_power ("p2") { index_1("0.01, 0.11"); index_2("0.0, 0.1"); values("0.01, 0.03", "0.02, 0.04"); }
        fall_power ("p2") { index_1("0.01, 0.11"); index_2("0.0, 0.1"); values("0.01, 0.01", "0.02, 0.02"); }
      }
    }
  }
  cell ("inv") {
    cell_leakage_power : 1.0;
    pin ("A") { direction : input; capacitance : 0.02; }
    pin ("Y") { direction : output; function : "!A"; }
  }
}`;

describe('power from the Liberty tables', () => {
  const lib = powerLibrary(parseLiberty(LIB), 0.06);

  it('reads voltage, wire load by fanout, pin capacitance and interpolated internal energies', () => {
    expect(lib.voltage).toBe(2);
    // fanout 1: 5 units of length x 0.001 pF; 2: 8; beyond the table: 8 + 10 per extra load.
    expect(lib.wireCapPf(1)).toBeCloseTo(0.005, 12);
    expect(lib.wireCapPf(2)).toBeCloseTo(0.008, 12);
    expect(lib.wireCapPf(4)).toBeCloseTo(0.028, 12);
    const buf = lib.cells.get('buf')!;
    // Input A at 0.06 ns (half-way): rise 0.003, fall 0.005, mean 0.004 pJ.
    expect(buf.pins.get('A')!.inputEnergyPj).toBeCloseTo(0.004, 12);
    // Output X at 0.06 ns and 0.05 pF: rise rows at that load (0.02, 0.03) -> 0.025; fall rows (0.01, 0.02) -> 0.015; mean 0.02.
    expect(buf.pins.get('X')!.outputEnergyPj!(0.05)).toBeCloseTo(0.02, 12);
    expect(buf.buffer).toEqual({ input: 'A', output: 'X' });
    expect(lib.cells.get('inv')!.buffer).toBeUndefined();
  });

  it('sums switching, internal and leakage energy of a netlist over its nets\' toggles, by hand', () => {
    // in(2) -> buf b1 -> n3 -> inv i1 and inv i2 (fanout 2) ; i1 -> 4, i2 -> 5 (no loads).
    const cells = {
      b1: { type: 'buf', connections: { A: [2], X: [3] } },
      i1: { type: 'inv', connections: { A: [3], Y: [4] } },
      i2: { type: 'inv', connections: { A: [3], Y: [5] } },
    };
    const toggles: Record<string, number> = { 2: 0.5, 3: 0.5, 4: 0.5, 5: 0.5 };
    const r = netlistPower(cells, lib, (b) => toggles[String(b)] ?? 0);
    // Net 2: 0.01 pF pin + 0.005 wire; net 3: 2 x 0.02 pF + 0.008 wire. Switching ½·C·V²·t = ½ x C x 4 x 0.5.
    const c2 = 0.01 + 0.005;
    const c3 = 0.04 + 0.008;
    expect(r.switchingPjPerCycle).toBeCloseTo(0.5 * (c2 + c3) * 4 * 0.5, 12);
    // Internal: buf A toggles 0.5 x 0.004; buf X toggles 0.5 x energy at load c3 (0.048 pF).
    // At 0.06 ns (half-way between the rows) and load c3: rise = mean of the rows at c3; fall rows are flat.
    const rise = 0.5 * ((0.01 + (0.03 - 0.01) * (c3 / 0.1)) + (0.02 + (0.04 - 0.02) * (c3 / 0.1)));
    const fall = 0.5 * ((0.01 + 0 * (c3 / 0.1)) + (0.02 + 0 * (c3 / 0.1)));
    expect(r.internalPjPerCycle).toBeCloseTo(0.5 * 0.004 + 0.5 * ((rise + fall) / 2), 12);
    expect(r.leakageNw).toBe(3 + 1 + 1);
    expect(() => netlistPower({ x: { type: 'nand9', connections: {} } }, lib, () => 0)).toThrow(/nand9/);
  });

  it('follows the clock through buffers only', () => {
    const cells = { b1: { type: 'buf', connections: { A: [7], X: [8] } }, b2: { type: 'buf', connections: { A: [8], X: [9] } }, i1: { type: 'inv', connections: { A: [9], Y: [10] } } };
    expect([...clockTreeBits(cells, lib, [7])].sort()).toEqual([7, 8, 9]);
  });
});

describe('SAIF', () => {
  it('writes every net with T0, T1 and TC, escapes brackets and dots, and reads back the same', () => {
    const nets = [{ name: 'y[3]', t0: 900, t1: 100, tc: 4 }, { name: 'u_tree.s', t0: 0, t1: 1000, tc: 0 }];
    const text = saifText({ design: 'top', timescalePs: 1, duration: 1000, nets });
    expect(text).toContain('(DIRECTION "backward")');
    expect(text).toContain('(DURATION 1000)');
    expect(text).toContain('(y\\[3\\] (T0 900) (T1 100) (TC 4))');
    expect(text).toContain('(u_tree\\.s (T0 0) (T1 1000) (TC 0))');
    expect(parseSaifNets(text)).toEqual(nets);
  });
});
