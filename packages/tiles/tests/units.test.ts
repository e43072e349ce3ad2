import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execLogged } from '@hardwire/core';
import { clockTreeBits, findKit, kitAvailable, hasIcarus, hasSta, measureStaPower, netlistPower, parseCellLibrary, parseLiberty, powerLibrary } from '@hardwire/eda';
import { runCli } from '@hardwire/flow';
import { compileNetlist, type YosysNetlistJson } from '@hardwire/gatesim';
import { describe, expect, it } from 'vitest';
import { EXP_TABLE, SILU_TABLE, UNIT_SPECS, checkUnit, type NetlistModule, packFields, reciprocal, requantize, rotate, softmaxWeight, unitSpec, unitVectors, unitVerilog, unpackFields, type UnitSpec } from '../src/index.ts';

const hasKit = kitAvailable();
const icarus = await hasIcarus();
if (!hasKit) console.log('skip: no sky130hd kit; unit synthesis tests not run');
if (!icarus) console.log('skip: iverilog not installed; the unit synthesis tests (each checked against Icarus) not run (bash tools/setup.sh installs it)');


describe('unit arithmetic against floating point', () => {
  it('reciprocal and reciprocal square root are within 0.8 % of 1/v and 1/√v over 48 bits', () => {
    for (let e = 0; e < 48; e++) for (const frac of [0, 0.13, 0.5, 0.77, 0.999]) {
      const v = BigInt(Math.floor(2 ** e * (1 + frac)));
      if (v >= 2n ** 48n) continue;
      for (const sqrt of [false, true]) {
        const { f, s } = reciprocal(v, sqrt);
        const got = f / 2 ** s;
        const want = sqrt ? 1 / Math.sqrt(Number(v)) : 1 / Number(v);
        expect(Math.abs(got / want - 1), `v=${v} sqrt=${sqrt}`).toBeLessThan(0.008);
        expect(f).toBeLessThan(65536);
        expect(s).toBeLessThan(64);
      }
    }
    expect(reciprocal(0n, true)).toEqual({ f: 65535, s: 0 });
  });

  it('softmax weights follow 127·2^(−gap·c/2^16), SiLU follows x/(1+e^−x), requantization rounds half up and saturates', () => {
    for (const [gap, c] of [[0, 65536], [100, 1024], [3000, 700], [1 << 20, 1]]) {
      const t = Math.min(255, Math.floor((gap * c) / 65536));
      expect(softmaxWeight(5000n, 5000n + BigInt(gap), c)).toBe(Math.round(127 * 2 ** (-t / 16)));
    }
    expect(softmaxWeight(10n, 5n, 1000)).toBe(127); // a score above the maximum weighs as the maximum
    expect(EXP_TABLE[0]).toBe(127);
    expect(EXP_TABLE[16]).toBe(64); // one bit down
    for (const g of [-128, -40, -1, 0, 1, 17, 127]) expect(Math.abs(SILU_TABLE[g + 128] - (16 * (g / 16)) / (1 + Math.exp(-g / 16)))).toBeLessThanOrEqual(0.5);
    expect(requantize(1000n, 3, 4, 0n, false)).toBe(188n); // 187.5 rounds up
    expect(requantize(-1000n, 3, 4, 0n, false)).toBe(-187n); // -187.5 rounds up
    expect(requantize(1n << 30n, 65535, 10, 0n, true)).toBe(127n);
    expect(requantize(-5n, 1, 0, 100n, true)).toBe(95n);
    const [y0, y1] = rotate(1000n, 0n, 11585n, 11585n); // 45 degrees in Q1.14
    expect([Number(y0), Number(y1)]).toEqual([707, 707]);
  });

  it('packs and unpacks every unit\'s fields losslessly, and each unit\'s RTL has the stream ports', () => {
    for (const spec of UNIT_SPECS) {
      for (const v of unitVectors(spec, 50, 3)) expect(unpackFields(spec.inputs, packFields(spec.inputs, v))).toEqual(v);
      const rtl = unitVerilog(spec);
      for (const port of ['clk', 'rst', 'in_valid', 'in_ready', 'x', 'out_valid', 'y']) expect(rtl).toMatch(new RegExp(`\\b${port}\\b`));
    }
    // Corners first: every field at its minimum, then its maximum.
    const [lo, hi] = unitVectors(unitSpec('reducer'), 2, 1);
    expect([lo.p[0], lo.f[0], hi.p[0], hi.f[0]]).toEqual([-(2n ** 23n), 0n, 2n ** 23n - 1n, 65535n]);
  });
});

describe.runIf(hasKit && icarus)('Units.Synthesize (yosys, OpenSTA, our simulator, Icarus)', () => {
  it('synthesizes every unit, proves it bit-exact in both simulators, and a wrong golden model is caught', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hw-units-'));
    const run = await runCli(['units', '--unit-vectors', '2000', '--unit-crosscheck-vectors', '200', '--out', out, '--no-cache']);
    expect(run.code, run.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, number>;
    expect(m.units__count).toBe(UNIT_SPECS.length);
    expect(m.units__mismatch__count).toBe(0);
    expect(m.units__vectors__count).toBe(2000 * UNIT_SPECS.length);
    expect(m.units__crosscheck__mismatch__count).toBe(0);
    const units = (JSON.parse(readFileSync(join(out, '01-units-synthesize', 'units.json'), 'utf8')) as { units: Array<{ id: string; transistors: number; cyclesPerVector: number; latencyCycles: number; clockMHz?: number; icarus: { vectors: number } | null }> }).units;
    for (const u of units) {
      expect(u.transistors, u.id).toBeGreaterThan(1000);
      expect(u.cyclesPerVector, u.id).toBe(1); // every lane takes a vector a cycle
      expect(u.icarus?.vectors, u.id).toBe(200);
    }
    // Pipeline depth measured in simulation: the reducer's seven register stages.
    expect(units.find((u) => u.id === 'reducer')!.latencyCycles).toBe(7);
    // The check fails when the golden model is wrong by one in the last bit of the rounding.
    const kit = findKit();
    const cells = parseCellLibrary(readFileSync(kit.liberty, 'utf8'));
    const dir = join(out, '01-units-synthesize', 'work', 'silu_mul');
    const netlist = compileNetlist(JSON.parse(readFileSync(join(dir, 'netlist.json'), 'utf8')) as YosysNetlistJson, 'hw_unit_silu_mul', cells);
    const spec = unitSpec('silu_mul');
    const vectors = unitVectors(spec, 2000, 9);
    expect(checkUnit(netlist, spec, vectors).mismatches).toBe(0);
    const wrong: UnitSpec = { ...spec, golden: (x) => ({ y: [requantize(BigInt(SILU_TABLE[Number(x.g[0]) + 128]) * x.u[0], Number(x.f[0]), Math.max(0, Number(x.s[0]) - 1), 0n, true)] }) };
    expect(checkUnit(netlist, wrong, vectors).mismatches).toBeGreaterThan(100);
    // Power: every unit has its measured energy per cycle; the Liberty switching power of a unit agrees with
    // OpenSTA's report_power at one activity on every net (pin capacitances, no wire load: what this OpenSTA
    // counts), leakage alike; OpenSTA's internal power runs 1.5-3.5x ours (it adds rise and fall energies).
    const withPower = JSON.parse(readFileSync(join(out, '01-units-synthesize', 'units.json'), 'utf8')) as { units: Array<{ id: string; power: { switchingPjPerCycle: number; internalPjPerCycle: number; leakageNw: number; meanActivity: number } }> };
    for (const u of withPower.units) {
      expect(u.power.switchingPjPerCycle, u.id).toBeGreaterThan(0);
      expect(u.power.internalPjPerCycle, u.id).toBeGreaterThan(0);
      expect(u.power.meanActivity, u.id).toBeGreaterThan(0.05);
    }
    if (await hasSta()) {
      const lib = powerLibrary(parseLiberty(readFileSync(kit.liberty, 'utf8')));
      const dot = join(out, '01-units-synthesize', 'work', 'attn_dot');
      const mod = (JSON.parse(readFileSync(join(dot, 'netlist.json'), 'utf8')) as { modules: Record<string, NetlistModule> }).modules.hw_unit_attn_dot;
      const tree = clockTreeBits(mod.cells, lib, mod.ports.clk.bits);
      const ours = netlistPower(mod.cells, { ...lib, wireCapPf: () => 0 }, (b) => (tree.has(b) ? 2 : 0.2));
      const ctx = { exec: (cmd: string, args: readonly string[], o?: { cwd?: string }) => execLogged(cmd, args, { commandsFile: join(dot, 'COMMANDS.power'), logFile: join(dot, 'power.exec.log') }, { cwd: o?.cwd }) };
      const sta = (await measureStaPower(ctx as never, dot, { libPath: kit.liberty, netlist: 'netlist.v', top: 'hw_unit_attn_dot', clockNs: 10, activity: 0.2, operatingConditions: 'tt_025C_1v80' }))!;
      const watts = (pj: number) => pj * 1e-12 * 1e8;
      expect(Math.abs(watts(ours.switchingPjPerCycle) / sta.switchingW - 1)).toBeLessThan(0.03);
      expect(Math.abs((ours.leakageNw * 1e-9) / sta.leakageW - 1)).toBeLessThan(0.01);
      const ratio = sta.internalW / watts(ours.internalPjPerCycle);
      expect(ratio).toBeGreaterThan(1.5);
      expect(ratio).toBeLessThan(3.5);
    }
  }, 10 * 60_000);
});
