/**
 * An Icarus Verilog testbench for a stream tile (pure): reads input vectors (hex, one per line), offers
 * each when in_ready is high, and writes every y seen with out_valid to outputs.hex.
 */
export function tileTestbench(o: { top: string; cols: number; rows: number; inputBits: number; outputBits: number; vectors: number; drainCycles: number }): string {
  const X = o.cols * o.inputBits;
  const Y = o.rows * o.outputBits;
  return `\`timescale 1ns/1ps
module tb;
  reg clk = 1'b0;
  reg rst = 1'b1;
  reg in_valid = 1'b0;
  reg [${X - 1}:0] x = ${X}'d0;
  wire in_ready;
  wire out_valid;
  wire [${Y - 1}:0] y;
  reg [${X - 1}:0] mem [0:${o.vectors - 1}];
  integer i;
  integer f;
  ${o.top} dut (.clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .x(x), .out_valid(out_valid), .y(y));
  always #5 clk = ~clk;
  always @(posedge clk) if (out_valid) $fwrite(f, "%h\\n", y);
  initial begin
    $readmemh("vectors.hex", mem);
    f = $fopen("outputs.hex", "w");
    repeat (2) @(negedge clk);
    rst = 1'b0;
    for (i = 0; i < ${o.vectors}; i = i + 1) begin
      while (!in_ready) @(negedge clk);
      x = mem[i];
      in_valid = 1'b1;
      @(negedge clk);
      in_valid = 1'b0;
    end
    repeat (${o.drainCycles}) @(negedge clk);
    $fclose(f);
    $finish;
  end
endmodule
`;
}

/** Hex lines for input vectors (element i at bits [i*A +: A], two's complement). */
export function vectorsHex(vectors: ReadonlyArray<ArrayLike<number>>, inputBits: number): string {
  const digits = Math.ceil((vectors[0]?.length ?? 0) * inputBits / 4);
  return vectors
    .map((v) => {
      let word = 0n;
      for (let i = 0; i < v.length; i++) word |= (BigInt(v[i]) & ((1n << BigInt(inputBits)) - 1n)) << BigInt(i * inputBits);
      return word.toString(16).padStart(digits, '0');
    })
    .join('\n') + '\n';
}

/** Parse outputs.hex into signed row values. Lines with x or z bits become null. */
export function parseOutputsHex(text: string, rows: number, outputBits: number): Array<bigint[] | null> {
  return text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      if (/[xXzZ]/.test(line)) return null;
      const bus = BigInt('0x' + line.trim());
      return Array.from({ length: rows }, (_, r) => {
        let v = (bus >> BigInt(r * outputBits)) & ((1n << BigInt(outputBits)) - 1n);
        if (v >> BigInt(outputBits - 1)) v -= 1n << BigInt(outputBits);
        return v;
      });
    });
}
