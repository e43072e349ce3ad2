import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { driverGroups, findKit, glitchFactors, kitAvailable, kitWithFunctionalFlops, parseCellLibrary, plainNames, sdfForIcarus, timedTestbench, vcdToggles } from '../src/index.ts';

/** A VCD by hand: clock period 10 ns, first rising edge at 5 ns; `a` settles once a period after one glitch, `q` changes at the edges. */
const VCD = `$timescale 1ps $end
$scope module dut $end
$var wire 1 ! a $end
$var wire 1 " q $end
$var wire 3 # v [2:0] $end
$upscope $end
$enddefinitions $end
#0
0!
0"
b000 #
#5000
1"
#7000
1!
#7500
0!
#8000
1!
#15000
0"
#16000
b101 #
#16500
b100 #
#25000
1"
#30000
`;

describe('glitch measurement (pure parts)', () => {
  it('counts every transition and the settled toggles per bit, leaving out the warm-up and the last partial period', () => {
    const { nets, cycles } = vcdToggles(VCD, { periodPs: 10_000, firstEdgePs: 5_000, warmupCycles: 0 });
    // Edges at 5, 15, 25 ns; counted periods end at 15 and 25 (the first edge only samples).
    expect(cycles).toBe(2);
    // a: 0 -> 1 -> 0 -> 1 within (5, 15): three transitions, one settled change.
    expect(nets.get('a')).toEqual({ total: 3, settled: 1 });
    // q changes at 5 (before the counted periods: the value sampled at 5 is the old one, so it counts in (5, 15]), at 15 and 25.
    expect(nets.get('q')).toEqual({ total: 2, settled: 2 });
    // v: bit 0 goes 0 -> 1 -> 0 (a glitch), bit 2 goes 0 -> 1 once; bit 1 never moves.
    expect(nets.get('v[0]')).toEqual({ total: 2, settled: 0 });
    expect(nets.get('v[2]')).toEqual({ total: 1, settled: 1 });
    expect(nets.get('v[1]')).toEqual({ total: 0, settled: 0 });
    const groups = new Map([['a', 'adder trees'], ['q', 'registers'], ['v[0]', 'other logic'], ['v[2]', 'other logic']] as const);
    const f = glitchFactors(nets, groups, cycles);
    expect(f.byGroup['adder trees'].factor).toBe(3);
    expect(f.byGroup.registers.factor).toBe(1);
    expect(f.byGroup['other logic']).toMatchObject({ total: 3, settled: 1, factor: 3 });
    expect(f.factor).toBe(Number((8 / 4).toFixed(4)));
  });

  it('renames escaped identifiers in the netlist, fills the SDF typical fields, annotates and dumps in the testbench', () => {
    const { text, names } = plainNames('  sky130_fd_sc_hd__fa_1 \\u_share.fa0  (.A(\\_023_[0] ), .B(x[1]));\n  wire \\_023_[0] ;\n');
    expect(text).toBe('  sky130_fd_sc_hd__fa_1 u_share_fa0  (.A(_023__0_ ), .B(x[1]));\n  wire _023__0_ ;\n');
    expect(names.get('u_share.fa0')).toBe('u_share_fa0');
    expect(sdfForIcarus('(INSTANCE u_share\\.fa0)\n (IOPATH A COUT (0.1::0.2) (0.3::0.4))', names)).toBe('(INSTANCE u_share_fa0)\n (IOPATH A COUT (0.2:0.2:0.2) (0.4:0.4:0.4))');
    const tb = timedTestbench('module tb;\n  always #5 clk = ~clk;\n  initial begin\n    x = 1;\n    for (i = 0; i < 300; i = i + 1) begin\n', 't.sdf', 50, 200);
    expect(tb).toContain('for (i = 0; i < 200; i = i + 1)');
    expect(tb).toContain('$sdf_annotate("t.sdf", dut);\n    $dumpfile("sim.vcd");\n    $dumpvars(1, dut);\n    x = 1;');
    expect(tb).toContain('always #25 clk = ~clk;');
  });

  it('forces the functional model of sequential cells only', () => {
    const kit = ['`ifdef FUNCTIONAL', 'module sky130_fd_sc_hd__dfrtp_1 (Q);', 'endmodule', '`else', 'endmodule', '`endif', '`ifdef FUNCTIONAL', 'module sky130_fd_sc_hd__nand2_1 (Y);', '`endif'].join('\n');
    const out = kitWithFunctionalFlops(kit, new Set(['sky130_fd_sc_hd__dfrtp_1'])).split('\n');
    expect(out[0]).toMatch(/^`ifndef HARDWIRE_TIMED_FLOP_MODELS/);
    expect(out[6]).toBe('`ifdef FUNCTIONAL');
  });

  it.runIf(kitAvailable())('groups nets by the cell driving them: the kit\'s flops are registers, u_tree and u_share cells the adders', () => {
    const cells = parseCellLibrary(readFileSync(findKit().liberty, 'utf8'));
    const netlist = [
      '  sky130_fd_sc_hd__dfrtp_1 _1_ (.CLK(clk), .D(n1), .Q(q0), .RESET_B(r));',
      '  sky130_fd_sc_hd__fa_1 u_tree3_fa2 (.A(a), .B(b), .CIN(c), .COUT(n1), .SUM(n2));',
      '  sky130_fd_sc_hd__ha_1 u_share_fa0 (.A(a), .B(b), .COUT(n3), .SUM(n4));',
      '  sky130_fd_sc_hd__buf_4 fanout_clk_1_0 (.A(clk), .X(clk1));',
      '  sky130_fd_sc_hd__nand2_1 _9_ (.A(a), .B(b), .Y(y[3]));',
    ].join('\n');
    expect(Object.fromEntries(driverGroups(netlist, cells))).toEqual({ q0: 'registers', n1: 'adder trees', n2: 'adder trees', n3: 'shared adders', n4: 'shared adders', clk1: 'clock tree', 'y[3]': 'other logic' });
  });
});
