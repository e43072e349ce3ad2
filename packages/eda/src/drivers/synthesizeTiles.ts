/**
 * Many tile syntheses through an executor (edge): `local` runs `synthesizeTile` in this process's bounded pool
 * (as the stages always did); `slurm` writes one work item per tile (`synth-item.json`, run by
 * `synthItemMain.ts`) and submits them as a job array. Results come back in job order either way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachBounded, runScriptItems, type ExecutorConfig, type StageContext } from '@hardwire/core';
import { synthesizeTile, type SynthesizedTile, type TileSynthesisOptions } from './synthesizeTile.ts';
import type { YosysBackend } from './runYosys.ts';

/** What a synthesis item needs, as JSON (the parsed Liberty and CDL are read again from their files). */
export interface SynthItemSpec {
  readonly backend: YosysBackend;
  readonly workDir: string;
  readonly top: string;
  readonly libPath: string;
  readonly cdlPath: string;
  readonly maxFanout: number;
  readonly staClockNs?: number;
}

export interface SynthJob {
  readonly options: TileSynthesisOptions;
  /** The kit's CDL (transistor counts), for items that run in their own process. */
  readonly cdlPath: string;
}

export async function synthesizeTiles(ctx: Pick<StageContext<unknown>, 'exec' | 'log' | 'stageDir'>, executor: ExecutorConfig, jobs: readonly SynthJob[], progress?: { advance(n: number): void }, batchName = 'synthesis'): Promise<SynthesizedTile[]> {
  const results: SynthesizedTile[] = new Array(jobs.length);
  if (executor.executor === 'local') {
    await forEachBounded(jobs, executor.jobs, async (job, index) => {
      results[index] = await synthesizeTile(ctx, job.options);
      progress?.advance(1);
    });
    return results;
  }
  const specs = jobs.map((job) => {
    const o = job.options;
    const spec: SynthItemSpec = { backend: o.backend, workDir: o.workDir, top: o.top, libPath: o.libPath, cdlPath: job.cdlPath, maxFanout: o.maxFanout, staClockNs: o.staClockNs };
    return { dir: o.workDir, specFile: 'synth-item.json', spec };
  });
  // Progress counts finished items; results are read (in job order) once the batch is through.
  await runScriptItems({ log: (line) => ctx.log(line), progress }, batchName, ctx.stageDir, 'packages/eda/src/drivers/synthItemMain.ts', specs, executor);
  jobs.forEach((job, index) => {
    results[index] = JSON.parse(readFileSync(join(job.options.workDir, 'synth-result.json'), 'utf8')) as SynthesizedTile;
  });
  return results;
}
