import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, DeferredCheckError, StageError, ToolError, UserError, defineStage, defineVars, int, parseFlowSpec, runFlow, type RunFlowOptions } from '../src/index.ts';
import { TOY_STAGES, runCounts } from './toyStages.ts';

const quiet = { write: () => {}, isTTY: false };

function flow(yaml: string) {
  return parseFlowSpec(yaml, 'flows/toy.yaml', TOY_STAGES);
}

const TOY = flow('name: toy\nstages: [Toy.Source, Toy.Sum]\n');

function options(runDir: string, extra: Partial<RunFlowOptions> = {}): RunFlowOptions {
  return { flow: TOY, stages: TOY_STAGES, runDir, cliValues: {}, cacheDir: join(runDir, '..', 'cache'), stderr: quiet, ...extra };
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hw-runner-'));
  runCounts.source = 0;
  runCounts.sum = 0;
});

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('runFlow', () => {
  it('writes numbered stage folders with config, states, commands, log and metrics', async () => {
    const runDir = join(root, 'run');
    const result = await runFlow(options(runDir, { cliValues: { count: '4' } }));
    expect(result.metrics.toy__sum__value).toBe(10);
    expect(readdirSync(runDir).sort()).toEqual(['01-toy-source', '02-toy-sum', 'findings.json', 'metrics.json', 'run.json']);
    expect(readJson(join(runDir, 'run.json'))).toMatchObject({ flow: expect.any(String), cliValues: { count: '4' } });
    expect(readdirSync(join(runDir, '02-toy-sum')).sort()).toEqual(
      ['COMMANDS', 'config.json', 'metrics.json', 'runtime.txt', 'state_in.json', 'state_out.json', 'sum.txt', 'toy-sum.log'].sort(),
    );
    expect(readJson(join(runDir, '01-toy-source', 'config.json'))).toEqual({ count: 4 });
    expect(readJson(join(runDir, '02-toy-sum', 'state_in.json')).views).toEqual({ numbers: '01-toy-source/numbers.txt' });
    const metrics = readJson(join(runDir, 'metrics.json'));
    expect(metrics).toMatchObject({ toy__source__count: 4, toy__sum__value: 10, run__cache__hits: 0, run__cache__misses: 2 });
    expect(Object.keys(metrics)).toEqual(Object.keys(metrics).sort());
  });

  it('reuses every stage on an unchanged rerun, in place and from the cache into a new folder', async () => {
    const runDir = join(root, 'run');
    await runFlow(options(runDir));
    const again = await runFlow(options(runDir));
    expect([again.cacheHits, again.cacheMisses]).toEqual([2, 0]);
    expect(runCounts).toEqual({ source: 1, sum: 1 });
    const fresh = await runFlow(options(join(root, 'other')));
    expect([fresh.cacheHits, fresh.cacheMisses]).toEqual([2, 0]);
    expect(readFileSync(join(root, 'other', '02-toy-sum', 'sum.txt'), 'utf8')).toBe('6');
    expect(readJson(join(root, 'other', 'metrics.json'))).toMatchObject({ run__cache__hits: 2, run__cache__misses: 0 });
  });

  it('misses when a var changes, and downstream misses only when its input bytes change', async () => {
    const runDir = join(root, 'run');
    await runFlow(options(runDir));
    const squared = await runFlow(options(runDir, { cliValues: { squared: true } }));
    expect([squared.cacheHits, squared.cacheMisses]).toEqual([1, 1]);
    expect(squared.metrics.toy__sum__value).toBe(14);
    const longer = await runFlow(options(runDir, { cliValues: { count: '5', squared: true } }));
    expect([longer.cacheHits, longer.cacheMisses]).toEqual([0, 2]);
    expect(longer.metrics.toy__sum__value).toBe(55);
  });

  it('--no-cache (cacheDir null) still reuses a matching run folder but stores nothing', async () => {
    const runDir = join(root, 'run');
    await runFlow(options(runDir, { cacheDir: null }));
    expect(existsSync(join(root, 'cache'))).toBe(false);
    const fresh = await runFlow(options(join(root, 'other'), { cacheDir: null }));
    expect(fresh.cacheMisses).toBe(2);
  });

  it('--from reruns a stage alone from the state saved in the run folder', async () => {
    const runDir = join(root, 'run');
    await runFlow(options(runDir, { cliValues: { count: '4' } }));
    const alone = await runFlow(options(runDir, { from: 'Toy.Sum', cliValues: { squared: true }, cacheDir: null }));
    expect(alone.ranStages).toEqual(['Toy.Sum']);
    expect(alone.metrics.toy__sum__value).toBe(30);
    expect(alone.metrics.toy__source__count).toBe(4);
  });

  it('--from without an earlier run is a user error', async () => {
    await expect(runFlow(options(join(root, 'empty'), { from: 'toy-sum' }))).rejects.toThrow(UserError);
  });

  it('--to stops early and --skip leaves a later stage without its view (user error naming both)', async () => {
    const to = await runFlow(options(join(root, 'a'), { to: 'toy-source' }));
    expect(to.ranStages).toEqual(['Toy.Source']);
    const skip = runFlow(options(join(root, 'b'), { skip: ['Toy.Source'] }));
    await expect(skip).rejects.toThrow(/Toy\.Sum needs view 'numbers'.*Toy\.Source makes it/);
  });

  it('stage references get "did you mean"', async () => {
    await expect(runFlow(options(join(root, 'a'), { from: 'Toy.Sun' }))).rejects.toThrow(/--from: no stage 'Toy\.Sun'.*did you mean Toy\.Sum\?/);
    await expect(runFlow(options(join(root, 'a'), { skip: ['toy-sorce'] }))).rejects.toThrow(ConfigError);
    await expect(runFlow(options(join(root, 'a'), { from: 'Toy.Sum', to: 'Toy.Source' }))).rejects.toThrow(/comes before/);
  });

  it('rejects bad config values before running anything', async () => {
    await expect(runFlow(options(join(root, 'a'), { cliValues: { count: 'many' } }))).rejects.toThrow('--count: expected an integer, got "many"');
    await expect(runFlow(options(join(root, 'a'), { cliValues: { count: '0' } }))).rejects.toThrow('--count: expected a value >= 1');
    expect(runCounts.source).toBe(0);
    const withDefaults = flow('name: toy\nstages: [Toy.Source]\ndefaults: { count: -2 }\n');
    await expect(runFlow(options(join(root, 'a'), { flow: withDefaults }))).rejects.toThrow('flows/toy.yaml: defaults.count: expected a value >= 1');
  });

  it('a failing tool names command, exit code and log; the half-written stage stays .partial', async () => {
    const runDir = join(root, 'run');
    const toolFlow = flow('name: toy\nstages: [Toy.Tool]\n');
    await runFlow(options(runDir, { flow: toolFlow }));
    expect(readFileSync(join(runDir, '01-toy-tool', 'COMMANDS'), 'utf8')).toContain('process.exit(0)');
    const error = await runFlow(options(runDir, { flow: toolFlow, cliValues: { toolExit: '3' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    const toolError = error as ToolError;
    expect(toolError.toolExitCode).toBe(3);
    expect(toolError.exitCode).toBe(1);
    expect(toolError.message).toMatch(/tool failed: `.*node.*process\.exit\(3\).*` exited with code 3; log: .*01-toy-tool\.partial\/toy-tool\.log/);
    expect(readFileSync(toolError.logPath, 'utf8')).toContain('tool says hi');
    expect(existsSync(join(runDir, '01-toy-tool'))).toBe(false);
    expect(existsSync(join(runDir, '01-toy-tool.partial', 'half-written.txt'))).toBe(true);
  });

  it('rejects undeclared views and bad metric names', async () => {
    await expect(runFlow(options(join(root, 'a'), { flow: flow('name: toy\nstages: [Toy.BadView]\n') }))).rejects.toThrow(StageError);
    await expect(runFlow(options(join(root, 'b'), { flow: flow('name: toy\nstages: [Toy.BadMetric]\n') }))).rejects.toThrow(/metric name 'NotFlat'/);
  });

  it('check findings fail the run only after every stage ran, all listed', async () => {
    const runDir = join(root, 'run');
    const checked = flow(
      "name: toy\nstages: [Toy.Source, Check.Rules, Toy.Sum]\nrules:\n  toy__source__count: { compare: '>', value: 10 }\n  toy__missing__metric: { compare: '==', value: 0 }\n",
    );
    const error = await runFlow(options(runDir, { flow: checked })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeferredCheckError);
    expect((error as DeferredCheckError).findingCount).toBe(2);
    expect((error as Error).message).toContain('toy__source__count = 3, expected > 10');
    expect((error as Error).message).toContain('metric toy__missing__metric was not produced');
    expect(existsSync(join(runDir, '03-toy-sum', 'sum.txt'))).toBe(true);
    expect(readJson(join(runDir, 'findings.json'))).toHaveLength(2);
    expect(readJson(join(runDir, 'metrics.json')).check__rules__failed).toBe(2);
  });

  it('gives the same output bytes on a rerun without cache', async () => {
    await runFlow(options(join(root, 'a'), { cacheDir: null }));
    await runFlow(options(join(root, 'b'), { cacheDir: null }));
    for (const file of ['01-toy-source/numbers.txt', '02-toy-sum/sum.txt', '02-toy-sum/metrics.json', '01-toy-source/config.json']) {
      expect(readFileSync(join(root, 'b', file))).toEqual(readFileSync(join(root, 'a', file)));
    }
  });

  it('does not mistake a stale or incomplete stage folder for a result', async () => {
    const runDir = join(root, 'run');
    await runFlow(options(runDir, { cacheDir: null }));
    writeFileSync(join(runDir, '02-toy-sum', 'state_out.json'), '{ not json');
    const again = await runFlow(options(runDir, { cacheDir: null }));
    expect(again.cacheMisses).toBe(1);
  });
});

describe('published files', () => {
  // Two stages publish into one folder (as Capacity.Estimate and Render.WaferMap share DIR/images).
  const pictures = (id: string, prefix: string) =>
    defineStage({
      id,
      summary: 'Writes count pictures',
      version: '1',
      inputs: id === 'Toy.Fields' ? ['numbers'] : [],
      outputs: [`${prefix}Images`],
      publish: { [`${prefix}Images`]: 'images' },
      vars: defineVars({ count: int({ default: 3, min: 1, doc: 'How many numbers.' }) }),
      async run(ctx) {
        const n = id === 'Toy.Fields' ? (await import('node:fs')).readFileSync(ctx.inputPath('numbers'), 'utf8').split('\n').length : 1;
        mkdirSync(join(ctx.stageDir, 'images'), { recursive: true });
        for (let i = 0; i < n; i++) writeFileSync(join(ctx.stageDir, 'images', `${prefix}-${i}.png`), `${prefix} ${i}`);
        return { views: { [`${prefix}Images`]: 'images' } };
      },
    });
  const stages = new Map([...TOY_STAGES, ['Toy.Chart', pictures('Toy.Chart', 'chart')], ['Toy.Fields', pictures('Toy.Fields', 'field')]]);
  const withPictures = parseFlowSpec('name: toy\nstages: [Toy.Chart, Toy.Source, Toy.Fields]\n', 'flows/toy.yaml', stages as never);

  it('a rerun that makes fewer files leaves none of the old ones behind, and keeps what other stages published', async () => {
    const runDir = join(root, 'run');
    await runFlow(options(runDir, { flow: withPictures, stages: stages as never, cliValues: { count: '4' } }));
    expect(readdirSync(join(runDir, 'images')).sort()).toEqual(['chart-0.png', 'field-0.png', 'field-1.png', 'field-2.png', 'field-3.png']);
    // Rerun from the source with fewer numbers: the field pictures shrink to 2, the chart (not rerun) stays.
    await runFlow(options(runDir, { flow: withPictures, stages: stages as never, cliValues: { count: '2' }, from: 'Toy.Source' }));
    expect(readdirSync(join(runDir, 'images')).sort()).toEqual(['chart-0.png', 'field-0.png', 'field-1.png']);
    expect(readJson(join(runDir, '.published.json'))).toEqual({ 'images/chart-0.png': 'Toy.Chart', 'images/field-0.png': 'Toy.Fields', 'images/field-1.png': 'Toy.Fields' });
  });

  it('a full run in a folder from before the manifest clears the published places first', async () => {
    const runDir = join(root, 'run');
    mkdirSync(join(runDir, 'images'), { recursive: true });
    writeFileSync(join(runDir, 'images', 'field-9.png'), 'stale');
    await runFlow(options(runDir, { flow: withPictures, stages: stages as never, cliValues: { count: '1' } }));
    expect(readdirSync(join(runDir, 'images')).sort()).toEqual(['chart-0.png', 'field-0.png']);
  });
});

describe('cache invalidation', () => {
  const counted = (id: string, over: Record<string, unknown>) => {
    const runs = { n: 0 };
    const stage = defineStage({
      id,
      summary: 'Counts its runs',
      version: '1',
      inputs: [],
      outputs: ['out'],
      vars: defineVars({}),
      async run(ctx) {
        runs.n += 1;
        writeFileSync(join(ctx.stageDir, 'out.txt'), 'same bytes');
        return { views: { out: 'out.txt' } };
      },
      ...over,
    });
    return { stage, runs };
  };
  const run = (stage: ReturnType<typeof counted>['stage'], runDir: string) => {
    const stages = new Map([[stage.id, stage]]) as never;
    return runFlow({ flow: parseFlowSpec(`name: one\nstages: [${stage.id}]\n`, 'flows/one.yaml', stages), stages, runDir, cliValues: {}, cacheDir: join(root, 'cache'), stderr: quiet });
  };

  it('a new stage version misses the cache; the same version hits it', async () => {
    const v1 = counted('Toy.Versioned', {});
    await run(v1.stage, join(root, 'a'));
    await run(v1.stage, join(root, 'b'));
    expect(v1.runs.n).toBe(1);
    const v2 = counted('Toy.Versioned', { version: '2' });
    await run(v2.stage, join(root, 'c'));
    expect(v2.runs.n).toBe(1);
  });

  it('a changed salt (a tool version, a kit fingerprint) misses the cache', async () => {
    let tool = 'yosys-0.23';
    const salted = counted('Toy.Salted', { cacheSalt: async () => ({ tool }) });
    await run(salted.stage, join(root, 'a'));
    await run(salted.stage, join(root, 'b'));
    expect(salted.runs.n).toBe(1);
    tool = 'yosys-0.24';
    await run(salted.stage, join(root, 'c'));
    expect(salted.runs.n).toBe(2);
  });

  it('an uncacheable stage runs every time, even in the same folder', async () => {
    const live = counted('Toy.Live', { cacheable: false });
    await run(live.stage, join(root, 'a'));
    await run(live.stage, join(root, 'a'));
    await run(live.stage, join(root, 'b'));
    expect(live.runs.n).toBe(3);
  });

  it('the source hash changes with any file under flows/ or a package\'s src/, not with its tests', async () => {
    const repo = join(root, 'repo');
    mkdirSync(join(repo, 'flows'), { recursive: true });
    mkdirSync(join(repo, 'packages', 'x', 'src'), { recursive: true });
    mkdirSync(join(repo, 'packages', 'x', 'tests'), { recursive: true });
    writeFileSync(join(repo, 'flows', 'a.yaml'), 'name: a\n');
    writeFileSync(join(repo, 'packages', 'x', 'src', 'a.ts'), 'export const a = 1;\n');
    const { computeSourceTreeHash } = await import('../src/index.ts');
    const h0 = await computeSourceTreeHash(repo);
    writeFileSync(join(repo, 'packages', 'x', 'tests', 'a.test.ts'), 'test\n');
    expect(await computeSourceTreeHash(repo)).toBe(h0);
    writeFileSync(join(repo, 'packages', 'x', 'src', 'a.ts'), 'export const a = 2;\n');
    const h1 = await computeSourceTreeHash(repo);
    expect(h1).not.toBe(h0);
    writeFileSync(join(repo, 'flows', 'a.yaml'), 'name: b\n');
    expect(await computeSourceTreeHash(repo)).not.toBe(h1);
  });
});
