/**
 * The work-item executor on this machine and on a real (one-node) Slurm cluster: `tools/slurm-local.sh start`
 * is run when `sbatch` is installed and no cluster answers (and stopped again after).
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arraySpec, itemExitCode, runWorkItems, sbatchArgv, type ExecutorConfig, type WorkItem } from '../src/index.ts';

import { slurmInstalled, useLocalCluster } from './slurmCluster.ts';

if (!slurmInstalled()) console.log('skip: Slurm is not installed (bash tools/setup.sh installs slurmctld, slurmd, slurm-client, munge); the Slurm executor tests are not run');

const local = (jobs = 2): ExecutorConfig => ({ executor: 'local', jobs, slurm: { cpus: 1, retries: 1 } });
const slurm = (o: Partial<ExecutorConfig['slurm']> = {}): ExecutorConfig => ({ executor: 'slurm', jobs: 0, slurm: { cpus: 1, retries: 1, ...o } });

function items(root: string, n: number, body: (i: number) => string): WorkItem[] {
  return Array.from({ length: n }, (_, i) => {
    const dir = join(root, `item-${i}`);
    mkdirSync(dir, { recursive: true });
    return { dir, exe: 'sh', argv: ['-c', body(i)] };
  });
}

describe('work items (pure parts)', () => {
  it('array specs compress runs; sbatch gets --wait, the array with its throttle and the limits', () => {
    expect(arraySpec([5, 0, 1, 2, 7, 9, 10])).toBe('0-2,5,7,9-10');
    expect(sbatchArgv({ cpus: 2, retries: 0, time: '00:05:00', mem: '1G', partition: 'p' }, [0, 1, 3], 2, 'j', 'o-%a.out', 's.sh')).toEqual(['--wait', '--parsable', '--array=0-1,3%2', '--job-name=j', '--output=o-%a.out', '--cpus-per-task=2', '--partition=p', '--time=00:05:00', '--mem=1G', 's.sh']);
  });
});

describe('the local executor', () => {
  it('runs every item in its folder (arguments with spaces and quotes intact) and reports a failed one by index, exit code and log', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hw-items-'));
    const ok = items(root, 4, (i) => `printf '%s' "it's item ${i}" > out.txt`);
    await runWorkItems({ log: () => {} }, 'ok', root, ok, local());
    ok.forEach((item, i) => {
      expect(readFileSync(join(item.dir, 'out.txt'), 'utf8')).toBe(`it's item ${i}`);
      expect(itemExitCode(item)).toBe(0);
    });
    const bad = items(join(root, 'bad'), 3, (i) => (i === 1 ? 'echo broken >&2; exit 7' : 'true'));
    await expect(runWorkItems({ log: () => {} }, 'bad', root, bad, local(1))).rejects.toThrow(/item 1: .* exited with code 7; log: .*item-1\/item\.log/);
    expect(readFileSync(join(bad[1].dir, 'item.log'), 'utf8')).toContain('broken');
  });
});

describe.runIf(slurmInstalled())('the Slurm executor on a one-node cluster', () => {
  useLocalCluster();

  it('runs a job array and gets the same item results as the local pool', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hw-slurm-'));
    const work = items(root, 5, (i) => `echo $(( ${i} * ${i} )) > square.txt`);
    let finished = 0;
    await runWorkItems({ log: () => {}, onFinished: (n) => (finished = n) }, 'squares', root, work, slurm());
    expect(work.map((w) => readFileSync(join(w.dir, 'square.txt'), 'utf8').trim())).toEqual(['0', '1', '4', '9', '16']);
    expect(finished).toBe(5);
  }, 120_000);

  it('a failed item fails the batch with its index and exit code; an item past its time limit is resubmitted, then reported as timed out', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hw-slurm-'));
    const bad = items(root, 3, (i) => (i === 2 ? 'exit 5' : 'true'));
    await expect(runWorkItems({ log: () => {} }, 'bad', root, bad, slurm())).rejects.toThrow(/item 2: .* exited with code 5/);
    // The first submission of item 0 sleeps past the one-minute limit; its resubmission finds the marker and ends at once.
    const slow = items(join(root, 'slow'), 2, (i) => (i === 0 ? 'if [ -e marker ]; then exit 0; fi; touch marker; sleep 600' : 'true'));
    const lines: string[] = [];
    await runWorkItems({ log: (l) => lines.push(l) }, 'slow', root, slow, slurm({ time: '1', retries: 1 }));
    expect(lines.some((l) => /item 0 .*no exit code \(time limit/.test(l))).toBe(true);
    expect(itemExitCode(slow[0])).toBe(0);
    const stuck = items(join(root, 'stuck'), 1, () => 'sleep 600');
    await expect(runWorkItems({ log: () => {} }, 'stuck', root, stuck, slurm({ time: '1', retries: 0 }))).rejects.toThrow(/item 0 .* ended without an exit code 1 time\(s\) \(time limit\)/);
  }, 400_000);
});
