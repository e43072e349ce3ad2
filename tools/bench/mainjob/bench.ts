/**
 * The main job on a fresh clone (issue target: 8 minutes or less on 2 cores): clones this checkout's HEAD into a
 * temporary folder, installs with `npm ci` (not timed), then times `npx nx run flow:tile --model llama-8b` there (no
 * caches: the clone has none) and prints the total and each stage's start and end (seconds after the run began;
 * stages that do not depend on each other overlap) and its own time (its `runtime.txt`), in the order they started.
 *
 *   npx tsx tools/bench/mainjob/bench.ts [--keep]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@hardwire/core';

const keep = process.argv.includes('--keep');
const clone = mkdtempSync(join(tmpdir(), 'hw-bench-mainjob-'));
const run = (exe: string, argv: string[], cwd: string, inherit = false) => {
  const r = spawnSync(exe, argv, { cwd, stdio: inherit ? 'inherit' : 'pipe', encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`${exe} ${argv.join(' ')} exited ${r.status} in ${cwd}${inherit ? '' : `:\n${(r.stderr ?? '').split('\n').slice(-10).join('\n')}`}`);
    process.exit(1);
  }
};
console.log(`fresh clone of ${REPO_ROOT} (HEAD) in ${clone}`);
run('git', ['clone', '--quiet', REPO_ROOT, clone], tmpdir());
run('npm', ['ci', '--no-audit', '--no-fund'], clone);
const t0 = performance.now();
const startedAtMs = Date.now();
run('npx', ['nx', 'run', 'flow:tile', '--model', 'llama-8b'], clone, true);
const totalS = (performance.now() - t0) / 1000;
const outRoot = join(clone, 'out', 'tile');
const modelDir = existsSync(outRoot) ? readdirSync(outRoot).map((d) => join(outRoot, d)).find((d) => existsSync(join(d, 'run.json'))) : undefined;
const stages = modelDir
  ? readdirSync(modelDir)
      .filter((d) => existsSync(join(modelDir, d, 'runtime.txt')))
      .map((d) => {
        const seconds = Number.parseFloat(readFileSync(join(modelDir, d, 'runtime.txt'), 'utf8'));
        // A stage writes its config.json as it starts.
        const startS = (statSync(join(modelDir, d, 'config.json')).mtimeMs - startedAtMs) / 1000;
        return { stage: d, seconds, startS };
      })
      .sort((a, b) => a.startS - b.startS)
  : [];
const cores = (await import('node:os')).availableParallelism();
console.log(`\nmain job, fresh clone, ${cores} cores: ${Math.floor(totalS / 60)} min ${Math.round(totalS % 60)} s through Nx (target 8 min)`);
console.log(`  ${'stage'.padEnd(28)} ${'start'.padStart(7)} ${'end'.padStart(7)} ${'own'.padStart(7)}`);
for (const s of stages) console.log(`  ${s.stage.padEnd(28)} ${s.startS.toFixed(1).padStart(7)} ${(s.startS + s.seconds).toFixed(1).padStart(7)} ${s.seconds.toFixed(1).padStart(7)} s`);
if (!keep) rmSync(clone, { recursive: true, force: true });
