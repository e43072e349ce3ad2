/**
 * The arithmetic of bit-serial tiles (pure). Inputs arrive as offset-binary bit streams, least significant
 * bit first: column c carries U_c = x_c + 2^(A-1) (x's bits with the sign bit inverted), so every stream is
 * a non-negative number and no bit-plane has a negative weight. A row is a sum of signed terms: a stream
 * at a binary weight. A term with sign -1 uses the stream's inverted bits (NOR with "stream over"): their
 * value is 2^n - 1 - P, so -P = ~P - (2^n - 1), and the difference goes into the row's per-cycle constant.
 * The whole tile then adds -2^(A-1)·Σ_c W_rc once (at cycle A-1) to undo the offset of the inputs.
 *
 * A shared stream (a sub-expression common to several rows) is the serial sum of two streams, one of them
 * possibly inverted; it is one bit wider than the wider of the two.
 */
import { csdDigits } from '@hardwire/blocks';

/** Logical value = physical value + Σ coef·(2^cycles − 1) (each entry adds `coef` at every cycle j < cycles). */
export interface OffsetTerm {
  readonly coef: number;
  readonly cycles: number;
}

export type StreamSource =
  | { readonly kind: 'column'; readonly col: number }
  | { readonly kind: 'sum'; readonly a: number; readonly b: number; readonly bInverted: boolean }
  | { readonly kind: 'block'; readonly instance: number; readonly bit: number };

/** A physical bit stream: bit j at cycle j, non-negative, zero from cycle `width` on. */
export interface Stream {
  readonly id: number;
  readonly width: number;
  readonly source: StreamSource;
  /** What the stream stands for beyond its physical value. */
  readonly offset: readonly OffsetTerm[];
}

/** sign · 2^weight · (logical value of the stream). */
export interface Term {
  readonly stream: number;
  readonly weight: number;
  readonly sign: 1 | -1;
}

/** One bit entering a row's adder tree each cycle. */
export interface RowBit {
  readonly stream: number;
  readonly inverted: boolean;
  readonly weight: number;
}

/** A row lowered to bits and a per-cycle constant (true values, before any modular wrap). */
export interface LoweredRow {
  readonly bits: readonly RowBit[];
  /** constants[j]: added to the row's plane sum at cycle j. */
  readonly constants: readonly number[];
}

/** Offsets of a logical stream scaled by `scale`. */
function scaled(offset: readonly OffsetTerm[], scale: number): OffsetTerm[] {
  return offset.map((o) => ({ coef: o.coef * scale, cycles: o.cycles }));
}

/** The offset of a sum a + σ·b, where b is used inverted when σ = −1. */
export function sumOffset(a: Stream, b: Stream, bSign: 1 | -1): OffsetTerm[] {
  return bSign > 0 ? [...a.offset, ...b.offset] : [...a.offset, ...scaled(b.offset, -1), { coef: -1, cycles: b.width }];
}

/**
 * Lower a row's terms to bits and constants. `cycles` is M (cycles per vector); `topCycle` and
 * `topConstant` add the tile's input-offset correction (−Σ_c W_rc at cycle A−1 for offset-binary columns).
 */
export function lowerRow(terms: readonly Term[], streams: readonly Stream[], cycles: number, extra: readonly OffsetTerm[] = [], topCycle = -1, topConstant = 0): LoweredRow {
  const constants = new Array<number>(cycles).fill(0);
  const addSchedule = (entries: readonly OffsetTerm[], scale: number) => {
    for (const e of entries) for (let j = 0; j < Math.min(e.cycles, cycles); j++) constants[j] += e.coef * scale;
  };
  const bits: RowBit[] = [];
  for (const t of terms) {
    const s = streams[t.stream];
    const scale = t.sign * 2 ** t.weight;
    addSchedule(s.offset, scale);
    if (t.sign > 0) bits.push({ stream: s.id, inverted: false, weight: t.weight });
    else {
      bits.push({ stream: s.id, inverted: true, weight: t.weight });
      addSchedule([{ coef: -1, cycles: s.width }], 2 ** t.weight);
    }
  }
  addSchedule(extra, 1);
  if (topCycle >= 0 && topCycle < cycles) constants[topCycle] += topConstant;
  return { bits, constants };
}

/** Bits of a signed integer able to hold every value in [min, max]. */
export function signedWidth(min: number, max: number): number {
  let bits = 1;
  while (-(2 ** (bits - 1)) > min || 2 ** (bits - 1) - 1 < max) bits++;
  return bits;
}

/** Widths of a bit-serial row: the adder tree computes T = H + p mod 2^treeBits, H = T >> 1 has treeBits − 1 bits. */
export interface RowWidths {
  readonly treeBits: number;
  readonly accBits: number;
}

/**
 * Exact bounds of a bit-serial row: p_j ∈ [k_j, k_j + Σ_{bits live at j} 2^w]; T_j = H_j + p_j; H_0 = 0;
 * H_{j+1} = floor(T_j / 2). Returns the widths that hold every T_j and H_j.
 */
export function rowWidths(row: LoweredRow, streams: readonly Stream[]): RowWidths {
  let hMin = 0;
  let hMax = 0;
  let treeBits = 2;
  for (let j = 0; j < row.constants.length; j++) {
    let live = 0;
    for (const b of row.bits) if (j < streams[b.stream].width) live += 2 ** b.weight;
    const tMin = hMin + row.constants[j];
    const tMax = hMax + row.constants[j] + live;
    treeBits = Math.max(treeBits, signedWidth(tMin, tMax));
    hMin = Math.floor(tMin / 2);
    hMax = Math.floor(tMax / 2);
  }
  return { treeBits, accBits: treeBits - 1 };
}

/** Column streams 0..cols-1 (offset-binary inputs, width A). */
export function columnStreams(cols: number, inputBits: number): Stream[] {
  return Array.from({ length: cols }, (_, c) => ({ id: c, width: inputBits, source: { kind: 'column', col: c } as const, offset: [] }));
}

/** Each row's terms from its coefficients' signed digits (bit-level architecture, before sharing). */
export function digitTerms(codes: ArrayLike<number>, rows: number, cols: number): Term[][] {
  const out: Term[][] = [];
  for (let r = 0; r < rows; r++) {
    const terms: Term[] = [];
    for (let c = 0; c < cols; c++) {
      const w = codes[r * cols + c];
      if (w !== 0) for (const d of csdDigits(w)) terms.push({ stream: c, weight: d.shift, sign: d.sign });
    }
    out.push(terms);
  }
  return out;
}

/** Σ_c W_rc for each row (the offset-binary correction is −2^(A−1) times this). */
export function rowCoefficientSums(codes: ArrayLike<number>, rows: number, cols: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let s = 0;
    for (let c = 0; c < cols; c++) s += codes[r * cols + c];
    return s;
  });
}
