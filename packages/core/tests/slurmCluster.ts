/** Test helpers: is Slurm installed, does a cluster answer (the one tools/slurm-local.sh starts, or any). */
import { spawnSync } from 'node:child_process';

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

export const slurmInstalled = () => has('sbatch') && has('slurmctld') && has('munged');

export function clusterUp(): boolean {
  const r = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8' });
  return r.status === 0 && /idle|mix|alloc/.test(r.stdout ?? '');
}
