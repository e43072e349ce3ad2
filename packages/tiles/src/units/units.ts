/**
 * The units on a token's path besides the weight tiles (pure): each a lane with fixed-width input and output
 * fields, a golden integer model, and generated RTL with the tiles' stream protocol (clk, rst, in_valid,
 * in_ready, x, out_valid, y; x and y pack the fields, first field in the low bits). A lane takes one input
 * vector per cycle; its result is registered (the accumulating units feed that register back as their
 * `acc` field, so the lane's accumulator is the output register itself).
 *
 * - `attn_dot`: the attention lane: 8 int8 x int8 products added into a 32-bit accumulator (q·k, and p·v).
 * - `softmax_exp`: the softmax lane: running maximum, weight 2^(−(m−s)·c) from a 256-entry table, running sum.
 * - `norm_sumsq`: the RMSNorm lane: 8 int16 squares into a 48-bit sum.
 * - `recip`: 1/v or 1/√v as a factor and shift (RMSNorm's scale, softmax's normalization), once per vector.
 * - `reducer`: the cross-tile reducer: up to 16 tile partial sums of a row added, requantized with the row's
 *   factor and shift, plus the residual, saturated to int8 or int16.
 * - `silu_mul`: SiLU(gate) from a table times up, requantized to int8.
 * - `rope`: one RoPE rotation of a pair in Q1.14 (also steps the angle from one position to the next).
 * - `argmax`: the running maximum of 4 logits per cycle and its index.
 */
import { mulberry32 } from '@hardwire/core';
import { EXP_TABLE, RECIP_TABLE, RSQRT_TABLE, SILU_TABLE, clamp, reciprocal, requantize, rotate, softmaxWeight, wrap } from './tables.ts';

export interface UnitField {
  readonly name: string;
  readonly bits: number;
  readonly signed: boolean;
  /** Array fields: this many elements (named name_0, name_1, ...). */
  readonly count?: number;
}

export type UnitValues = Record<string, bigint[]>;

export interface UnitSpec {
  readonly id: string;
  readonly summary: string;
  readonly inputs: readonly UnitField[];
  readonly outputs: readonly UnitField[];
  /** Work one lane does per cycle, and its unit (`mac` multiply-accumulates, `op` elementwise operations). */
  readonly ratePerCycle: number;
  readonly workUnit: 'mac' | 'op';
  /** The lane's result for one input vector. */
  golden(x: UnitValues): UnitValues;
  /**
   * Verilog statements computing wire `r_<field>_<i>` for every output element from the input wires
   * `<field>_<i>`; several strings are pipeline stages, each ending in the registers `pipeline` names.
   */
  body(): string | readonly string[];
  /** Registers after each stage but the last: [wire, bits, signed]; stage k + 1 reads wire `w` as `w_q`. */
  readonly pipeline?: ReadonlyArray<ReadonlyArray<readonly [string, number, boolean]>>;
}

export const DOT_WIDTH = 8;
export const SUMSQ_WIDTH = 8;
export const REDUCER_INPUTS = 16;
export const ARGMAX_WIDTH = 4;
/** Bits of a tile's row partial sum the reducer takes. */
export const PARTIAL_SUM_BITS = 24;

const f = (name: string, bits: number, signed: boolean, count?: number): UnitField => ({ name, bits, signed, ...(count ? { count } : {}) });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A 256-entry table as a Verilog function with a case statement. */
function tableFunction(name: string, table: readonly number[], outBits: number, signed: boolean): string {
  const lit = (v: number) => (v < 0 ? `-${outBits}'sd${-v}` : `${outBits}'${signed ? 's' : ''}d${v}`);
  const lines = table.map((v, i) => `      8'd${i}: ${name} = ${lit(v)};`);
  return [`  function ${signed ? 'signed ' : ''}[${outBits - 1}:0] ${name};`, '    input [7:0] i;', '    case (i)', ...lines, `      default: ${name} = ${outBits}'d0;`, '    endcase', '  endfunction'].join('\n');
}

/** Verilog: sat(t) to `bits` signed, t a signed wire of `tBits`. */
function saturate(t: string, tBits: number, bits: number): string {
  const hi = 2n ** BigInt(bits - 1) - 1n;
  return `((${t} > $signed(${tBits}'sd${hi})) ? ${bits}'sd${hi} : (${t} < -$signed(${tBits}'sd${hi + 1n})) ? -${bits}'sd${hi + 1n} : ${t}[${bits - 1}:0])`;
}

export const UNIT_SPECS: readonly UnitSpec[] = [
  {
    id: 'attn_dot',
    summary: `attention lane: ${DOT_WIDTH} int8 x int8 products into a 32-bit accumulator (q·k and p·v)`,
    inputs: [f('a', 8, true, DOT_WIDTH), f('b', 8, true, DOT_WIDTH), f('acc', 32, true)],
    outputs: [f('acc', 32, true)],
    ratePerCycle: DOT_WIDTH,
    workUnit: 'mac',
    golden: (x) => ({ acc: [wrap(x.acc[0] + range(DOT_WIDTH).reduce((s, i) => s + x.a[i] * x.b[i], 0n), 32, true)] }),
    body: () =>
      [
        ...range(DOT_WIDTH).map((i) => `  wire signed [15:0] p_${i} = a_${i} * b_${i};`),
        `  wire signed [31:0] sum = ${range(DOT_WIDTH).map((i) => `p_${i}`).join(' + ')};`,
        '  wire signed [31:0] r_acc_0 = acc_0 + sum;',
      ].join('\n'),
  },
  {
    id: 'softmax_exp',
    summary: 'softmax lane: running maximum, weight EXP[min(255, ((m − s)⁺·c) >> 16)] (127·2^(−i/16)), running sum',
    inputs: [f('s', 32, true), f('m', 32, true), f('c', 16, false), f('l', 32, false)],
    outputs: [f('p', 8, false), f('l', 32, false), f('m', 32, true)],
    ratePerCycle: 1,
    workUnit: 'op',
    golden: (x) => {
      const p = BigInt(softmaxWeight(x.s[0], x.m[0], Number(x.c[0])));
      return { p: [p], l: [wrap(x.l[0] + p, 32, false)], m: [x.s[0] > x.m[0] ? x.s[0] : x.m[0]] };
    },
    body: () => [
      [
        // (m − s)⁺ clamped to 24 bits: for any c ≥ 1 a gap of 2^24 − 1 already indexes entry 255, so the clamp is exact.
        '  wire signed [32:0] d = $signed({m_0[31], m_0}) - $signed({s_0[31], s_0});',
        "  wire [23:0] dpos = d[32] ? 24'd0 : (d[31:24] != 8'd0) ? 24'hffffff : d[23:0];",
      ].join('\n'),
      '  wire [39:0] t = dpos_q * c_0_q;',
      [
        tableFunction('exp_table', EXP_TABLE, 8, false),
        '  wire [23:0] ti = t_q[39:16];',
        "  wire [7:0] idx = (ti > 24'd255) ? 8'd255 : ti[7:0];",
        '  wire [7:0] r_p_0 = exp_table(idx);',
        "  wire [31:0] r_l_0 = l_0_q_q + {24'd0, r_p_0};",
        '  wire signed [31:0] r_m_0 = (s_0_q_q > m_0_q_q) ? s_0_q_q : m_0_q_q;',
      ].join('\n'),
    ],
    pipeline: [
      [['dpos', 24, false], ['c_0', 16, false], ['s_0', 32, true], ['m_0', 32, true], ['l_0', 32, false]],
      [['t', 40, false], ['s_0_q', 32, true], ['m_0_q', 32, true], ['l_0_q', 32, false]],
    ],
  },
  {
    id: 'norm_sumsq',
    summary: `RMSNorm lane: ${SUMSQ_WIDTH} int16 squares into a 48-bit sum`,
    inputs: [f('x', 16, true, SUMSQ_WIDTH), f('acc', 48, false)],
    outputs: [f('acc', 48, false)],
    ratePerCycle: SUMSQ_WIDTH,
    workUnit: 'op',
    golden: (x) => ({ acc: [wrap(x.acc[0] + range(SUMSQ_WIDTH).reduce((s, i) => s + x.x[i] * x.x[i], 0n), 48, false)] }),
    body: () => [
      range(SUMSQ_WIDTH).map((i) => `  wire signed [31:0] q_${i} = x_${i} * x_${i};`).join('\n'),
      `  wire [47:0] r_acc_0 = acc_0_q + ${range(SUMSQ_WIDTH).map((i) => `{16'd0, q_${i}_q}`).join(' + ')};`,
    ],
    pipeline: [[...range(SUMSQ_WIDTH).map((i) => [`q_${i}`, 32, true] as const), ['acc_0', 48, false]]],
  },
  {
    id: 'recip',
    summary: 'reciprocal unit: f / 2^s ≈ 1/v or 1/√v (v up to 48 bits) from the leading one and a 256-entry table',
    inputs: [f('v', 48, false), f('sqrt', 1, false)],
    outputs: [f('f', 16, false), f('s', 6, false)],
    ratePerCycle: 1,
    workUnit: 'op',
    golden: (x) => {
      const r = reciprocal(x.v[0], x.sqrt[0] === 1n);
      return { f: [BigInt(r.f)], s: [BigInt(r.s)] };
    },
    body: () =>
      [
        tableFunction('recip_table', RECIP_TABLE, 16, false),
        tableFunction('rsqrt_table', RSQRT_TABLE, 16, false),
        '  reg [5:0] e;',
        '  integer i;',
        "  always @* begin e = 6'd0; for (i = 0; i < 48; i = i + 1) if (v_0[i]) e = i[5:0]; end",
        '  wire [4:0] k = e[5:1];',
        "  wire signed [7:0] t = sqrt_0[0] ? $signed({2'b00, k, 1'b0}) - 8'sd6 : $signed({2'b00, e}) - 8'sd7;",
        '  wire [7:0] tn = -t;',
        '  wire [47:0] sh = t[7] ? (v_0 << tn) : (v_0 >> t);',
        '  wire [7:0] u = sh[7:0];',
        "  wire zero = (v_0 == 48'd0);",
        "  wire [15:0] r_f_0 = zero ? 16'hffff : sqrt_0[0] ? rsqrt_table(u) : recip_table(u);",
        "  wire [5:0] r_s_0 = zero ? 6'd0 : sqrt_0[0] ? 6'd15 + {1'b0, k} : 6'd16 + e;",
      ].join('\n'),
  },
  {
    id: 'reducer',
    summary: `cross-tile reducer: up to ${REDUCER_INPUTS} row partial sums (int${PARTIAL_SUM_BITS}) added, times the row factor, rounded shift, plus the residual, saturated to int8 or int16`,
    inputs: [f('p', PARTIAL_SUM_BITS, true, REDUCER_INPUTS), f('f', 16, false), f('s', 6, false), f('resid', 16, true), f('narrow', 1, false)],
    outputs: [f('y', 16, true)],
    ratePerCycle: 1,
    workUnit: 'op',
    golden: (x) => {
      const sum = x.p.reduce((s, v) => s + v, 0n);
      return { y: [requantize(sum, Number(x.f[0]), Number(x.s[0]), x.resid[0], x.narrow[0] === 1n)] };
    },
    // Rounding as ((2v >>> s) + 1) >>> 1, which equals (v + 2^(s−1)) >>> s for s ≥ 1 and v for s = 0: the
    // shift comes before the add, so no stage carries a 66-bit adder.
    body: () => [
      `  wire signed [31:0] sum = ${range(REDUCER_INPUTS).map((i) => `p_${i}`).join(' + ')};`,
      // The 32 x 16 product as two 32 x 8 halves, added in the next stage.
      ["  wire signed [40:0] lo = sum_q * $signed({1'b0, f_0_q[7:0]});", "  wire signed [40:0] hi = sum_q * $signed({1'b0, f_0_q[15:8]});"].join('\n'),
      // lo + 2^8·hi in two halves: the low 24 bits and their carry, then the high 25 bits.
      ["  wire [24:0] pl = {1'b0, lo_q[23:0]} + {1'b0, hi_q[15:0], 8'd0};", '  wire signed [16:0] lo_hi = lo_q[40:24];', '  wire signed [24:0] hi_hi = hi_q[40:16];'].join('\n'),
      ["  wire signed [24:0] upper = lo_hi_q + hi_hi_q + $signed({24'd0, pl_q[24]});", '  wire signed [48:0] prod = {upper, pl_q[23:0]};'].join('\n'),
      "  wire signed [49:0] half = $signed({prod_q, 1'b0}) >>> s_0_q_q_q_q;",
      ["  wire signed [49:0] r = (half_q + 50'sd1) >>> 1;", '  wire signed [50:0] t = r + resid_0_q_q_q_q_q;'].join('\n'),
      [
        `  wire signed [15:0] wide = ${saturate('t_q', 51, 16)};`,
        `  wire signed [7:0] sat8 = ${saturate('t_q', 51, 8)};`,
        '  wire signed [15:0] narrow8 = {{8{sat8[7]}}, sat8};',
        '  wire signed [15:0] r_y_0 = narrow_0_q_q_q_q_q_q[0] ? narrow8 : wide;',
      ].join('\n'),
    ],
    pipeline: [
      [['sum', 32, true], ['f_0', 16, false], ['s_0', 6, false], ['resid_0', 16, true], ['narrow_0', 1, false]],
      [['lo', 41, true], ['hi', 41, true], ['s_0_q', 6, false], ['resid_0_q', 16, true], ['narrow_0_q', 1, false]],
      [['pl', 25, false], ['lo_hi', 17, true], ['hi_hi', 25, true], ['s_0_q_q', 6, false], ['resid_0_q_q', 16, true], ['narrow_0_q_q', 1, false]],
      [['prod', 49, true], ['s_0_q_q_q', 6, false], ['resid_0_q_q_q', 16, true], ['narrow_0_q_q_q', 1, false]],
      [['half', 50, true], ['resid_0_q_q_q_q', 16, true], ['narrow_0_q_q_q_q', 1, false]],
      [['t', 51, true], ['narrow_0_q_q_q_q_q', 1, false]],
    ],
  },
  {
    id: 'silu_mul',
    summary: 'SiLU·up lane: SILU[g] (grid 1/16) times up, times the factor, rounded shift, saturated to int8',
    inputs: [f('g', 8, true), f('u', 8, true), f('f', 16, false), f('s', 6, false)],
    outputs: [f('y', 8, true)],
    ratePerCycle: 1,
    workUnit: 'op',
    golden: (x) => {
      const t = BigInt(SILU_TABLE[Number(x.g[0]) + 128]);
      return { y: [requantize(t * x.u[0], Number(x.f[0]), Number(x.s[0]), 0n, true)] };
    },
    body: () => [
      [tableFunction('silu_table', SILU_TABLE, 8, true), "  wire signed [7:0] t = silu_table(g_0 + 8'd128);", '  wire signed [15:0] prod = t * u_0;'].join('\n'),
      // The 16 x 16 product as two 16 x 8 halves (as one signed 16 x 17 multiply, ABC takes over a minute on it).
      ["  wire signed [24:0] lo = prod_q * $signed({1'b0, f_0_q[7:0]});", "  wire signed [24:0] hi = prod_q * $signed({1'b0, f_0_q[15:8]});", '  wire signed [33:0] scaled = lo + (hi <<< 8);'].join('\n'),
      "  wire signed [34:0] half = $signed({scaled_q, 1'b0}) >>> s_0_q_q;",
      ["  wire signed [34:0] r = (half_q + 35'sd1) >>> 1;", `  wire signed [7:0] r_y_0 = ${saturate('r', 35, 8)};`].join('\n'),
    ],
    pipeline: [
      [['prod', 16, true], ['f_0', 16, false], ['s_0', 6, false]],
      [['scaled', 34, true], ['s_0_q', 6, false]],
      [['half', 35, true]],
    ],
  },
  {
    id: 'rope',
    summary: 'RoPE lane: one rotation of an int16 pair by (cos, sin) in Q1.14, rounded, saturated',
    inputs: [f('x', 16, true, 2), f('c', 16, true), f('s', 16, true)],
    outputs: [f('y', 16, true, 2)],
    ratePerCycle: 1,
    workUnit: 'op',
    golden: (x) => ({ y: rotate(x.x[0], x.x[1], x.c[0], x.s[0]) }),
    body: () =>
      [
        '  wire signed [33:0] a0 = x_0 * c_0 - x_1 * s_0;',
        '  wire signed [33:0] a1 = x_0 * s_0 + x_1 * c_0;',
        "  wire signed [33:0] h0 = (a0 + 34'sd8192) >>> 14;",
        "  wire signed [33:0] h1 = (a1 + 34'sd8192) >>> 14;",
        `  wire signed [15:0] r_y_0 = ${saturate('h0', 34, 16)};`,
        `  wire signed [15:0] r_y_1 = ${saturate('h1', 34, 16)};`,
      ].join('\n'),
  },
  {
    id: 'argmax',
    summary: `argmax lane: the running maximum of ${ARGMAX_WIDTH} int16 logits per cycle and its index (first wins ties)`,
    inputs: [f('v', 16, true, ARGMAX_WIDTH), f('best', 16, true), f('idx', 20, false), f('base', 20, false)],
    outputs: [f('best', 16, true), f('idx', 20, false)],
    ratePerCycle: ARGMAX_WIDTH,
    workUnit: 'op',
    golden: (x) => {
      let best = x.best[0];
      let idx = x.idx[0];
      for (let i = 0; i < ARGMAX_WIDTH; i++) if (x.v[i] > best) {
        best = x.v[i];
        idx = wrap(x.base[0] + BigInt(i), 20, false);
      }
      return { best: [best], idx: [idx] };
    },
    body: () => {
      const lines: string[] = ['  wire signed [15:0] b_s0 = best_0;', '  wire [19:0] i_s0 = idx_0;'];
      for (let i = 0; i < ARGMAX_WIDTH; i++) {
        lines.push(`  wire take_${i} = v_${i} > b_s${i};`);
        lines.push(`  wire signed [15:0] b_s${i + 1} = take_${i} ? v_${i} : b_s${i};`);
        lines.push(`  wire [19:0] i_s${i + 1} = take_${i} ? base_0 + 20'd${i} : i_s${i};`);
      }
      lines.push(`  wire signed [15:0] r_best_0 = b_s${ARGMAX_WIDTH};`, `  wire [19:0] r_idx_0 = i_s${ARGMAX_WIDTH};`);
      return lines.join('\n');
    },
  },
];

export function unitSpec(id: string): UnitSpec {
  const s = UNIT_SPECS.find((u) => u.id === id);
  if (!s) throw new Error(`no unit ${id}; units: ${UNIT_SPECS.map((u) => u.id).join(', ')}`);
  return s;
}

/** Total bits of packed fields. */
export function fieldBits(fields: readonly UnitField[]): number {
  return fields.reduce((s, x) => s + x.bits * (x.count ?? 1), 0);
}

/** Pack field values into one word (first field in the low bits, two's complement). */
export function packFields(fields: readonly UnitField[], values: UnitValues): bigint {
  let word = 0n;
  let at = 0n;
  for (const fd of fields) {
    for (let i = 0; i < (fd.count ?? 1); i++) {
      const v = values[fd.name]?.[i];
      if (v === undefined) throw new Error(`field ${fd.name}[${i}] missing`);
      word |= wrap(v, fd.bits, false) << at;
      at += BigInt(fd.bits);
    }
  }
  return word;
}

/** Unpack a word into field values (signed fields sign-extended). */
export function unpackFields(fields: readonly UnitField[], word: bigint): UnitValues {
  const out: UnitValues = {};
  let at = 0n;
  for (const fd of fields) {
    out[fd.name] = [];
    for (let i = 0; i < (fd.count ?? 1); i++) {
      out[fd.name].push(wrap((word >> at) & ((1n << BigInt(fd.bits)) - 1n), fd.bits, fd.signed));
      at += BigInt(fd.bits);
    }
  }
  return out;
}

/** The unit's module name. */
export const unitModuleName = (spec: UnitSpec) => `hw_unit_${spec.id}`;

/** The lane's RTL: unpacked input wires, the unit's body, one output register and a valid flop. */
export function unitVerilog(spec: UnitSpec): string {
  const X = fieldBits(spec.inputs);
  const Y = fieldBits(spec.outputs);
  const lines: string[] = [`// ${spec.summary} (generated by Hardwire)`, `module ${unitModuleName(spec)} (`, '  input wire clk,', '  input wire rst,', '  input wire in_valid,', '  output wire in_ready,', `  input wire [${X - 1}:0] x,`, '  output reg out_valid,', `  output reg [${Y - 1}:0] y`, ');', "  assign in_ready = 1'b1;"];
  let at = 0;
  for (const fd of spec.inputs) for (let i = 0; i < (fd.count ?? 1); i++) {
    lines.push(`  wire ${fd.signed ? 'signed ' : ''}[${fd.bits - 1}:0] ${fd.name}_${i} = x[${at + fd.bits - 1}:${at}];`);
    at += fd.bits;
  }
  const body = spec.body();
  const stages = typeof body === 'string' ? [body] : body;
  if ((spec.pipeline?.length ?? 0) !== stages.length - 1) throw new Error(`unit ${spec.id}: ${stages.length} stages need ${stages.length - 1} register sets`);
  stages.forEach((stage, k) => {
    lines.push(stage);
    if (k === stages.length - 1) return;
    lines.push(`  reg valid_${k};`, `  always @(posedge clk) if (rst) valid_${k} <= 1'b0; else valid_${k} <= ${k === 0 ? 'in_valid' : `valid_${k - 1}`};`);
    for (const [w, bits, signed] of spec.pipeline![k]) lines.push(`  reg ${signed ? 'signed ' : ''}[${bits - 1}:0] ${w}_q;`, `  always @(posedge clk) ${w}_q <= ${w};`);
  });
  const lastValid = stages.length > 1 ? `valid_${stages.length - 2}` : 'in_valid';
  const parts: string[] = [];
  for (const fd of spec.outputs) for (let i = 0; i < (fd.count ?? 1); i++) parts.unshift(`r_${fd.name}_${i}[${fd.bits - 1}:0]`);
  lines.push('  always @(posedge clk) begin', `    if (rst) out_valid <= 1'b0; else out_valid <= ${lastValid};`, `    y <= {${parts.join(', ')}};`, '  end', 'endmodule', '');
  return lines.join('\n');
}

/**
 * Input vectors for a unit: corners (every field at its minimum, its maximum, zero, and ones), then seeded
 * random values whose magnitude is drawn bit length first, so shifts, clamps and small values are all hit.
 */
export function unitVectors(spec: UnitSpec, count: number, seed: number): UnitValues[] {
  const next = mulberry32(seed);
  const rand = (bits: number): bigint => {
    let v = 0n;
    for (let b = 0; b < bits; b += 32) v |= BigInt(next()) << BigInt(b);
    return v & ((1n << BigInt(bits)) - 1n);
  };
  const pick = (fd: UnitField, corner: number): bigint => {
    const lo = fd.signed ? -(1n << BigInt(fd.bits - 1)) : 0n;
    const hi = fd.signed ? (1n << BigInt(fd.bits - 1)) - 1n : (1n << BigInt(fd.bits)) - 1n;
    if (corner === 0) return lo;
    if (corner === 1) return hi;
    if (corner === 2) return 0n;
    if (corner === 3) return 1n;
    const magnitudeBits = 1 + (next() % (fd.signed ? fd.bits - 1 || 1 : fd.bits));
    const v = rand(magnitudeBits);
    return clamp(fd.signed && next() & 1 ? -v : v, lo, hi);
  };
  const out: UnitValues[] = [];
  for (let n = 0; n < count; n++) {
    const v: UnitValues = {};
    for (const fd of spec.inputs) v[fd.name] = Array.from({ length: fd.count ?? 1 }, () => pick(fd, n < 4 ? n : 4));
    out.push(v);
  }
  return out;
}
