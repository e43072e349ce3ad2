/**
 * Block kinds as tiles use them (pure): the kind's function in unsigned offset form, so every bit a block
 * hands to a row's adder tree has a positive weight. A negative coefficient c contributes |c|·(~v) instead
 * of c·v; the difference (the offset) is a per-kind constant the row subtracts.
 * - da: one bit per input, y = Σ_{c>0} c·b + Σ_{c<0} |c|·(1 − b), a hardwired 2^k-entry function.
 * - parallel: A-bit offset-binary inputs, y = Σ_{c>0} c·u + Σ_{c<0} |c|·(2^A − 1 − u), shift and add.
 */
import { kindModuleName, type BlockKind, type KindSpec } from '@hardwire/blocks';

export interface OffsetBlock {
  readonly module: string;
  readonly verilog: string;
  readonly outputBits: number;
  /** Block value = output − offset (da: per cycle; parallel: per vector). */
  readonly offset: number;
}

function unsignedBits(max: number): number {
  return Math.max(1, Math.ceil(Math.log2(max + 1)));
}

export function daOffsetBlock(spec: KindSpec, kind: BlockKind): OffsetBlock {
  const k = kind.coefficients.length;
  const negative = kind.coefficients.filter((c) => c < 0).reduce((s, c) => s - c, 0);
  const span = kind.coefficients.reduce((s, c) => s + Math.abs(c), 0);
  const W = unsignedBits(span);
  const module = `${kindModuleName(spec, 'da', kind.rank)}_u`;
  const lines = [`// kind ${kind.rank} (${kind.coefficients.join(' ')}), unsigned: output - ${negative}`, `module ${module} (input wire [${k - 1}:0] b, output reg [${W - 1}:0] y);`, '  always @* begin', '    case (b)'];
  for (let address = 0; address < 2 ** k; address++) {
    let sum = negative;
    for (let i = 0; i < k; i++) if ((address >> i) & 1) sum += kind.coefficients[i];
    lines.push(`      ${k}'d${address}: y = ${W}'d${sum};`);
  }
  lines.push(`      default: y = ${W}'d0;`, '    endcase', '  end', 'endmodule', '');
  return { module, verilog: lines.join('\n'), outputBits: W, offset: negative };
}

export function parallelOffsetBlock(spec: KindSpec, kind: BlockKind, inputBits: number): OffsetBlock {
  const A = inputBits;
  const full = 2 ** A - 1;
  const negative = kind.coefficients.filter((c) => c < 0).reduce((s, c) => s - c, 0) * full;
  const span = kind.coefficients.reduce((s, c) => s + Math.abs(c), 0) * full;
  const W = unsignedBits(span);
  const module = `${kindModuleName(spec, 'parallel', kind.rank)}_u`;
  const ports = kind.coefficients.map((_, i) => `input wire [${A - 1}:0] x${i}`);
  const lines = [`// kind ${kind.rank} (${kind.coefficients.join(' ')}), offset-binary inputs, unsigned: output - ${negative}`, `module ${module} (${[...ports, `output wire [${W - 1}:0] y`].join(', ')});`];
  // Inputs of equal |c| are added first, then each magnitude is applied by shifts and adds of its binary digits.
  const byMagnitude = new Map<number, string[]>();
  kind.coefficients.forEach((c, i) => {
    if (c === 0) return;
    const m = Math.abs(c);
    if (!byMagnitude.has(m)) byMagnitude.set(m, []);
    const v = c > 0 ? `x${i}` : `~x${i}`;
    byMagnitude.get(m)!.push(W > A ? `{${W - A}'d0, ${v}}` : v);
  });
  const terms: string[] = [];
  for (const [m, operands] of [...byMagnitude.entries()].sort((a, b) => a[0] - b[0])) {
    lines.push(`  wire [${W - 1}:0] s${m} = ${operands.join(' + ')};`);
    for (let shift = 0; 2 ** shift <= m; shift++) if ((m >> shift) & 1) terms.push(shift === 0 ? `s${m}` : `(s${m} << ${shift})`);
  }
  lines.push(`  assign y = ${terms.length ? terms.join(' + ') : `${W}'d0`};`, 'endmodule', '');
  return { module, verilog: lines.join('\n'), outputBits: W, offset: negative };
}
