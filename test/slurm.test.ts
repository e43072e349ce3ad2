/**
 * Past one machine: flow:arch and a calibration on a real (one-node) Slurm cluster write the same files as the
 * local pool. The cluster is started with tools/slurm-local.sh when Slurm is installed and none answers.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@hardwire/flow';
import { describe, expect, it } from 'vitest';
import { slurmInstalled, useLocalCluster } from '../packages/core/tests/slurmCluster.ts';

if (!slurmInstalled()) console.log('skip: Slurm is not installed (bash tools/setup.sh installs it); the local-versus-Slurm comparison is not run');

describe.runIf(slurmInstalled())('--executor slurm', () => {
  useLocalCluster();

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
