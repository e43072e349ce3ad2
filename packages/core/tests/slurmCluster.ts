/** Test helpers: is Slurm installed, does a cluster answer, and a one-node cluster for a describe block. */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { REPO_ROOT } from '../src/index.ts';

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

export const slurmInstalled = () => has('sbatch') && has('slurmctld') && has('munged');

export function clusterUp(): boolean {
  const r = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8' });
  return r.status === 0 && /idle|mix|alloc/.test(r.stdout ?? '');
}

/** In a describe block: start tools/slurm-local.sh when no cluster answers, and stop it after if this started it. */
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
