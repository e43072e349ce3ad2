/**
 * Synthesize many small modules with yosys, several runs at a time (edge): each batch is one yosys run
 * over a shared RTL file; results are read back per module.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { forEachBounded, type StageContext } from '@hardwire/core';
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

/** Run `modules` in batches of `batchSize`, `jobs` yosys runs at once; `onDone` is called per finished batch. */
export async function synthesizeBatches(
  ctx: Pick<StageContext<unknown>, 'exec' | 'log'>,
  options: { backend: YosysBackend; liberty: string; workDir: string; jobs: number; batchSize: number },
  modules: readonly ModuleToSynthesize[],
  onDone: (results: SynthesizedModule[]) => void | Promise<void>,
): Promise<void> {
  const batches: ModuleToSynthesize[][] = [];
  for (let i = 0; i < modules.length; i += options.batchSize) batches.push(modules.slice(i, i + options.batchSize));
  const runBatch = async (batch: ModuleToSynthesize[], index: number) => {
    const dir = join(options.workDir, `batch-${String(index).padStart(4, '0')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'rtl.v'), batch.map((m) => m.verilog).join('\n'));
    const libName = basename(options.liberty);
    writeFileSync(join(dir, 'synth.ys'), synthScript({ liberty: libName, sources: ['rtl.v'], modules: batch.map((m) => ({ top: m.module, stem: m.module })), portBuffers: false }));
    // Native yosys reads the Liberty copy through a link; the wasm build gets the file's bytes under its name.
    if (options.backend === 'native' && !existsSync(join(dir, libName))) symlinkSync(options.liberty, join(dir, libName));
    await runYosysScript(ctx, options.backend, dir, 'synth.ys', [join(dir, 'rtl.v'), options.liberty]);
    const results = batch.map((m) => ({
      module: m.module,
      stat: parseYosysStat(readFileSync(join(dir, `${m.module}.stat.json`), 'utf8'), m.module),
      netlistVerilog: readFileSync(join(dir, `${m.module}.v`), 'utf8'),
      netlistJson: readFileSync(join(dir, `${m.module}.json`), 'utf8'),
    }));
    await onDone(results);
  };
  await forEachBounded(batches, options.jobs, runBatch);
}
