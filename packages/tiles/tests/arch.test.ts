import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '@hardwire/core';
import { adderCellMap, findKit, kitAvailable, nativeYosysVersion, tileSynthScript, writeTileLiberty } from '@hardwire/eda';
import { GateSim, compileNetlist } from '@hardwire/gatesim';
import { describe, expect, it } from 'vitest';
import { GENERIC_CELLS_VERILOG, ModuleWriter, buildTile, columnStreams, digitTerms, emitSum, lowerRow, rowCoefficientSums, rowWidths, shareStreams, tileVectors, type Stream, type Term } from '../src/index.ts';

const hasNativeYosys = async () => (await nativeYosysVersion()) !== null;
if (!(await hasNativeYosys())) console.log('skip: no native yosys; the adder-tree synthesis test is not run');

/** Seeded int3 codes with roughly the int3 level frequencies of Gaussian weights. */
function randomCodes(rows: number, cols: number, seed: number): Int32Array {
  const next = mulberry32(seed);
  return Int32Array.from({ length: rows * cols }, () => {
    const u = next() / 2 ** 32;
    return u < 0.45 ? 0 : u < 0.68 ? 1 : u < 0.91 ? -1 : u < 0.945 ? 2 : u < 0.98 ? -2 : u < 0.99 ? 3 : u < 0.997 ? -3 : -4;
  });
}

/**
 * An independent cycle-level model of a bit-serial row datapath: physical stream bits computed cycle by
 * cycle (offset-binary columns, serial adders with a carry), each row's plane sum plus its constant added to
 * H, the low bit shifted out; returns V per row and checks every T fits the row's tree width.
 */
function simulateSerial(streams: readonly Stream[], rowTerms: readonly (readonly Term[])[], rowSums: readonly number[], A: number, x: Int32Array): number[] {
  const M = Math.max(A, ...streams.map((s) => s.width));
  const bits: number[][] = streams.map(() => new Array<number>(M).fill(0));
  const bit = (id: number, j: number, inverted: boolean) => (inverted ? (j < streams[id].width ? 1 - bits[id][j] : 0) : bits[id][j]);
  for (const s of streams) {
    if (s.source.kind === 'column') {
      const u = x[s.source.col] + 2 ** (A - 1);
      for (let j = 0; j < A; j++) bits[s.id][j] = (u >> j) & 1;
    } else if (s.source.kind === 'sum') {
      let carry = 0;
      for (let j = 0; j < M; j++) {
        const t = bit(s.source.a, j, false) + bit(s.source.b, j, s.source.bInverted) + carry;
        bits[s.id][j] = t & 1;
        carry = t >> 1;
      }
      expect(carry, `stream ${s.id} overflows its width`).toBe(0);
      for (let j = s.width; j < M; j++) expect(bits[s.id][j]).toBe(0);
    }
  }
  return rowTerms.map((terms, r) => {
    const lowered = lowerRow(terms, streams, M, [], A - 1, -rowSums[r]);
    const { treeBits } = rowWidths(lowered, streams);
    let H = 0;
    let low = 0;
    for (let j = 0; j < M; j++) {
      let p = lowered.constants[j];
      for (const b of lowered.bits) p += bit(b.stream, j, b.inverted) * 2 ** b.weight;
      const T = H + p;
      expect(T).toBeGreaterThanOrEqual(-(2 ** (treeBits - 1)));
      expect(T).toBeLessThan(2 ** (treeBits - 1));
      low += (((T % 2) + 2) % 2) * 2 ** j;
      H = Math.floor(T / 2);
    }
    return H * 2 ** M + low;
  });
}

function exact(codes: Int32Array, rows: number, cols: number, x: Int32Array): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let s = 0;
    for (let c = 0; c < cols; c++) s += codes[r * cols + c] * x[c];
    return s;
  });
}

/** A stream's logical value as column coefficients (sums expanded). */
function expand(streams: readonly Stream[], id: number): Map<number, number> {
  const s = streams[id];
  if (s.source.kind === 'column') return new Map([[s.source.col, 1]]);
  if (s.source.kind !== 'sum') throw new Error('unexpected stream');
  const out = expand(streams, s.source.a);
  for (const [c, v] of expand(streams, s.source.b)) out.set(c, (out.get(c) ?? 0) + (s.source.bInverted ? -v : v));
  return out;
}

describe('bit-serial arithmetic (pure)', () => {
  const rows = 24;
  const cols = 40;
  const A = 8;
  const codes = randomCodes(rows, cols, 7);
  const vectors = tileVectors(cols, A, 60, 3);
  const sums = rowCoefficientSums(codes, rows, cols);

  it('signed digits, offset-binary streams and per-cycle constants give W·x exactly, within the computed widths', () => {
    const streams = columnStreams(cols, A);
    const terms = digitTerms(codes, rows, cols);
    for (const x of vectors) expect(simulateSerial(streams, terms, sums, A, x)).toEqual(exact(codes, rows, cols, x));
  });

  it('sharing keeps every row the same linear combination, uses each pair enough, and the serial model still gives W·x', () => {
    const terms = digitTerms(codes, rows, cols);
    const shared = shareStreams(columnStreams(cols, A), terms, { minUses: 2, maxWidth: A + 3 });
    expect(shared.adders).toBeGreaterThan(20);
    expect(shared.bitsAfter).toBe(shared.bitsBefore - [...shared.uses.values()].reduce((s, u) => s + u, 0));
    for (const u of shared.uses.values()) expect(u).toBeGreaterThanOrEqual(2);
    for (const s of shared.streams) expect(s.width).toBeLessThanOrEqual(A + 3);
    expect(shared.streams.some((s) => s.width === A + 2)).toBe(true); // sums of sums were formed
    shared.rows.forEach((rowTerms, r) => {
      const coef = new Map<number, number>();
      for (const t of rowTerms) for (const [c, v] of expand(shared.streams, t.stream)) coef.set(c, (coef.get(c) ?? 0) + t.sign * 2 ** t.weight * v);
      for (let c = 0; c < cols; c++) expect(coef.get(c) ?? 0).toBe(codes[r * cols + c]);
    });
    for (const x of vectors) expect(simulateSerial(shared.streams, shared.rows, sums, A, x)).toEqual(exact(codes, rows, cols, x));
    // Deterministic: the same input gives the same result.
    expect(shareStreams(columnStreams(cols, A), terms, { minUses: 2, maxWidth: A + 3 })).toEqual(shared);
  });

  it('sharing at minUses 3 never forms a pair fewer than three rows use, and halves the tree bits of a tall tile', () => {
    const tall = randomCodes(64, 128, 11);
    const shared = shareStreams(columnStreams(128, A), digitTerms(tall, 64, 128), { minUses: 3, maxWidth: A + 2 });
    for (const u of shared.uses.values()) expect(u).toBeGreaterThanOrEqual(3);
    expect(shared.bitsAfter / shared.bitsBefore).toBeLessThan(0.75);
    // The first count in a dense table (the default) and pair by pair in the hash table give the same sharing.
    expect(shareStreams(columnStreams(128, A), digitTerms(tall, 64, 128), { minUses: 3, maxWidth: A + 2, denseCountMaxStreams: 0 })).toEqual(shared);
  });

  it('every architecture builds with the same interface and says its cycles per vector', () => {
    const small = randomCodes(6, 16, 5);
    const levels = [-4, -3, -2, -1, 0, 1, 2, 3];
    for (const [arch, cycles] of [['da', 8], ['parallel', 1], ['bitserial', 8]] as const) {
      const built = buildTile(small, 6, 16, (c) => levels.indexOf(c), { top: 't', arch, spec: { format: 'int3', k: 4, signFold: false }, inputBits: 8, outputBits: 14 });
      expect(built.structure.cyclesPerVector).toBe(cycles);
      expect(built.verilog).toMatch(/module t \(input wire clk, input wire rst, input wire in_valid, output wire in_ready, input wire \[127:0\] x, output reg out_valid, output wire \[83:0\] y\);/);
    }
  });
});

describe.runIf(kitAvailable() && (await hasNativeYosys()))('the carry-save tree through yosys and our simulator', () => {
  it('Σ bits·2^w + K mod 2^width, for every input combination of random trees', async () => {
    const kit = findKit();
    const dir = mkdtempSync(join(tmpdir(), 'hw-tree-'));
    const { libPath, cells } = writeTileLiberty(kit, dir);
    writeFileSync(join(dir, 'adders_map.v'), adderCellMap());
    const next = mulberry32(3);
    for (let trial = 0; trial < 4; trial++) {
      const n = 6 + (next() % 5);
      const width = 4 + (next() % 4);
      const weights = Array.from({ length: n }, () => next() % 4);
      const constant = BigInt(next() % 2 ** width) - (trial % 2 ? BigInt(2 ** (width - 1)) : 0n);
      const m = new ModuleWriter('sumtest', [`input wire [${n - 1}:0] b`, `output wire [${width - 1}:0] t`]);
      const { sum } = emitSum(m, weights.map((w, i) => ({ signal: `b[${i}]`, weight: Math.min(w, width - 1) })), constant, width);
      sum.forEach((s, i) => m.assign(`t[${i}]`, s));
      writeFileSync(join(dir, 'rtl.v'), GENERIC_CELLS_VERILOG + m.text());
      writeFileSync(join(dir, 'synth.ys'), tileSynthScript({ liberty: libPath, sources: ['rtl.v'], top: 'sumtest', adderMap: 'adders_map.v', stem: 'netlist' }));
      execFileSync('yosys', ['-q', '-s', 'synth.ys'], { cwd: dir, stdio: 'pipe' });
      const netlist = compileNetlist(JSON.parse(readFileSync(join(dir, 'netlist.json'), 'utf8')), 'sumtest', cells);
      const sim = new GateSim(netlist, Math.max(1, 2 ** n / 32));
      sim.setInput('b', (lane) => lane % 2 ** n);
      sim.evaluate();
      for (let v = 0; v < 2 ** n; v++) {
        let want = constant;
        for (let i = 0; i < n; i++) if ((v >> i) & 1) want += 1n << BigInt(Math.min(weights[i], width - 1));
        const modulus = 1n << BigInt(width);
        expect(sim.readOutput('t', v, false), `trial ${trial} input ${v}`).toBe(((want % modulus) + modulus) % modulus);
      }
    }
  }, 120_000);
});
