/**
 * Icarus Verilog driver (edge): compiles a gate-level netlist with the kit's cell models in functional,
 * zero-delay mode (`-DFUNCTIONAL -DUNIT_DELAY=`) and a testbench, runs it with vvp. Docs:
 * https://steveicarus.github.io/iverilog/ ; tested with 11.0.
 */
import { existsSync } from 'node:fs';
import type { StageContext } from '@hardwire/core';

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
