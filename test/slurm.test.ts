/**
 * Past one machine, on a real (one-node) Slurm cluster, started with tools/slurm-local.sh when Slurm is installed
 * and none answers: the executor's job arrays, failures and time limits; flow:arch and a calibration write the same
 * files as the local pool.
 */

import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureFile } from '@hardwire/core';
import { kitAvailable, missingPhysicalTools } from '@hardwire/eda';
import { runCli } from '@hardwire/flow';
import { describe, expect, it } from 'vitest';
import { itemExitCode, runWorkItems, type ExecutorConfig } from '@hardwire/core';
import { items, slurmInstalled, useLocalCluster } from '../packages/core/tests/slurmCluster.ts';

const slurm = (o: Partial<ExecutorConfig['slurm']> = {}): ExecutorConfig => ({ executor: 'slurm', jobs: 0, slurm: { cpus: 1, retries: 1, ...o } });

const missingPhysical = await missingPhysicalTools();
const STORIES = fixtureFile('stories260K.bin');
const physicalReady = kitAvailable() && missingPhysical.length === 0 && Boolean(STORIES);
if (!physicalReady) console.log(`skip: the physical tiles on Slurm need the kit, stories260K and ${missingPhysical.join(', ') || 'the tools'} (bash tools/setup.sh installs them)`);
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

  it('the block library writes the same files with --executor local and --executor slurm', async () => {
    const outs: Record<string, string> = {};
    for (const executor of ['local', 'slurm']) {
      const out = mkdtempSync(join(tmpdir(), `hw-blocks-${executor}-`));
      const r = await runCli(['blocks', '--quant', 'int3', '--block', '4', '--kinds', '0,1,2,3,100,200,329', '--synth-batch', '3', '--yosys', 'native', '--executor', executor, '--out', out, '--no-cache']);
      expect(r.code, r.stderr).toBe(0);
      outs[executor] = out;
    }
    const stage = (out: string) => join(out, readdirSync(out).find((d) => d.endsWith('block-lib-synthesize'))!);
    // Three batches: three items of one job array.
    expect(readFileSync(join(stage(outs.slurm), 'block-library.items'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(readFileSync(join(stage(outs.slurm), 'library.json'), 'utf8')).toBe(readFileSync(join(stage(outs.local), 'library.json'), 'utf8'));
    const kinds = readdirSync(join(stage(outs.local), 'kinds')).sort();
    expect(kinds).toHaveLength(14);
    for (const f of kinds) expect(readFileSync(join(stage(outs.slurm), 'kinds', f), 'utf8'), f).toBe(readFileSync(join(stage(outs.local), 'kinds', f), 'utf8'));
  }, 600_000);

  it.runIf(physicalReady)('flow:physical --windows places and routes the same tiles with --executor local and --executor slurm', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hw-physical-exec-'));
    const windows = join(root, 'windows.yaml');
    writeFileSync(windows, '- { tensor: model.layers.0.self_attn.q_proj.weight, at: "0,0" }\n- { tensor: model.layers.0.self_attn.q_proj.weight, at: "8,16" }\n');
    const outs: Record<string, string> = {};
    for (const executor of ['local', 'slurm']) {
      const out = join(root, executor);
      const r = await runCli(['physical', '--model', 'stories-260k', '--weights', STORIES!, '--tile', '4x8', '--windows', windows, '--tile-archs', 'da', '--crosscheck-vectors', '0', '--image-px', '300', '--executor', executor, '--out', out, '--no-cache']);
      expect([0, 1], r.stderr).toContain(r.code);
      outs[executor] = out;
    }
    const stage = (out: string) => join(out, readdirSync(out).find((d) => d.endsWith('physical-tiles'))!);
    expect(readFileSync(join(stage(outs.slurm), 'physical-tiles.items'), 'utf8').trim().split('\n')).toHaveLength(2);
    const ids = readdirSync(join(stage(outs.local), 'tiles')).sort();
    expect(ids).toHaveLength(2);
    const withoutTimes = (path: string) => Object.fromEntries(Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>).filter(([k]) => !k.includes('wall_s')));
    for (const id of ids) {
      const tile = (executor: string, f: string) => join(stage(outs[executor]), 'tiles', id, f);
      expect(readFileSync(tile('slurm', 'tile.def'), 'utf8'), id).toBe(readFileSync(tile('local', 'tile.def'), 'utf8'));
      expect(withoutTimes(tile('slurm', 'physical.json')), id).toEqual(withoutTimes(tile('local', 'physical.json')));
      expect(withoutTimes(tile('local', 'physical.json')).physical__gatesim__mismatch__count).toBe(0);
    }
  }, 1_200_000);
});
