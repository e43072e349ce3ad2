/**
 * Verilog for block kinds (pure).
 * - parallel: y = sum c_i x_i for k signed A-bit inputs, combinational. Inputs with equal |c| are summed
 *   first (sharing), each distinct magnitude is then multiplied by shift-and-add in canonical signed digits.
 * - da: distributed arithmetic, one bit of each input per cycle: y = sum c_i b_i, a hardwired 2^k-entry
 *   function; the row accumulator outside shifts and adds across bit-planes.
 */
import { csdDigits } from './csd.ts';
import { daOutputBits, kindModuleName, parallelOutputBits, type BlockArch, type BlockKind, type KindSpec } from './kinds.ts';

/** Coefficients of a kind in port order (the multiset's own order; tiles permute inputs to match). */
export function parallelBlockVerilog(spec: KindSpec, kind: BlockKind, inputBits: number): string {
  const W = parallelOutputBits(spec, inputBits);
  const name = kindModuleName(spec, 'parallel', kind.rank);
  const ports = kind.coefficients.map((_, i) => `input wire signed [${inputBits - 1}:0] x${i}`);
  const lines = [`// kind ${kind.rank}: coefficients ${kind.coefficients.join(' ')}`, `module ${name} (${[...ports, `output wire signed [${W - 1}:0] y`].join(', ')});`];
  const byMagnitude = new Map<number, Array<{ index: number; sign: 1 | -1 }>>();
  kind.coefficients.forEach((c, index) => {
    if (c === 0) return;
    const m = Math.abs(c);
    if (!byMagnitude.has(m)) byMagnitude.set(m, []);
    byMagnitude.get(m)!.push({ index, sign: c > 0 ? 1 : -1 });
  });
  const terms: string[] = [];
  for (const [m, inputs] of [...byMagnitude.entries()].sort((a, b) => a[0] - b[0])) {
    const sum = `s${m}`;
    const expr = inputs.map((t, j) => `${t.sign < 0 ? '- ' : j > 0 ? '+ ' : ''}x${t.index}`).join(' ');
    lines.push(`  wire signed [${W - 1}:0] ${sum} = ${expr};`);
    for (const d of csdDigits(m)) terms.push(`${d.sign < 0 ? '-' : '+'} ${d.shift === 0 ? sum : `(${sum} <<< ${d.shift})`}`);
  }
  const body = terms.length === 0 ? `${W}'sd0` : terms.join(' ').replace(/^\+ /, '');
  lines.push(`  assign y = ${body};`, 'endmodule', '');
  return lines.join('\n');
}

/** DA block: input bit vector b (bit i = bit of input i this cycle), output the subset sum. */
export function daBlockVerilog(spec: KindSpec, kind: BlockKind): string {
  const W = daOutputBits(spec);
  const k = kind.coefficients.length;
  const name = kindModuleName(spec, 'da', kind.rank);
  const lines = [
    `// kind ${kind.rank}: coefficients ${kind.coefficients.join(' ')}`,
    `module ${name} (input wire [${k - 1}:0] b, output reg signed [${W - 1}:0] y);`,
    '  always @* begin',
    '    case (b)',
  ];
  for (let address = 0; address < 2 ** k; address++) {
    let sum = 0;
    for (let i = 0; i < k; i++) if ((address >> i) & 1) sum += kind.coefficients[i];
    lines.push(`      ${k}'d${address}: y = ${sum < 0 ? '-' : ''}${W}'sd${Math.abs(sum)};`);
  }
  lines.push(`      default: y = ${W}'sd0;`, '    endcase', '  end', 'endmodule', '');
  return lines.join('\n');
}

/** Verilog of one kind in an architecture. */
export function blockVerilog(spec: KindSpec, arch: BlockArch, kind: BlockKind, inputBits: number): string {
  return arch === 'parallel' ? parallelBlockVerilog(spec, kind, inputBits) : daBlockVerilog(spec, kind);
}
