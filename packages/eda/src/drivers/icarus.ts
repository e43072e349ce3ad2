/**
 * Icarus Verilog driver (edge): compiles a gate-level netlist with the kit's cell models in functional,
 * zero-delay mode (`-DFUNCTIONAL -DUNIT_DELAY=`) and a testbench, runs it with vvp. Docs:
 * https://steveicarus.github.io/iverilog/ ; tested with 11.0.
 */
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { StageContext } from '@hardwire/core';
import { runYosysScript, type YosysBackend } from './runYosys.ts';

let cached: boolean | undefined;

/** True when `iverilog` and `vvp` are on PATH. */
export async function hasIcarus(): Promise<boolean> {
  if (cached !== undefined) return cached;
  const { execa } = await import('execa');
  const r = await execa('iverilog', ['-V'], { reject: false }).catch(() => undefined);
  cached = Boolean(r && (r.exitCode === 0 || r.exitCode === 1) && /Icarus/.test(r.stdout + (r.stderr ?? '')));
  return cached;
}

/** Compile and run: sources are paths (cell primitives and models first), `cwd` holds the testbench's files. */
export async function runIcarus(ctx: Pick<StageContext<unknown>, 'exec'>, cwd: string, sources: readonly string[], timeoutMs = 30 * 60_000): Promise<void> {
  for (const s of sources) if (!existsSync(s)) throw new Error(`icarus source ${s} is missing`);
  await ctx.exec('iverilog', ['-g2012', '-DFUNCTIONAL', '-DUNIT_DELAY=', '-o', 'sim.vvp', ...sources], { cwd, timeoutMs });
  await ctx.exec('vvp', ['-n', 'sim.vvp'], { cwd, timeoutMs });
}

/**
 * A copy of a flat gate-level netlist with every internal vector net split into single bits (yosys
 * `splitnets`; ports stay vectors), for Icarus. A cell reading one bit of a wide internal vector (a tile's
 * 4,096-bit input shift register) is re-evaluated on every change of any bit of it, so a big tile's first
 * cycle alone takes Icarus longer than 20 minutes; split, a 20,000-cell tile runs 9 vectors in under a
 * minute. Writes `netlist_sim.v` in `dir` and returns its path.
 */
export async function splitNetsForIcarus(ctx: Pick<StageContext<unknown>, 'exec' | 'log'>, backend: YosysBackend, dir: string, netlistPath: string, top: string, libertyPath: string): Promise<string> {
  const netlist = basename(netlistPath);
  const liberty = basename(libertyPath);
  if (backend === 'native') {
    for (const [path, name] of [[netlistPath, netlist], [libertyPath, liberty]]) if (!existsSync(join(dir, name))) symlinkSync(path, join(dir, name));
  }
  writeFileSync(join(dir, 'split.ys'), [`read_liberty -lib ${liberty}`, `read_verilog ${netlist}`, `hierarchy -top ${top}`, 'splitnets', 'write_verilog -noattr -noexpr netlist_sim.v', ''].join('\n'));
  await runYosysScript(ctx, backend, dir, 'split.ys', [netlistPath, libertyPath]);
  return join(dir, 'netlist_sim.v');
}
