/**
 * Synthesize many small modules with yosys, several runs at a time (edge): each batch is one yosys run
 * over a shared RTL file; results are read back per module. With `--executor slurm` each batch is a work item
 * (`yosys -q -l yosys.log -s synth.ys` in its folder) of one job array; results are read in batch order.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError, forEachBounded, runWorkItems, type ExecutorConfig, type StageContext, type WorkItem } from '@hardwire/core';
import { parseYosysStat, runYosysScript, synthScript, type YosysBackend, type YosysStat } from '@hardwire/eda';

export interface ModuleToSynthesize {
  readonly module: string;
  readonly verilog: string;
}

export interface SynthesizedModule {
  readonly module: string;
  readonly stat: YosysStat;
  readonly netlistVerilog: string;
  readonly netlistJson: string;
}

/** Run `modules` in batches of `batchSize`, `jobs` yosys runs at once (or as Slurm items); `onDone` is called per finished batch. */
export async function synthesizeBatches(
  ctx: Pick<StageContext<unknown>, 'exec' | 'log' | 'stageDir'>,
  options: {
    backend: YosysBackend;
    liberty: string;
    /** The Liberty's sequential cells alone (`flopCellsLiberty`), for dfflibmap. */
    flopLiberty: string;
    workDir: string;
    jobs: number;
    batchSize: number;
    executor?: ExecutorConfig;
  },
  modules: readonly ModuleToSynthesize[],
  onDone: (results: SynthesizedModule[]) => void | Promise<void>,
): Promise<void> {
  const batches: ModuleToSynthesize[][] = [];
  for (let i = 0; i < modules.length; i += options.batchSize) batches.push(modules.slice(i, i + options.batchSize));
  const dirOf = (index: number) => join(options.workDir, `batch-${String(index).padStart(4, '0')}`);
  const prepare = (batch: ModuleToSynthesize[], index: number) => {
    const dir = dirOf(index);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'rtl.v'), batch.map((m) => m.verilog).join('\n'));
    const libName = basename(options.liberty);
    const flopName = basename(options.flopLiberty);
    // Cells are priced from the kit by the caller, so `stat` needs no areas (and parses no Liberty per module).
    writeFileSync(join(dir, 'synth.ys'), synthScript({ liberty: libName, flopLiberty: flopName, statAreas: false, sources: ['rtl.v'], modules: batch.map((m) => ({ top: m.module, stem: m.module })), portBuffers: false }));
    // Native yosys reads the Liberty copies through links; the wasm build gets the files' bytes under their names.
    if (options.backend === 'native') for (const [path, name] of [[options.liberty, libName], [options.flopLiberty, flopName]]) if (!existsSync(join(dir, name))) symlinkSync(path, join(dir, name));
    return dir;
  };
  const results = (batch: ModuleToSynthesize[], dir: string): SynthesizedModule[] =>
    batch.map((m) => ({
      module: m.module,
      stat: parseYosysStat(readFileSync(join(dir, `${m.module}.stat.json`), 'utf8'), m.module),
      netlistVerilog: readFileSync(join(dir, `${m.module}.v`), 'utf8'),
      netlistJson: readFileSync(join(dir, `${m.module}.json`), 'utf8'),
    }));
  if (options.executor?.executor === 'slurm') {
    if (options.backend !== 'native') throw new UserError('--executor slurm: the block library needs a native yosys on every node (--yosys native; the WebAssembly build runs in this process only)');
    const items: WorkItem[] = batches.map((batch, index) => ({ dir: prepare(batch, index), exe: 'yosys', argv: ['-q', '-l', 'yosys.log', '-s', 'synth.ys'] }));
    await runWorkItems({ log: (line) => ctx.log(line) }, 'block-library', ctx.stageDir, items, options.executor);
    for (const [index, batch] of batches.entries()) await onDone(results(batch, dirOf(index)));
    return;
  }
  const runBatch = async (batch: ModuleToSynthesize[], index: number) => {
    const dir = prepare(batch, index);
    await runYosysScript(ctx, options.backend, dir, 'synth.ys', [join(dir, 'rtl.v'), options.liberty, options.flopLiberty]);
    await onDone(results(batch, dir));
  };
  await forEachBounded(batches, options.jobs, runBatch);
}
