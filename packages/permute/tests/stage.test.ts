import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execLogged, type ExecOptions } from '@hardwire/core';
import { chooseYosys, findKit, kitAvailable } from '@hardwire/eda';
import { runCli } from '@hardwire/flow';
import { describe, expect, it } from 'vitest';
import { buildNetwork, checkEmittedVerilog, routePermutation } from '../src/index.ts';

const cli = runCli;
const tmp = () => mkdtempSync(join(tmpdir(), 'hw-perm-'));
const hasKit = kitAvailable();
if (!hasKit) console.log('skip: no sky130hd kit; gate-level Verilog checks not run');

describe.runIf(hasKit)('flow:permute', () => {
  it('routes a permutation from a file and checks the fixed and programmable Verilog at gate level', async () => {
    const dir = tmp();
    const permFile = join(dir, 'perm.txt');
    writeFileSync(permFile, '3 7 0 9 1 4 8 2 6 5');
    const { code, stderr } = await cli(['permute', '--n', '10', '--perm', permFile, '--out', join(dir, 'run'), '--no-cache']);
    expect(code, stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8'));
    expect(m).toMatchObject({ permute__n: 10, permute__switch__count: 25, permute__verify__ok: 1, permute__verilog__checked: 1, permute__verilog__mismatch__count: 0, permute__verilog__programmable__flops: 25 });
    expect(m.permute__stage__count).toBe(7);
  }, 120_000);

  it('the gate-level check bites: a flipped switch in the emitted Verilog gives mismatches', async () => {
    const dir = tmp();
    const ctx = { exec: (exe: string, argv: readonly string[], o?: ExecOptions) => execLogged(exe, argv, { commandsFile: join(dir, 'COMMANDS'), logFile: join(dir, 'log') }, o), log: () => {} };
    const kit = findKit();
    const { backend } = await chooseYosys('auto');
    const network = buildNetwork(8, 'benes');
    const perm = [5, 2, 7, 0, 1, 6, 3, 4];
    const settings = routePermutation(network, perm);
    const good = await checkEmittedVerilog(ctx, join(dir, 'good'), network, settings, perm, kit.liberty, kit.dontUseList, backend);
    expect(good).toMatchObject({ fixedMismatches: 0, programmableMismatches: 0, programmableFlops: 20 });
    const flipped = Uint8Array.from(settings);
    flipped[3] ^= 1;
    const bad = await checkEmittedVerilog(ctx, join(dir, 'bad'), network, flipped, perm, kit.liberty, kit.dontUseList, backend);
    expect(bad.fixedMismatches).toBeGreaterThanOrEqual(2);
    expect(bad.programmableMismatches).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('bad input: one-line errors', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, '0 1 1');
    const cases: Array<[string[], RegExp]> = [
      [['permute', '--n', '3', '--perm', bad, '--out', join(dir, 'a')], /--perm .*bad\.txt: entry 2: output 1 appears twice/],
      [['permute', '--n', '4', '--perm', bad, '--out', join(dir, 'b')], /--perm .*bad\.txt: entry 2: output 1 appears twice/],
      [['permute', '--n', '6', '--network', 'benes', '--out', join(dir, 'c')], /--network benes needs --n a power of two, got 6/],
      [['permute', '--out', join(dir, 'd')], /--n is required/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
    }
  });
});
