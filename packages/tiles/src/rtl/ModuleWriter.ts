/**
 * A small structural Verilog writer (pure): fresh 1-bit wires, assigns, and the generic full and half
 * adders (`hw_fa`, `hw_ha`, behavioural here; synthesis maps them onto the kit's adder cells). Counts what
 * it emits so generators can report adders without synthesis.
 */

/** The generic adder cells every generated tile uses (behavioural, so any simulator runs the RTL). */
export const GENERIC_CELLS_VERILOG = `// generic adder cells: synthesis maps these onto the kit's full and half adders
module hw_fa (input wire a, input wire b, input wire ci, output wire s, output wire co);
  assign s = a ^ b ^ ci;
  assign co = (a & b) | (ci & (a ^ b));
endmodule
module hw_ha (input wire a, input wire b, output wire s, output wire co);
  assign s = a ^ b;
  assign co = a & b;
endmodule
`;

export const CONST0 = "1'b0";
export const CONST1 = "1'b1";

export class ModuleWriter {
  private readonly wires: string[] = [];
  private readonly body: string[] = [];
  private next = 0;
  fullAdders = 0;
  halfAdders = 0;
  /** Full adders with one constant-1 input, written as gates (XNOR and OR). */
  constantAdders = 0;

  constructor(
    readonly name: string,
    private readonly ports: readonly string[],
    private readonly comment = '',
  ) {}

  /** A fresh 1-bit wire. */
  wire(prefix = 'n'): string {
    const w = `${prefix}${this.next++}`;
    this.wires.push(w);
    return w;
  }

  line(text: string): void {
    this.body.push(`  ${text}`);
  }

  assign(lhs: string, rhs: string): void {
    this.body.push(`  assign ${lhs} = ${rhs};`);
  }

  /** a + b + c -> (sum, carry). */
  fullAdder(a: string, b: string, c: string): { s: string; co: string } {
    const s = this.wire();
    const co = this.wire();
    this.body.push(`  hw_fa fa${this.fullAdders++} (.a(${a}), .b(${b}), .ci(${c}), .s(${s}), .co(${co}));`);
    return { s, co };
  }

  /** a + b -> (sum, carry). */
  halfAdder(a: string, b: string): { s: string; co: string } {
    const s = this.wire();
    const co = this.wire();
    this.body.push(`  hw_ha ha${this.halfAdders++} (.a(${a}), .b(${b}), .s(${s}), .co(${co}));`);
    return { s, co };
  }

  /** a + b + 1 -> (sum, carry) = (XNOR, OR). */
  plusOne(a: string, b: string): { s: string; co: string } {
    const s = this.wire();
    const co = this.wire();
    this.constantAdders++;
    this.body.push(`  assign ${s} = ~(${a} ^ ${b});`, `  assign ${co} = ${a} | ${b};`);
    return { s, co };
  }

  text(): string {
    const decl: string[] = [];
    for (let i = 0; i < this.wires.length; i += 32) decl.push(`  wire ${this.wires.slice(i, i + 32).join(', ')};`);
    return [this.comment ? `// ${this.comment}` : '', `module ${this.name} (${this.ports.join(', ')});`, ...decl, ...this.body, 'endmodule', ''].filter((l, i) => i > 0 || l !== '').join('\n');
  }
}
