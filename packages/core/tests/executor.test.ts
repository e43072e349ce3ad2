/** The work-item executor on this machine; on a real (one-node) Slurm cluster: test/slurm.test.ts. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arraySpec, itemExitCode, runWorkItems, sbatchArgv, type ExecutorConfig } from '../src/index.ts';
import { items } from './slurmCluster.ts';



const local = (jobs = 2): ExecutorConfig => ({ executor: 'local', jobs, slurm: { cpus: 1, retries: 1 } });


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
