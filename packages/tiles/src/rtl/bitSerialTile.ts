/**
 * RTL of a bit-serial tile (pure), shared by `da`, `bitserial` and `bitserial-shared`.
 *
 * - One input register per tile (`u_inreg`): the accepted x is held as offset-binary columns and shifted
 *   out least significant bit first (zeros after the A bits); column c's stream is u[c].
 * - Selection (`u_select`): the inverted column streams nu[c] = ~u[c] while the stream lasts, 0 after.
 * - Sharing (`u_share`, bitserial-shared only): each shared stream is a serial adder (full adder and carry
 *   flop) of two earlier streams; its inverted form where a row subtracts it.
 * - Blocks (`u_blk*`, da only): each block instance's function of its k input bits (the kind, in unsigned
 *   offset form), fed through its fixed permutation (`u_fab*`, wires only).
 * - Per row, the row sum (`u_tree<r>`): a carry-save tree over the row's bits, the accumulator fed back and
 *   the row's per-cycle constant, then one carry-propagate adder: T = H + p (mod 2^treeBits).
 * - Per row, the accumulator (`u_acc<r>`): H <= T >> 1 and the bit shifted out into L; after the last cycle
 *   {H, L} is y (the accumulator is the output register). H enters the next cycle's tree (zero on the first).
 * - Control (top): busy, the cycle counter, in_ready = ~busy | last, out_valid one cycle after the last.
 * The instance names are the categories "where the transistors go" is counted by.
 */
import { lowerRow, rowWidths, type OffsetTerm, type Stream, type Term } from '../arch/streams.ts';
import { emitSum, type TreeBit } from './adderTree.ts';
import { GENERIC_CELLS_VERILOG, ModuleWriter } from './ModuleWriter.ts';

/** A block instance of a da tile: which group of k columns it reads, through which fabric, into which kind module. */
export interface BitSerialBlock {
  readonly id: number;
  readonly group: number;
  readonly fabric: string;
  readonly module: string;
  readonly outputBits: number;
  /** Per column of the group: read inverted (sign-folded kinds, negative coefficient). */
  readonly negated?: readonly boolean[];
}

export interface BitSerialTileSpec {
  readonly top: string;
  readonly rows: number;
  readonly cols: number;
  readonly inputBits: number;
  readonly outputBits: number;
  readonly streams: readonly Stream[];
  readonly rowTerms: readonly (readonly Term[])[];
  /** Per row, constants beyond the terms' own (the da blocks' offsets). */
  readonly rowExtra?: readonly (readonly OffsetTerm[])[];
  /** Σ_c W_rc per row (the input offset correction, −2^(A−1) times this). */
  readonly rowSums: readonly number[];
  /** Block size and blocks (da only); their modules' Verilog. */
  readonly k?: number;
  readonly blocks?: readonly BitSerialBlock[];
  readonly blockModules?: ReadonlyMap<string, string>;
}

/** What a generated tile circuit holds (bit-serial and parallel alike): the structure the cost model reads. */
export interface TileCircuitStats {
  readonly cyclesPerVector: number;
  /** Bits entering the row adder trees per cycle, all rows. */
  readonly rowBits: number;
  readonly treeFullAdders: number;
  readonly treeConstantAdders: number;
  readonly cpaFullAdders: number;
  readonly cpaHalfAdders: number;
  readonly serialAdders: number;
  readonly treeLevelsMax: number;
  readonly accumulatorBits: number;
  readonly inputRegisterBits: number;
}

/** Signal of a stream (inverted or not). */
function streamSignal(s: Stream, inverted: boolean, cols: number): string {
  switch (s.source.kind) {
    case 'column':
      return `${inverted ? 'nu' : 'u'}[${s.source.col}]`;
    case 'sum':
      return `${inverted ? 'ns' : 's'}[${s.id - cols}]`;
    case 'block':
      if (inverted) throw new Error('block outputs are never inverted');
      return `bo${s.source.instance}[${s.source.bit}]`;
  }
}

/** A da block's fabric input: its group's column streams, the negated ones inverted (highest column first). */
function blockInputs(b: BitSerialBlock, k: number): string {
  if (!b.negated?.some(Boolean)) return `u[${b.group * k + k - 1}:${b.group * k}]`;
  return `{${Array.from({ length: k }, (_, i) => k - 1 - i).map((j) => `${b.negated![j] ? 'nu' : 'u'}[${b.group * k + j}]`).join(', ')}}`;
}

export function bitSerialTileVerilog(spec: BitSerialTileSpec): { verilog: string; stats: TileCircuitStats } {
  const { top, rows, cols, streams } = spec;
  const A = spec.inputBits;
  const W = spec.outputBits;
  const M = Math.max(A, ...streams.map((s) => s.width));
  const jBits = Math.max(1, Math.ceil(Math.log2(M)));
  const modules: string[] = [GENERIC_CELLS_VERILOG];
  const sums = streams.filter((s) => s.source.kind === 'sum');
  // Which streams are used inverted (rows, or as the subtracted operand of a sum).
  const invertedUse = new Set<number>();
  for (const terms of spec.rowTerms) for (const t of terms) if (t.sign < 0) invertedUse.add(t.stream);
  for (const s of sums) if (s.source.kind === 'sum' && s.source.bInverted) invertedUse.add(s.source.b);
  // Sign-folded blocks read the columns of their negative coefficients inverted (column j's stream is stream j).
  for (const b of spec.blocks ?? []) b.negated?.forEach((n, j) => n && invertedUse.add(b.group * spec.k! + j));
  const deadWidths = new Set<number>([A, ...[...invertedUse].map((id) => streams[id].width)]);
  const dead = (n: number) => `dead${n}`;

  // Input register.
  modules.push(
    [
      `// input register: ${cols} columns x ${A} bits, loaded as offset binary and shifted out LSB first`,
      `module ${top}_inreg (input wire clk, input wire rst_n, input wire load, input wire [${cols * A - 1}:0] x, output wire [${cols - 1}:0] u);`,
      `  reg [${cols * A - 1}:0] xr;`,
      '  integer c;',
      // Cleared by the tile's reset (the flops have the reset pin anyway), so every stream is 0 until the first vector.
      '  always @(posedge clk or negedge rst_n)',
      `    if (!rst_n) xr <= ${cols * A}'d0;`,
      `    else for (c = 0; c < ${cols}; c = c + 1)`,
      `      if (load) xr[c*${A} +: ${A}] <= {~x[c*${A} + ${A - 1}], x[c*${A} +: ${A - 1}]};`,
      `      else xr[c*${A} +: ${A}] <= {1'b0, xr[c*${A} + 1 +: ${A - 1}]};`,
      '  genvar g;',
      `  generate for (g = 0; g < ${cols}; g = g + 1) begin : col assign u[g] = xr[g*${A}]; end endgenerate`,
      'endmodule',
      '',
    ].join('\n'),
  );

  // Selection: inverted column streams.
  const invertedCols = [...invertedUse].filter((id) => streams[id].source.kind === 'column').sort((a, b) => a - b);
  {
    const lines = [`// selection: inverted column streams (${invertedCols.length} of ${cols} columns are subtracted somewhere)`, `module ${top}_select (input wire [${cols - 1}:0] u, input wire dead, output wire [${cols - 1}:0] nu);`];
    const inv = new Set(invertedCols);
    for (let c = 0; c < cols; c++) lines.push(inv.has(c) ? `  assign nu[${c}] = ~(u[${c}] | dead);` : `  assign nu[${c}] = 1'b0;`);
    lines.push('endmodule', '');
    modules.push(lines.join('\n'));
  }

  // Shared streams.
  let serialAdders = 0;
  if (sums.length > 0) {
    const widths = [...deadWidths].filter((n) => n > A).sort((a, b) => a - b);
    const ports = ['input wire clk', 'input wire rst_n', `input wire [${cols - 1}:0] u`, `input wire [${cols - 1}:0] nu`, ...widths.map((n) => `input wire ${dead(n)}`), `output wire [${sums.length - 1}:0] s`, `output wire [${sums.length - 1}:0] ns`];
    const m = new ModuleWriter(`${top}_share`, ports, `sharing: ${sums.length} serial adders, each a sub-expression common to several rows`);
    for (const s of sums) {
      if (s.source.kind !== 'sum') continue;
      const k = s.id - cols;
      const a = streamSignal(streams[s.source.a], false, cols);
      const b = streamSignal(streams[s.source.b], s.source.bInverted, cols);
      const carry = m.wire('c');
      const r = m.fullAdder(a, b, carry);
      m.line(`reg q${k};`);
      // No clear between vectors: a sum of two streams fits its width, so the carry out of its top bit is 0, and the inputs stay 0 after.
      m.line(`always @(posedge clk or negedge rst_n) if (!rst_n) q${k} <= 1'b0; else q${k} <= ${r.co};`);
      m.assign(carry, `q${k}`);
      m.assign(`s[${k}]`, r.s);
      m.assign(`ns[${k}]`, invertedUse.has(s.id) ? `~(s[${k}] | ${dead(s.width)})` : "1'b0");
      serialAdders++;
    }
    modules.push(m.text());
  }

  // Blocks (da).
  if (spec.blocks) for (const text of spec.blockModules!.values()) modules.push(text);

  // Rows.
  const stats = { rowBits: 0, treeFullAdders: 0, treeConstantAdders: 0, cpaFullAdders: 0, cpaHalfAdders: 0, treeLevelsMax: 0, accumulatorBits: 0 };
  const rowInstances: string[] = [];
  for (let r = 0; r < rows; r++) {
    const lowered = lowerRow(spec.rowTerms[r], streams, M, spec.rowExtra?.[r] ?? [], A - 1, -spec.rowSums[r]);
    const { treeBits, accBits } = rowWidths(lowered, streams);
    const h = accBits;
    const modulus = 2 ** treeBits;
    // Per-cycle constant (with the −2^(h−1) of H's inverted sign bit) split into bits: always-on bits are a constant, the rest decoded from the cycle.
    const perCycle = lowered.constants.map((k) => (((k - 2 ** (h - 1)) % modulus) + modulus) % modulus);
    let constant = 0n;
    const m = new ModuleWriter(`${top}_tree${r}`, [`input wire [${lowered.bits.length - 1 < 0 ? 0 : lowered.bits.length - 1}:0] b`, `input wire [${h - 1}:0] g`, `input wire [${M - 1}:0] cyc`, `output wire [${treeBits - 1}:0] t`], `row ${r} sum: ${lowered.bits.length} bits, accumulator and constant into ${treeBits} bits`);
    const bits: TreeBit[] = lowered.bits.map((b, i) => ({ signal: `b[${i}]`, weight: b.weight }));
    for (let i = 0; i < h; i++) bits.push({ signal: `g[${i}]`, weight: i });
    for (let i = 0; i < treeBits; i++) {
      const on = perCycle.map((k) => Math.floor(k / 2 ** i) % 2 === 1);
      const count = on.filter(Boolean).length;
      if (count === M) constant += 1n << BigInt(i);
      else if (count > 0) {
        const s = m.wire('k');
        const onCycles = on.flatMap((v, j) => (v ? [j] : []));
        const offCycles = on.flatMap((v, j) => (v ? [] : [j]));
        // While idle every cyc is 0: the complement form then reads 1, harmless (nothing is kept from idle cycles).
        m.assign(s, onCycles.length <= offCycles.length ? onCycles.map((j) => `cyc[${j}]`).join(' | ') : `~(${offCycles.map((j) => `cyc[${j}]`).join(' | ')})`);
        bits.push({ signal: s, weight: i });
      }
    }
    const { sum, stats: st } = emitSum(m, bits, constant, treeBits);
    sum.forEach((s, i) => m.assign(`t[${i}]`, s));
    modules.push(m.text());
    stats.rowBits += lowered.bits.length;
    stats.treeFullAdders += st.treeFullAdders;
    stats.treeConstantAdders += m.constantAdders;
    stats.cpaFullAdders += st.cpaFullAdders;
    stats.cpaHalfAdders += st.cpaHalfAdders;
    stats.treeLevelsMax = Math.max(stats.treeLevelsMax, st.treeLevels);
    stats.accumulatorBits += h + M;

    const full = h + M;
    const ySource = full >= W ? `{H, L}` : `{{${W - full}{H[${h - 1}]}}, H, L}`;
    modules.push(
      [
        `// row ${r} accumulator: H (${h} bits) and the ${M} bits shifted out (L) are y`,
        `module ${top}_acc${r} (input wire clk, input wire first, input wire [${treeBits - 1}:0] t, output wire [${h - 1}:0] g, output wire [${W - 1}:0] y);`,
        `  reg [${h - 1}:0] H;`,
        `  reg [${M - 1}:0] L;`,
        `  always @(posedge clk) begin H <= t[${treeBits - 1}:1]; L <= {t[0], L[${M - 1}:1]}; end`,
        h > 1 ? `  assign g = {~(H[${h - 1}] & ~first), H[${h - 2}:0] & {${h - 1}{~first}}};` : `  assign g = ~(H[0] & ~first);`,
        `  wire [${Math.max(full, W) - 1}:0] v = ${ySource};`,
        `  assign y = v[${W - 1}:0];`,
        'endmodule',
        '',
      ].join('\n'),
    );
    const rowBitsList = lowered.bits.map((b) => streamSignal(streams[b.stream], b.inverted, cols));
    rowInstances.push(
      `  wire [${treeBits - 1}:0] t${r};`,
      `  wire [${h - 1}:0] g${r};`,
      `  ${top}_tree${r} u_tree${r} (.b({${rowBitsList.length > 0 ? [...rowBitsList].reverse().join(', ') : "1'b0"}}), .g(g${r}), .cyc(cyc), .t(t${r}));`,
      `  ${top}_acc${r} u_acc${r} (.clk(clk), .first(first), .t(t${r}), .g(g${r}), .y(y[${r * W + W - 1}:${r * W}]));`,
    );
  }

  // Top: control, register, selection, sharing, blocks, rows.
  const lines = [
    `// tile ${top}: ${rows} x ${cols}, bit-serial, ${M} cycles per vector${sums.length ? `, ${sums.length} shared streams` : ''}${spec.blocks ? `, ${spec.blocks.length} block instances` : ''}`,
    `module ${top} (input wire clk, input wire rst, input wire in_valid, output wire in_ready, input wire [${cols * A - 1}:0] x, output reg out_valid, output wire [${rows * W - 1}:0] y);`,
    '  reg busy;',
    `  reg [${jBits - 1}:0] j;`,
    // Active-low inside, so the datapath flops take it on their own reset pin (no inverter per flop).
    '  wire rst_n = ~rst;',
    `  wire last = busy & (j == ${jBits}'d${M - 1});`,
    '  wire load = in_valid & (~busy | last);',
    '  assign in_ready = ~busy | last;',
    `  wire first = busy & (j == ${jBits}'d0);`,
    `  wire [${M - 1}:0] cyc;`,
    '  genvar q;',
    `  generate for (q = 0; q < ${M}; q = q + 1) begin : cycle assign cyc[q] = busy & (j == q); end endgenerate`,
    ...[...deadWidths].sort((a, b) => a - b).map((n) => `  wire ${dead(n)} = ~(busy & (j < ${jBits + 1}'d${n}));`),
    '  always @(posedge clk) begin',
    "    if (rst) begin busy <= 1'b0; j <= 0; out_valid <= 1'b0; end",
    '    else begin',
    '      out_valid <= last;',
    "      if (load) begin busy <= 1'b1; j <= 0; end",
    "      else if (last) busy <= 1'b0;",
    `      else if (busy) j <= j + ${jBits}'d1;`,
    '    end',
    '  end',
    `  wire [${cols - 1}:0] u;`,
    `  wire [${cols - 1}:0] nu;`,
    `  ${top}_inreg u_inreg (.clk(clk), .rst_n(rst_n), .load(load), .x(x), .u(u));`,
    `  ${top}_select u_select (.u(u), .dead(${dead(A)}), .nu(nu));`,
  ];
  if (sums.length > 0) {
    const widths = [...deadWidths].filter((n) => n > A).sort((a, b) => a - b);
    lines.push(`  wire [${sums.length - 1}:0] s;`, `  wire [${sums.length - 1}:0] ns;`, `  ${top}_share u_share (.clk(clk), .rst_n(rst_n), .u(u), .nu(nu), ${widths.map((n) => `.${dead(n)}(${dead(n)}), `).join('')}.s(s), .ns(ns));`);
  }
  if (spec.blocks) {
    const k = spec.k!;
    for (const b of spec.blocks) {
      lines.push(
        `  wire [${k - 1}:0] f${b.id};`,
        `  ${b.fabric} u_fab${b.id} (.x(${blockInputs(b, k)}), .y(f${b.id}));`,
        `  wire [${b.outputBits - 1}:0] bo${b.id};`,
        `  ${b.module} u_blk${b.id} (.b(f${b.id}), .y(bo${b.id}));`,
      );
    }
  }
  lines.push(...rowInstances, 'endmodule', '');
  modules.push(lines.join('\n'));
  return {
    verilog: modules.join('\n'),
    stats: { cyclesPerVector: M, ...stats, serialAdders, inputRegisterBits: cols * A },
  };
}
