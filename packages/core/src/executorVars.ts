/** The executor's options (pure): where a stage's independent work items run. */
import { int, oneOf, str } from './vars.ts';
import type { ExecutorConfig } from './io/runWorkItems.ts';

export const executorVars = {
  executor: oneOf(['local', 'slurm'] as const, { default: 'local', doc: 'Where independent work items (tile syntheses, calibration sizes, block-library batches, physical tiles) run: local (a bounded pool on this machine) or slurm (one sbatch job array per batch; needs a shared filesystem). Outputs do not depend on it.' }),
  slurmPartition: str({ doc: 'Slurm partition (default: the cluster\'s default).' }),
  slurmTime: str({ doc: 'Slurm time limit per item (minutes, HH:MM:SS or D-HH); an item past it, or on a lost node, is resubmitted (twice at most).' }),
  slurmCpus: int({ default: 1, min: 1, max: 256, doc: 'CPUs per Slurm item.' }),
  slurmMem: str({ doc: 'Memory per Slurm item (e.g. 4G; default: the partition\'s).' }),
};

/** Resubmissions of an item that ended without an exit code (a time limit, a lost node). */
export const SLURM_RETRIES = 2;

export function executorConfig(c: { executor: 'local' | 'slurm'; slurmPartition?: string; slurmTime?: string; slurmCpus: number; slurmMem?: string }, jobs: number): ExecutorConfig {
  return { executor: c.executor, jobs, slurm: { partition: c.slurmPartition, time: c.slurmTime, cpus: c.slurmCpus, mem: c.slurmMem, retries: SLURM_RETRIES } };
}
