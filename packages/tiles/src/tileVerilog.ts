/**
 * Tile RTL (pure). Both architectures share one stream interface: clk, rst (synchronous, active high),
 * in_valid, in_ready, x (COLS x A bits, element i at [i*A +: A]), out_valid, y (ROWS x W bits, element j
 * at [j*W +: W]); for every accepted x the tile presents y = W x once, in order.
 * - parallel: blocks take whole A-bit inputs; one result per cycle (registered), in_ready always high.
 * - da: the accepted x is held in a shift register; each cycle the fabric feeds the blocks one bit-plane,
 *   most significant first, and each row accumulator does acc = 2 acc + p (the sign plane starts it as
 *   -p), so y is ready A cycles after acceptance.
 * Blocks get their inputs through fixed permutation networks (Waksman, wires only).
 */
import { blockVerilog, daOutputBits, kindModuleName, parallelOutputBits, type BlockArch, type KindSpec } from '@hardwire/blocks';
import { buildNetwork, fixedNetworkVerilog, routePermutation } from '@hardwire/permute';
import type { TilePlan } from './planTile.ts';

export interface TileRtlOptions {
  readonly top: string;
  readonly arch: BlockArch;
  readonly spec: KindSpec;
  readonly inputBits: number;
  readonly outputBits: number;
}

function fabricName(k: number, width: number, portColumn: readonly number[]): string {
  return `hw_fabric_k${k}_w${width}_p${portColumn.join('')}`;
}

/** The tile's Verilog: fabric and block modules it uses, then the top. */
export function tileVerilog(plan: TilePlan, o: TileRtlOptions): string {
  const { k, rows, cols } = plan;
  const A = o.inputBits;
  const W = o.outputBits;
  const dataWidth = o.arch === 'parallel' ? A : 1;
  const modules = new Map<string, string>();
  for (const inst of plan.instances) {
    const fabric = fabricName(k, dataWidth, inst.portColumn);
    if (!modules.has(fabric)) {
      // Fabric input j is column j of the group; output i feeds block port i, so input portColumn[i] goes to output i.
      const perm = new Array<number>(k);
      inst.portColumn.forEach((column, port) => (perm[column] = port));
      const network = buildNetwork(k, 'waksman');
      modules.set(fabric, fixedNetworkVerilog(network, routePermutation(network, perm), fabric, dataWidth));
    }
    const block = kindModuleName(o.spec, o.arch, inst.kindRank);
    if (!modules.has(block)) modules.set(block, blockVerilog(o.spec, o.arch, { rank: inst.kindRank, coefficients: inst.kindCoefficients }, A));
  }
  const blockBits = o.arch === 'parallel' ? parallelOutputBits(o.spec, A) : daOutputBits(o.spec);
  const lines: string[] = [
    `// tile ${o.top}: ${rows} x ${cols}, ${o.arch}, ${plan.instances.length} block instances (${plan.blocks} blocks, ${plan.zeroBlocks} all-zero)`,
    `module ${o.top} (input wire clk, input wire rst, input wire in_valid, output wire in_ready, input wire [${cols * A - 1}:0] x, output reg out_valid, output reg [${rows * W - 1}:0] y);`,
  ];
  if (o.arch === 'da') {
    const jBits = Math.max(1, Math.ceil(Math.log2(A)));
    lines.push(`  reg [${cols * A - 1}:0] xr;`, '  reg busy;', `  reg [${jBits - 1}:0] j;`, '  assign in_ready = ~busy;', `  wire [${cols - 1}:0] plane;`);
    for (let c = 0; c < cols; c++) lines.push(`  assign plane[${c}] = xr[${c * A + A - 1}];`);
  } else lines.push("  assign in_ready = 1'b1;");
  for (const inst of plan.instances) {
    const fabric = fabricName(k, dataWidth, inst.portColumn);
    const source = o.arch === 'parallel' ? `x[${(inst.group * k + k) * A - 1}:${inst.group * k * A}]` : `plane[${inst.group * k + k - 1}:${inst.group * k}]`;
    lines.push(`  wire [${k * dataWidth - 1}:0] f${inst.id};`, `  ${fabric} u_f${inst.id} (.x(${source}), .y(f${inst.id}));`, `  wire signed [${blockBits - 1}:0] b${inst.id};`);
    const block = kindModuleName(o.spec, o.arch, inst.kindRank);
    if (o.arch === 'parallel') {
      const ports = Array.from({ length: k }, (_, i) => `.x${i}(f${inst.id}[${i * A + A - 1}:${i * A}])`);
      lines.push(`  ${block} u_b${inst.id} (${ports.join(', ')}, .y(b${inst.id}));`);
    } else lines.push(`  ${block} u_b${inst.id} (.b(f${inst.id}), .y(b${inst.id}));`);
  }
  for (let r = 0; r < rows; r++) {
    const terms = plan.rowInstances[r].map((id) => `b${id}`);
    lines.push(`  wire signed [${W - 1}:0] s${r} = ${terms.length > 0 ? terms.join(' + ') : `${W}'sd0`};`);
  }
  if (o.arch === 'parallel') {
    lines.push('  always @(posedge clk) begin', "    if (rst) begin out_valid <= 1'b0; y <= 0; end", '    else begin', '      out_valid <= in_valid;', '      if (in_valid) begin');
    for (let r = 0; r < rows; r++) lines.push(`        y[${r * W + W - 1}:${r * W}] <= s${r};`);
    lines.push('      end', '    end', '  end');
  } else {
    for (let r = 0; r < rows; r++) lines.push(`  reg signed [${W - 1}:0] a${r};`, `  wire signed [${W - 1}:0] n${r} = (j == 0) ? -s${r} : (a${r} <<< 1) + s${r};`);
    lines.push(
      '  always @(posedge clk) begin',
      "    if (rst) begin busy <= 1'b0; out_valid <= 1'b0; j <= 0; end",
      '    else begin',
      "      out_valid <= 1'b0;",
      "      if (!busy) begin if (in_valid) begin xr <= x; busy <= 1'b1; j <= 0; end end",
      '      else begin',
      '        xr <= xr << 1;',
      '        j <= j + 1;',
    );
    for (let r = 0; r < rows; r++) lines.push(`        a${r} <= n${r};`);
    lines.push(`        if (j == ${A - 1}) begin`, "          busy <= 1'b0;", "          out_valid <= 1'b1;");
    for (let r = 0; r < rows; r++) lines.push(`          y[${r * W + W - 1}:${r * W}] <= n${r};`);
    lines.push('        end', '      end', '    end', '  end');
  }
  lines.push('endmodule', '');
  return [...modules.values(), lines.join('\n')].join('\n');
}
