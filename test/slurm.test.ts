/**
 * Past one machine, on a real (one-node) Slurm cluster, started with tools/slurm-local.sh when Slurm is installed
 * and none answers: the executor's job arrays, failures and time limits; flow:arch and a calibration write the same
 * files as the local pool.
 */

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@hardwire/flow';
import { describe, expect, it } from 'vitest';
import { itemExitCode, runWorkItems, type ExecutorConfig } from '@hardwire/core';
import { items, slurmInstalled, useLocalCluster } from '../packages/core/tests/slurmCluster.ts';

const slurm = (o: Partial<ExecutorConfig['slurm']> = {}): ExecutorConfig => ({ executor: 'slurm', jobs: 0, slurm: { cpus: 1, retries: 1, ...o } });

if (!slurmInstalled()) console.log('skip: Slurm is not installed (bash tools/setup.sh installs it); the local-versus-Slurm comparison is not run');

describe.runIf(slurmInstalled())('--executor slurm', () => {
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

  it('flow:arch and a calibration write the same files with --executor local and --executor slurm (runtimes aside)', async () => {
    const outs: Record<string, string> = {};
    for (const executor of ['local', 'slurm']) {
      const out = mkdtempSync(join(tmpdir(), `hw-exec-${executor}-`));
      const arch = await runCli(['arch', '--model', 'stories-260k', '--sizes', '4x16,8x16', '--tile-archs', 'bitserial-shared,da', '--executor', executor, '--out', join(out, 'arch'), '--no-cache']);
      expect(arch.code, arch.stderr).toBe(0);
      const cal = await runCli(['study', '--model', 'stories-260k', '--to', 'Capacity.Calibrate', '--calibration-archs', 'bitserial-shared', '--calibration-sizes', '4x16,8x16,16x16,16x32,32x32,32x64', '--production-tile', '64x64', '--executor', executor, '--out', join(out, 'cal'), '--no-cache']);
      expect(cal.code, cal.stderr).toBe(0);
      outs[executor] = out;
    }
    const withoutRuntimes = (csv: string) => csv.split('\n').map((l) => l.split(',').slice(0, -1).join(',')).join('\n');
    expect(withoutRuntimes(readFileSync(join(outs.slurm, 'arch', 'arch.csv'), 'utf8'))).toBe(withoutRuntimes(readFileSync(join(outs.local, 'arch', 'arch.csv'), 'utf8')));
    expect(readFileSync(join(outs.slurm, 'arch', 'where.csv'), 'utf8')).toBe(readFileSync(join(outs.local, 'arch', 'where.csv'), 'utf8'));
    const calibration = (out: string) => readFileSync(join(out, 'cal', '02-capacity-calibrate', 'calibration.json'), 'utf8');
    expect(existsSync(join(outs.slurm, 'cal', '02-capacity-calibrate', 'calibration.sbatch.sh'))).toBe(true);
    expect(calibration(outs.slurm)).toBe(calibration(outs.local));
  }, 900_000);
});
