/**
 * Start-up benchmark: how long the command line takes before any stage works, for the smallest flow
 * (`flow:inventory --model llama-8b`, cached stage), against bare `node` and `tsx` (issue target: the
 * command's own start-up under 1 s). Runs each 5 times and prints the median.
 *
 *   npx tsx tools/bench/startup/bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@hardwire/core';

const tsxLoader = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const out = mkdtempSync(join(tmpdir(), 'hw-bench-startup-'));
const cases: Array<[string, string[]]> = [
  ['node -e 0', ['-e', '0']],
  ['node with the tsx loader, empty script', ['--import', 'tsx', '-e', '0']],
  ['hardwire inventory (tsx, cached stage)', ['--import', 'tsx', join(REPO_ROOT, 'packages', 'flow', 'src', 'cli.ts'), 'inventory', '--model', 'llama-8b', '--out', out]],
];
spawnSync(process.execPath, cases[2][1], { cwd: REPO_ROOT }); // fill the stage cache and tsx's transform cache
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`tsx loader: ${tsxLoader}`);
for (const [name, args] of cases) {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
    times.push(performance.now() - t0);
  }
  console.log(`${name}: ${(median(times) / 1000).toFixed(2)} s (median of 5)`);
}
