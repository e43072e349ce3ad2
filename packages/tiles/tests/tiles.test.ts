import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureFile } from '@hardwire/core';
import { findKit, kitAvailable, hasIcarus, parseCellLibrary } from '@hardwire/eda';
import { runCli } from '@hardwire/flow';
import { compileNetlist } from '@hardwire/gatesim';
import { describe, expect, it } from 'vitest';
import { checkTile, goldenOutputs, planTile, tileOutputBits, tileVectors } from '../src/index.ts';

const cli = runCli;
const tmp = () => mkdtempSync(join(tmpdir(), 'hw-tiles-'));
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const hasKit = kitAvailable();
const icarus = await hasIcarus();
if (!hasKit) console.log('skip: no sky130hd kit; tile synthesis tests not run');
if (!icarus) console.log('skip: iverilog not installed; the flow:tiles tests (each checked against Icarus) not run (bash tools/setup.sh installs it)');

const STORIES = fixtureFile('stories260K.bin');

describe('tile planning and golden model', () => {
  it('shares one block instance between rows with the same ordered tuple; zero blocks need none', () => {
    const codes = [
      1, -1, 0, 2, /**/ 0, 0, 0, 0,
      1, -1, 0, 2, /**/ 3, 0, 0, 0,
      -1, 1, 0, 2, /**/ 3, 0, 0, 0,
    ];
    const plan = planTile(codes, 3, 8, 4, (c) => c + 4);
    expect(plan.blocks).toBe(6);
    expect(plan.zeroBlocks).toBe(1);
    expect(plan.instances).toHaveLength(3); // (1,-1,0,2) shared by rows 0 and 1; (-1,1,0,2); (3,0,0,0) shared by rows 1 and 2
    expect(plan.instances[0]).toMatchObject({ group: 0, tuple: [1, -1, 0, 2], kindCoefficients: [-1, 0, 1, 2], portColumn: [1, 2, 0, 3], rows: [0, 1] });
    expect(plan.instances[1].kindRank).toBe(plan.instances[0].kindRank); // same multiset, another port order
    expect(plan.rowInstances).toEqual([[0], [0, 2], [1, 2]]);
    expect(goldenOutputs(codes, 3, 8, [1, 2, 3, 4, 5, 6, 7, 8])).toEqual([7n, 22n, 24n]);
    expect(tileOutputBits(codes, 3, 8, 8)).toBe(11); // max row |c| sum 7 -> ±896 fits -1024..1023
  });

  it('sign-folded: the kind is the sorted magnitudes, the negative columns read inverted, so tuples differing in signs share a kind', () => {
    const codes = [
      1, -1, 0, 2,
      -1, 1, 0, -2,
      0, 2, -1, 1,
    ];
    const magnitudes = [0, 1, 2];
    const plan = planTile(codes, 3, 4, 4, (m) => magnitudes.indexOf(m), true);
    expect(plan.instances).toHaveLength(3); // signed tuples stay distinct instances
    expect(plan.instances[0]).toMatchObject({ tuple: [1, -1, 0, 2], kindCoefficients: [0, 1, 1, 2], portColumn: [2, 0, 1, 3], negated: [false, true, false, false] });
    expect(plan.instances[1]).toMatchObject({ kindCoefficients: [0, 1, 1, 2], negated: [true, false, false, true] });
    expect(new Set(plan.instances.map((i) => i.kindRank)).size).toBe(1); // one folded kind for all three
    const signed = planTile(codes, 3, 4, 4, (c) => c + 2);
    expect(new Set(signed.instances.map((i) => i.kindRank)).size).toBe(2); // {-1,0,1,2} twice, {-2,-1,0,1}
    expect(signed.instances.every((i) => i.negated.every((n) => !n))).toBe(true);
  });

  it('stimulus starts with the corners', () => {
    const v = tileVectors(4, 8, 10, 1);
    expect([...v[0]]).toEqual([127, 127, 127, 127]);
    expect([...v[1]]).toEqual([-128, -128, -128, -128]);
    expect([...v[3]]).toEqual([127, -128, 127, -128]);
    expect(v.slice(6).every((x) => x.every((e) => e >= -128 && e <= 127))).toBe(true);
  });
});

describe.runIf(hasKit && icarus)('flow:tiles (yosys, our simulator, Icarus)', () => {
  it.runIf(STORIES)('real stories260K weights, every architecture: zero mismatches, measured cycles per vector, transistors by group; the check bites on a flipped coefficient', async () => {
    const out = join(tmp(), 'stories');
    const run = await cli(['tiles', '--model', 'stories-260k', '--weights', STORIES!, '--tile', '8x16', '--tile-at', '8,16', '--tile-archs', 'all', '--share-min-uses', '2', '--crosscheck-vectors', '150', '--out', out, '--no-cache']);
    expect(run.code, run.stderr).toBe(0);
    const m = readJson(join(out, 'metrics.json'));
    const cells = parseCellLibrary(readFileSync(findKit().liberty, 'utf8'));
    const expectedCycles: Record<string, number> = { da: 8, parallel: 1, bitserial: 8 };
    for (const arch of ['da', 'parallel', 'bitserial', 'bitserial-shared']) {
      const id = `l0.q_proj-r8c16-8x16-${arch}`;
      expect(m[`gatesim__vectors__count__arch:${arch}`]).toBe(10_000);
      expect(m[`gatesim__mismatch__count__arch:${arch}`]).toBe(0);
      expect(m[`gatesim__crosscheck__mismatch__count__arch:${arch}`]).toBe(0);
      expect(m[`synth__design__transistor__count__arch:${arch}`]).toBeGreaterThan(1000);
      expect(m[`synth__transistors_per_coefficient__arch:${arch}`]).toBeCloseTo(m[`synth__design__transistor__count__arch:${arch}`] / 128, 2);
      const golden = readJson(join(out, 'tiles', id, 'golden.json'));
      // The generator's promise and the simulation's measurement agree.
      expect(m[`gatesim__cycles_per_vector__tile:${id}`]).toBe(golden.cyclesPerVector);
      if (arch in expectedCycles) expect(golden.cyclesPerVector).toBe(expectedCycles[arch]);
      else expect(golden.cyclesPerVector).toBeGreaterThan(8); // each level of shared sums adds a cycle
      // Transistors by instance group add up to the netlist's total.
      const synth = readJson(join(out, 'tiles', id, 'synth.json'));
      expect(Object.values(synth.transistorsByGroup as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(synth.transistors);
      expect(synth.transistorsByGroup.u_tree).toBeGreaterThan(0);
      if (arch !== 'parallel') expect(synth.transistorsByGroup.u_inreg).toBeGreaterThan(0);
      // Flip one coefficient of the golden model: the same netlist must now mismatch.
      const netlist = compileNetlist(readJson(join(out, 'tiles', id, 'netlist.json')), golden.top, cells);
      const codes = golden.codes.flat() as number[];
      const vectors = tileVectors(16, 8, 1000, 2);
      const good = checkTile(netlist, codes, 8, 16, 8, golden.outputBits, vectors);
      expect(good.mismatches).toBe(0);
      expect(good.cyclesPerVector).toBe(golden.cyclesPerVector);
      const flip = codes.findIndex((c) => c !== 0);
      codes[flip] += 1;
      expect(checkTile(netlist, codes, 8, 16, 8, golden.outputBits, vectors).mismatches, arch).toBeGreaterThan(900);
    }
    expect(readJson(join(out, 'tiles', 'l0.q_proj-r8c16-8x16-bitserial-shared', 'golden.json')).structure.serialAdders).toBeGreaterThan(0);
    // Glitches measured with the cells' delays (Icarus with OpenSTA's SDF): flops cannot glitch (their outputs change
    // once a cycle), so the registers' factor is 1 exactly, which checks the counting; the adder trees glitch most.
    for (const arch of ['bitserial', 'bitserial-shared']) {
      const power = readJson(join(out, '04-gate-sim-check', 'power', `l0.q_proj-r8c16-8x16-${arch}`, 'power.json'));
      expect(power.glitch.outputMismatches, arch).toBe(0);
      expect(power.glitch.byGroup.registers.factor, arch).toBe(1);
      expect(power.glitch.byGroup['adder trees'].factor, arch).toBeGreaterThan(1.2);
      expect(power.glitch_factor, arch).toBeGreaterThan(1);
      expect(m[`gatesim__glitch_factor__tile:l0.q_proj-r8c16-8x16-${arch}`]).toBe(power.glitch_factor);
    }
    for (const file of ['rtl.v', 'netlist.v', 'netlist.json', 'golden.json']) expect(readFileSync(join(out, 'tiles', 'l0.q_proj-r8c16-8x16-da', file)).length).toBeGreaterThan(0);
  }, 900_000);

  it('synthetic llama-3.1-8b weights, da and parallel: zero mismatches in our simulator and in Icarus', async () => {
    const out = join(tmp(), 'llama');
    const run = await cli(['tiles', '--model', 'llama-8b', '--tile', '8x16', '--tile-archs', 'da,parallel', '--crosscheck-vectors', '200', '--crosscheck-cell-vectors', '0', '--out', out, '--no-cache']);
    expect(run.code, run.stderr).toBe(0);
    const m = readJson(join(out, 'metrics.json'));
    expect(m.run__model__id).toBe('llama-3.1-8b');
    for (const arch of ['da', 'parallel']) {
      expect(m[`gatesim__mismatch__count__arch:${arch}`]).toBe(0);
      expect(m[`gatesim__crosscheck__vectors__arch:${arch}`]).toBe(200);
      expect(m[`gatesim__crosscheck__mismatch__count__arch:${arch}`]).toBe(0);
    }
  }, 600_000);

  it('gpt-oss-20b MXFP4 sign-folded, da and parallel: folded kind modules, zero mismatches in our simulator and in Icarus', async () => {
    const out = join(tmp(), 'fold');
    const run = await cli(['tiles', '--model', 'gpt-oss-20b', '--quant', 'fp4-mx', '--sign-fold', '--tile', '8x16', '--tile-archs', 'da,parallel', '--crosscheck-vectors', '200', '--crosscheck-cell-vectors', '0', '--out', out, '--no-cache']);
    expect(run.code, run.stderr).toBe(0);
    const m = readJson(join(out, 'metrics.json'));
    for (const arch of ['da', 'parallel']) {
      const dir = join(out, 'tiles', `l0.q_proj-r0c0-8x16-${arch}`);
      expect(readJson(join(dir, 'golden.json')).signFold).toBe(true);
      const rtl = readFileSync(join(dir, 'rtl.v'), 'utf8');
      expect(rtl).toMatch(new RegExp(`module hw_${arch}_fp4_mx_fold_k4_r\\d+_u`));
      expect(rtl).not.toMatch(new RegExp(`module hw_${arch}_fp4_mx_k4_`));
      expect(rtl).toMatch(arch === 'da' ? /u_fab\d+ \(\.x\(\{[^)]*nu\[/ : /u_fab\d+ \(\.x\(\{[^)]*~u\[/); // a sign pushed to an input
      expect(m[`gatesim__mismatch__count__arch:${arch}`]).toBe(0);
      expect(m[`gatesim__crosscheck__mismatch__count__arch:${arch}`]).toBe(0);
    }
  }, 600_000);

  it('bad tile options are one-line user errors', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['tiles', '--model', 'stories-260k', '--tile', '16by32'], /--tile: expected ROWSxCOLS, e\.g\. 16x32/],
      [['tiles', '--model', 'stories-260k', '--tile', '16x32', '--tile-at', '60,0', '--out', tmp()], /--tile 16x32 at --tile-at 60,0 does not fit model\.layers\.0\.self_attn\.q_proj\.weight \[64, 64\]/],
      [['tiles', '--model', 'stories-260k', '--tile', '8x10', '--out', tmp()], /10 columns are not a multiple of --block 4/],
      [['tiles', '--model', 'stories-260k', '--tensor', 'nope', '--out', tmp()], /--tensor nope: no such tensor in stories-260k/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
    }
  });
});
