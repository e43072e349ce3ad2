/** Test helpers: is Slurm installed, does a cluster answer, and a one-node cluster for a describe block. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { REPO_ROOT, type WorkItem } from '../src/index.ts';

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

export const slurmInstalled = () => has('sbatch') && has('slurmctld') && has('munged');

export function clusterUp(): boolean {
  const r = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8' });
  return r.status === 0 && /idle|mix|alloc/.test(r.stdout ?? '');
}

/** `n` work items under `root`, item i running `sh -c body(i)` in its own folder. */
export function items(root: string, n: number, body: (i: number) => string): WorkItem[] {
  return Array.from({ length: n }, (_, i) => {
    const dir = join(root, `item-${i}`);
    mkdirSync(dir, { recursive: true });
    return { dir, exe: 'sh', argv: ['-c', body(i)] };
  });
}

/**
 * In a describe block: start tools/slurm-local.sh when no cluster answers, and stop it after if this started it.
 * One test file uses it (test/slurm.test.ts): two files starting and stopping one cluster at once would collide.
 */
export function useLocalCluster(): void {
  let started = false;
  const script = join(REPO_ROOT, 'tools', 'slurm-local.sh');
  beforeAll(() => {
    if (clusterUp()) return;
    execFileSync('bash', [script, 'start'], { stdio: 'pipe' });
    started = true;
  }, 60_000);
  afterAll(() => {
    if (started) execFileSync('bash', [script, 'stop'], { stdio: 'pipe' });
  });
}
