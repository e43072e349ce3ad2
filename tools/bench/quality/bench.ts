/**
 * flow:quality from an empty stage cache (the model already fetched): the forward passes' speed (ms per
 * token, float and hardwired, one thread) and the whole flow's wall time at its defaults (target: the six
 * formats, the pipeline row and the sensitivity in minutes on 2 cores).
 *
 *   npx tsx tools/bench/quality/bench.ts [--quick]   (--quick: the pass timings only)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '@hardwire/core';
import { fetchNpmAsset, MODEL_CATALOG, STORIES_15M_ASSET } from '@hardwire/models';
import { calibrate, compileHardwired, FloatLlama, HardwiredLlama, loadLlamaWeights, sampleSequences } from '@hardwire/quality';

const ctx = { log: (l: string) => console.log(l), exec: async (exe: string, argv: readonly string[], o?: { cwd?: string }) => execa(exe, [...argv], { cwd: o?.cwd }) as never };
const paths = await fetchNpmAsset(ctx, STORIES_15M_ASSET);
const weights = loadLlamaWeights(paths['stories15M.bin'], MODEL_CATALOG['stories-15m'], 256);
const time = (step: (t: number, p: number) => unknown, n: number) => {
  const started = performance.now();
  for (let p = 0; p < n; p++) step(1 + (p % 300), p);
  return (performance.now() - started) / n;
};
const float = new FloatLlama(weights);
time((t, p) => float.step(t, p), 16);
console.log(`float pass:     ${time((t, p) => float.step(t, p), 128).toFixed(1)} ms per token (stories15M, one thread)`);
const cal = calibrate(weights, sampleSequences(new FloatLlama(weights), 1, 64, 2), 0.9999);
for (const format of ['int3', 'fp4-nv'] as const) {
  const hw = new HardwiredLlama(compileHardwired(weights, cal, { format }));
  time((t, p) => hw.step(t, p), 16);
  console.log(`hardwired pass: ${time((t, p) => hw.step(t, p), 128).toFixed(1)} ms per token (${format})`);
}
if (!process.argv.includes('--quick')) {
  const out = mkdtempSync(join(tmpdir(), 'hw-bench-quality-'));
  const started = performance.now();
  const run = await execa('npx', ['tsx', 'packages/flow/src/cli.ts', 'quality', '--model', 'stories-15m', '--out', out, '--no-cache'], { cwd: REPO_ROOT, reject: false });
  const seconds = (performance.now() - started) / 1000;
  if (run.exitCode !== 0) {
    console.log(`flow:quality failed (exit ${run.exitCode}): ${run.stderr.split('\n').at(-1)}`);
    process.exit(1);
  }
  console.log(`flow:quality --model stories-15m (defaults, empty cache): ${seconds.toFixed(1)} s (${(seconds / 60).toFixed(1)} min) on this machine`);
  rmSync(out, { recursive: true, force: true });
}
