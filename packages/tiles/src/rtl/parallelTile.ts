/**
 * RTL of a `parallel` tile (pure): one whole vector per cycle. The inputs go offset-binary (`u_select`:
 * each column's sign bit inverted), through each block instance's fixed permutation (`u_fab*`, wires) into
 * its kind (`u_blk*`, unsigned offset form); each row's block outputs and its constant go into one
 * carry-save tree and carry-propagate adder (`u_tree<r>`), registered as y (`u_acc<r>`: the output register
 * is the only register). in_ready is always high; out_valid follows in_valid by one cycle.
 */
import { emitSum, type TreeBit } from './adderTree.ts';
import { GENERIC_CELLS_VERILOG, ModuleWriter } from './ModuleWriter.ts';
import type { TileCircuitStats } from './bitSerialTile.ts';

export interface ParallelBlock {
  readonly id: number;
  readonly group: number;
  readonly fabric: string;
  readonly module: string;
  readonly outputBits: number;
  /** Per column of the group: read inverted (sign-folded kinds, negative coefficient). */
  readonly negated?: readonly boolean[];
}

export interface ParallelTileSpec {
  readonly top: string;
  readonly rows: number;
  readonly cols: number;
  readonly k: number;
  readonly inputBits: number;
  readonly outputBits: number;
  readonly blocks: readonly ParallelBlock[];
  readonly blockModules: ReadonlyMap<string, string>;
  /** rowInstances[r]: block ids row r adds. */
  readonly rowInstances: readonly (readonly number[])[];
  /** Per row, the constant added to the block outputs' sum (−offsets − 2^(A−1)·Σ_c W_rc). */
  readonly rowConstants: readonly number[];
}

export function parallelTileVerilog(spec: ParallelTileSpec): { verilog: string; stats: TileCircuitStats } {
  const { top, rows, cols, k } = spec;
  const A = spec.inputBits;
  const W = spec.outputBits;
  const modules: string[] = [GENERIC_CELLS_VERILOG];
  const select = [`// selection: offset-binary inputs (sign bit of each column inverted)`, `module ${top}_select (input wire [${cols * A - 1}:0] x, output wire [${cols * A - 1}:0] u);`];
  for (let c = 0; c < cols; c++) select.push(`  assign u[${c * A + A - 1}:${c * A}] = {~x[${c * A + A - 1}], x[${c * A + A - 2}:${c * A}]};`);
  select.push('endmodule', '');
  modules.push(select.join('\n'));
  for (const text of spec.blockModules.values()) modules.push(text);
  const outBits = new Map(spec.blocks.map((b) => [b.id, b.outputBits]));
  const stats = { rowBits: 0, treeFullAdders: 0, treeConstantAdders: 0, cpaFullAdders: 0, cpaHalfAdders: 0, treeLevelsMax: 0, accumulatorBits: 0 };
  const rowLines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const sources: string[] = [];
    const bits: TreeBit[] = [];
    for (const id of spec.rowInstances[r]) {
      for (let i = 0; i < outBits.get(id)!; i++) {
        bits.push({ signal: `b[${sources.length}]`, weight: i });
        sources.push(`bo${id}[${i}]`);
      }
    }
    const m = new ModuleWriter(`${top}_tree${r}`, [`input wire [${Math.max(1, sources.length) - 1}:0] b`, `output wire [${W - 1}:0] t`], `row ${r} sum: ${sources.length} block output bits and a constant into ${W} bits`);
    const { sum, stats: st } = emitSum(m, bits, BigInt(spec.rowConstants[r]), W);
    sum.forEach((s, i) => m.assign(`t[${i}]`, s));
    modules.push(m.text());
    modules.push([`// row ${r} output register`, `module ${top}_acc${r} (input wire clk, input wire [${W - 1}:0] t, output reg [${W - 1}:0] y);`, '  always @(posedge clk) y <= t;', 'endmodule', ''].join('\n'));
    stats.rowBits += sources.length;
    stats.treeFullAdders += st.treeFullAdders;
    stats.treeConstantAdders += m.constantAdders;
    stats.cpaFullAdders += st.cpaFullAdders;
    stats.cpaHalfAdders += st.cpaHalfAdders;
    stats.treeLevelsMax = Math.max(stats.treeLevelsMax, st.treeLevels);
    stats.accumulatorBits += W;
    rowLines.push(
      `  wire [${W - 1}:0] t${r};`,
      `  ${top}_tree${r} u_tree${r} (.b({${sources.length ? [...sources].reverse().join(', ') : "1'b0"}}), .t(t${r}));`,
      `  ${top}_acc${r} u_acc${r} (.clk(clk), .t(t${r}), .y(y[${r * W + W - 1}:${r * W}]));`,
    );
  }
  const lines = [
    `// tile ${top}: ${rows} x ${cols}, parallel (one vector per cycle), ${spec.blocks.length} block instances`,
    `module ${top} (input wire clk, input wire rst, input wire in_valid, output wire in_ready, input wire [${cols * A - 1}:0] x, output reg out_valid, output wire [${rows * W - 1}:0] y);`,
    "  assign in_ready = 1'b1;",
    "  always @(posedge clk) out_valid <= rst ? 1'b0 : in_valid;",
    `  wire [${cols * A - 1}:0] u;`,
    `  ${top}_select u_select (.x(x), .u(u));`,
  ];
  for (const b of spec.blocks) {
    // Sign-folded: the columns of negative coefficients enter inverted (2^A − 1 − u).
    const input = b.negated?.some(Boolean)
      ? `{${Array.from({ length: k }, (_, i) => k - 1 - i).map((j) => `${b.negated![j] ? '~' : ''}u[${(b.group * k + j) * A + A - 1}:${(b.group * k + j) * A}]`).join(', ')}}`
      : `u[${(b.group * k + k) * A - 1}:${b.group * k * A}]`;
    lines.push(`  wire [${k * A - 1}:0] f${b.id};`, `  ${b.fabric} u_fab${b.id} (.x(${input}), .y(f${b.id}));`, `  wire [${b.outputBits - 1}:0] bo${b.id};`);
    const ports = Array.from({ length: k }, (_, i) => `.x${i}(f${b.id}[${i * A + A - 1}:${i * A}])`);
    lines.push(`  ${b.module} u_blk${b.id} (${ports.join(', ')}, .y(bo${b.id}));`);
  }
  lines.push(...rowLines, 'endmodule', '');
  modules.push(lines.join('\n'));
  return { verilog: modules.join('\n'), stats: { cyclesPerVector: 1, ...stats, inputRegisterBits: 0, serialAdders: 0 } };
}
