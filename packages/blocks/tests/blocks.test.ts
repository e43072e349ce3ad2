import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureFile } from '@hardwire/core';
import { findKit, kitAvailable, parseCellLibrary } from '@hardwire/eda';
import { runCli } from '@hardwire/flow';
import { compileNetlist } from '@hardwire/gatesim';
import { FORMATS, QUANT_FORMATS, foldedValues, rankMultiset } from '@hardwire/quant';
import { describe, expect, it } from 'vitest';
import { csdDigits, daOutputBits, enumerateKinds, parallelBlockVerilog, parallelOutputBits, signedBits, verifyBlock } from '../src/index.ts';

const cli = runCli;
const tmp = () => mkdtempSync(join(tmpdir(), 'hw-blocks-'));
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const hasKit = kitAvailable();
if (!hasKit) console.log('skip: no sky130hd kit; block synthesis tests not run');

describe('block kinds', () => {
  it('use the same ranks as the statistics, for every format, signed and folded', () => {
    for (const format of QUANT_FORMATS) {
      for (const signFold of [false, true]) {
        const values = signFold ? foldedValues(format) : [...FORMATS[format].levelValues];
        const kinds = enumerateKinds({ format, k: 3, signFold });
        kinds.forEach((kind, rank) => {
          expect(kind.rank).toBe(rank);
          expect(rankMultiset(kind.coefficients.map((c) => values.indexOf(c)))).toBe(rank);
        });
      }
    }
    expect(enumerateKinds({ format: 'int3', k: 4, signFold: false })).toHaveLength(330);
    expect(enumerateKinds({ format: 'fp4-mx', k: 4, signFold: true })).toHaveLength(330);
  });

  it('canonical signed digits: exact, no two adjacent nonzero digits, never more than binary', () => {
    for (let n = -300; n <= 300; n++) {
      const digits = csdDigits(n);
      expect(digits.reduce((s, d) => s + d.sign * 2 ** d.shift, 0)).toBe(n);
      for (let i = 1; i < digits.length; i++) expect(digits[i].shift - digits[i - 1].shift).toBeGreaterThanOrEqual(2);
      expect(digits.length).toBeLessThanOrEqual(Math.abs(n).toString(2).replace(/0/g, '').length);
    }
    expect(csdDigits(7)).toEqual([{ shift: 0, sign: -1 }, { shift: 3, sign: 1 }]);
  });

  it('output widths hold every possible sum', () => {
    expect(signedBits(-2048, 2048)).toBe(13);
    expect(parallelOutputBits({ format: 'int3', k: 4, signFold: false }, 8)).toBe(13);
    expect(daOutputBits({ format: 'int3', k: 4, signFold: false })).toBe(6);
    const verilog = parallelBlockVerilog({ format: 'int3', k: 4, signFold: false }, { rank: 0, coefficients: [-4, -4, -4, -4] }, 8);
    expect(verilog).toContain('wire signed [12:0] s4 = - x0 - x1 - x2 - x3;');
  });
});

describe.runIf(hasKit)('flow:blocks (real yosys, SKY130)', () => {
  const cacheDir = tmp();

  it('synthesizes and proves every ternary kind in both architectures; a rerun is served by the per-kind cache', async () => {
    for (const arch of ['da', 'parallel']) {
      const out = join(cacheDir, `run-${arch}`);
      const first = await cli(['blocks', '--quant', 'ternary', '--block-arch', arch, '--out', out, '--cache-dir', join(cacheDir, 'c')]);
      expect(first.code, first.stderr).toBe(0);
      const m = readJson(join(out, 'metrics.json'));
      expect(m).toMatchObject({ blocks__library__kinds: 15, blocks__library__synthesized: 15, blocks__library__verified: 15, blocks__verify__mismatch__count: 0, blocks__library__cache_hits: 0 });
      const library = readJson(join(out, '03-block-lib-synthesize', 'library.json'));
      const zero = library.kinds.find((k: { coefficients: number[] }) => k.coefficients.every((c) => c === 0));
      expect(zero.transistors).toBe(0); // a block of zeros is wires to ground
      if (arch === 'da') {
        // A DA kind checked against the wrong coefficients gives mismatches.
        const cells = parseCellLibrary(readFileSync(findKit().liberty, 'utf8'));
        const kind = library.kinds[7];
        const netlist = compileNetlist(readJson(join(out, '03-block-lib-synthesize', 'kinds', `${kind.module}.json`)), kind.module, cells);
        const wrong = [...kind.coefficients];
        wrong[0] += 1;
        expect(verifyBlock(netlist, 'da', { rank: 7, coefficients: wrong }, 1, 16, 1).mismatches).toBeGreaterThan(0);
      }
      if (arch === 'da') expect(library.kinds.every((k: { exhaustive: boolean; vectors: number }) => k.exhaustive && k.vectors === 16)).toBe(true);
      else expect(library.kinds.every((k: { vectors: number }) => k.vectors >= 10_000)).toBe(true);
      // Same configuration into a new folder: no stage cache (--no-cache), but every kind from the per-kind cache.
      const again = join(cacheDir, `again-${arch}`);
      const second = await cli(['blocks', '--quant', 'ternary', '--block-arch', arch, '--out', again, '--cache-dir', join(cacheDir, 'c')]);
      expect(second.code).toBe(0);
      expect(readFileSync(join(again, '03-block-lib-synthesize', 'library.json'))).toEqual(readFileSync(join(out, '03-block-lib-synthesize', 'library.json')));
    }
  }, 300_000);

  it('int3 kinds synthesize on the WebAssembly yosys too, and verification bites on a wrong coefficient', async () => {
    const out = join(tmp(), 'wasm');
    const run = await cli(['blocks', '--quant', 'int3', '--block-arch', 'parallel', '--kinds', '0,103,329', '--yosys', 'wasm', '--out', out, '--no-cache']);
    expect(run.code, run.stderr).toBe(0);
    const library = readJson(join(out, '03-block-lib-synthesize', 'library.json'));
    expect(library.yosys.backend).toBe('wasm');
    expect(library.kindsPossible).toBe(330);
    expect(library.kinds.map((k: { rank: number }) => k.rank)).toEqual([0, 103, 329]);
    expect(library.kinds.every((k: { verified: boolean; mismatches: number }) => k.verified && k.mismatches === 0)).toBe(true);
    const cells = parseCellLibrary(readFileSync(findKit().liberty, 'utf8'));
    for (const kind of library.kinds) {
      const netlist = compileNetlist(readJson(join(out, '03-block-lib-synthesize', 'kinds', `${kind.module}.json`)), kind.module, cells);
      expect(verifyBlock(netlist, 'parallel', { rank: kind.rank, coefficients: kind.coefficients }, 8, 10_000, 5).mismatches).toBe(0);
      const wrong = [...kind.coefficients];
      wrong[1] += 1;
      expect(verifyBlock(netlist, 'parallel', { rank: kind.rank, coefficients: wrong }, 8, 10_000, 5).mismatches).toBeGreaterThan(9000);
    }
    const outOfRange = await cli(['blocks', '--quant', 'int3', '--kinds', '330', '--out', join(tmp(), 'x'), '--no-cache']);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toContain('--kinds: rank 330 is out of range (this configuration has 330 kinds, 0..329)');
  }, 300_000);

  const STORIES = fixtureFile('stories260K.bin');
  it.runIf(STORIES)('with --model: placement.csv counts every block of every layer of the real stories260K', async () => {
    const out = join(tmp(), 'placed');
    const run = await cli(['blocks', '--quant', 'ternary', '--block-arch', 'da', '--model', 'stories-260k', '--weights', STORIES!, '--out', out, '--cache-dir', join(cacheDir, 'c')]);
    expect(run.code, run.stderr).toBe(0);
    const m = readJson(join(out, 'metrics.json'));
    expect(m.blocks__placement__instances).toBe(56_640);
    expect(m.run__cache__hits).toBeGreaterThanOrEqual(1); // the library stage itself comes from the stage cache
    const csv = readFileSync(join(out, '04-block-lib-placement', 'placement.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('layer,kind,coefficients,blocks,transistors_each,transistors,area_each_um2,area_um2');
    const rows = csv.slice(1).map((l) => l.split(','));
    expect(rows.reduce((s, r) => s + Number(r[3]), 0)).toBe(56_640);
    expect(rows.reduce((s, r) => s + Number(r[5]), 0)).toBe(m.blocks__placement__transistors);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(['0', '1', '2', '3', '4']));
  }, 300_000);
});
