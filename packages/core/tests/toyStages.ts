/** Small stages for runner tests: a source writing numbers, a sum, a failing tool, a finding maker. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bool, defineStage, defineVars, int, type AnyStage, checkRulesStage } from '../src/index.ts';

export const runCounts = { source: 0, sum: 0 };

export const sourceStage = defineStage({
  id: 'Toy.Source',
  summary: 'Writes 1..count',
  version: '1',
  inputs: [],
  outputs: ['numbers'],
  vars: defineVars({ count: int({ default: 3, min: 1, doc: 'How many numbers.' }) }),
  async run(ctx) {
    runCounts.source += 1;
    const numbers = Array.from({ length: ctx.config.count }, (_, i) => i + 1);
    await writeFile(join(ctx.stageDir, 'numbers.txt'), numbers.join('\n'));
    return { views: { numbers: 'numbers.txt' }, metrics: { toy__source__count: numbers.length } };
  },
});

export const sumStage = defineStage({
  id: 'Toy.Sum',
  summary: 'Sums the numbers',
  version: '1',
  inputs: ['numbers'],
  outputs: ['sum'],
  vars: defineVars({ squared: bool({ default: false, doc: 'Sum squares.' }) }),
  async run(ctx) {
    runCounts.sum += 1;
    const numbers = (await readFile(ctx.inputPath('numbers'), 'utf8')).split('\n').map(Number);
    const sum = numbers.reduce((a, n) => a + (ctx.config.squared ? n * n : n), 0);
    await writeFile(join(ctx.stageDir, 'sum.txt'), String(sum));
    return { views: { sum: 'sum.txt' }, metrics: { toy__sum__value: sum } };
  },
});

export const toolStage = defineStage({
  id: 'Toy.Tool',
  summary: 'Runs node, which fails with the given exit code',
  version: '1',
  inputs: [],
  outputs: [],
  vars: defineVars({ toolExit: int({ default: 0, doc: 'Exit code of the tool.' }) }),
  async run(ctx) {
    await writeFile(join(ctx.stageDir, 'half-written.txt'), 'partial');
    await ctx.exec(process.execPath, ['-e', `console.log("tool says hi"); process.exit(${ctx.config.toolExit})`]);
    return {};
  },
});

export const badViewStage = defineStage({
  id: 'Toy.BadView',
  summary: 'Writes a view it did not declare',
  version: '1',
  inputs: [],
  outputs: [],
  vars: defineVars({}),
  async run(ctx) {
    await writeFile(join(ctx.stageDir, 'x.txt'), 'x');
    return { views: { undeclared: 'x.txt' } };
  },
});

export const badMetricStage = defineStage({
  id: 'Toy.BadMetric',
  summary: 'Emits a metric with a bad name',
  version: '1',
  inputs: [],
  outputs: [],
  vars: defineVars({}),
  async run() {
    return { metrics: { NotFlat: 1 } };
  },
});

export const TOY_STAGES: ReadonlyMap<string, AnyStage> = new Map(
  [sourceStage, sumStage, toolStage, badViewStage, badMetricStage, checkRulesStage].map((s) => [s.id, s as AnyStage]),
);
