/**
 * Stages that do not depend on each other run at the same time; a stage waits for the stages making its
 * inputs (and a stage reading the whole run for every earlier one); the run's files are the same whichever
 * finishes first; tools of all stages share the cores; a failure cancels the stages still running.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { Slots, UserError, checkRulesStage, defineStage, defineVars, parseFlowSpec, runFlow, type AnyStage } from '../src/index.ts';

const quiet = { write: () => {}, isTTY: false };
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hw-concurrency-'));
});

/** Resolves when `path` exists; rejects after `ms` (a stage waiting for another that never starts). */
async function waitForFile(path: string, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!existsSync(path)) {
    if (Date.now() > until) throw new Error(`${what} never happened`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A stage that writes `<id>.started` into the shared folder, optionally waits for another stage's start, and emits one metric. */
function handshake(id: string, opts: { inputs?: string[]; output: string; waitFor?: string; order: string[]; shared: string }): AnyStage {
  return defineStage({
    id,
    summary: `${id} for the concurrency tests`,
    version: '1',
    inputs: opts.inputs ?? [],
    outputs: [opts.output],
    vars: defineVars({}),
    async run(ctx) {
      writeFileSync(join(opts.shared, `${id}.started`), '');
      opts.order.push(`${id} start`);
      if (opts.waitFor) await waitForFile(join(opts.shared, `${opts.waitFor}.started`), 10_000, `${opts.waitFor} starting while ${id} runs`);
      for (const view of opts.inputs ?? []) expect(existsSync(ctx.inputPath(view))).toBe(true);
      writeFileSync(join(ctx.stageDir, 'out.txt'), id);
      opts.order.push(`${id} end`);
      return { views: { [opts.output]: 'out.txt' }, metrics: { [`toy__${id.split('.')[1].toLowerCase()}__done`]: 1 }, findings: [{ type: `${id}_note`, severity: 'info', message: id }] };
    },
  }) as AnyStage;
}

describe('concurrent stages', () => {
  it('independent stages overlap, a consumer waits for its producer, a whole-run stage for everything; files are in flow order', async () => {
    const shared = join(root, 'shared');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(shared);
    const order: string[] = [];
    // A and B depend on nothing and each waits for the other to start: run one after the other, this deadlocks (and times out).
    const stages = new Map<string, AnyStage>([
      ['Toy.A', handshake('Toy.A', { output: 'a', waitFor: 'Toy.B', order, shared })],
      ['Toy.B', handshake('Toy.B', { output: 'b', waitFor: 'Toy.A', order, shared })],
      ['Toy.C', handshake('Toy.C', { inputs: ['a'], output: 'c', order, shared })],
      ['Check.Rules', checkRulesStage as AnyStage],
    ]);
    const flow = parseFlowSpec('name: toy\nstages: [Toy.A, Toy.B, Toy.C, Check.Rules]\n', 'flows/toy.yaml', stages);
    const runDir = join(root, 'run');
    const result = await runFlow({ flow, stages, runDir, cliValues: {}, cacheDir: null, stderr: quiet });
    expect(result.ranStages).toEqual(['Toy.A', 'Toy.B', 'Toy.C', 'Check.Rules']);
    expect(order.indexOf('Toy.C start')).toBeGreaterThan(order.indexOf('Toy.A end'));
    expect(order.indexOf('Toy.B start')).toBeLessThan(order.indexOf('Toy.A end'));
    // C's state holds what it depends on (A), not B, whichever finished first.
    const stateIn = JSON.parse(readFileSync(join(runDir, '03-toy-c', 'state_in.json'), 'utf8'));
    expect(stateIn.views).toEqual({ a: '01-toy-a/out.txt' });
    // The whole-run stage saw every earlier stage's metrics.
    expect(Object.keys(JSON.parse(readFileSync(join(runDir, '04-check-rules', 'state_in.json'), 'utf8')).metrics).sort()).toEqual(['toy__a__done', 'toy__b__done', 'toy__c__done']);
    // Findings in flow order, not completion order.
    expect(JSON.parse(readFileSync(join(runDir, 'findings.json'), 'utf8')).map((f: { stage: string }) => f.stage)).toEqual(['Toy.A', 'Toy.B', 'Toy.C']);
    // --from after such a run rebuilds the whole state from every earlier stage's folder.
    const again = await runFlow({ flow, stages, runDir, cliValues: {}, cacheDir: null, stderr: quiet, from: 'Check.Rules' });
    expect(again.metrics).toMatchObject({ toy__a__done: 1, toy__b__done: 1, toy__c__done: 1 });
  });

  it("tools of stages running at the same time never hold more than the machine's cores", async () => {
    const cores = availableParallelism();
    const events = join(root, 'events.txt');
    writeFileSync(events, '');
    // Each tool appends its start and end to one file (appends of a short line are atomic).
    const tool = (tag: string) => [`-e`, `const f=require('fs');f.appendFileSync(${JSON.stringify(events)},'+${tag}\\n');setTimeout(()=>f.appendFileSync(${JSON.stringify(events)},'-${tag}\\n'),150)`];
    const many = (id: string) =>
      defineStage({
        id,
        summary: 'Runs several tools at once',
        version: '1',
        inputs: [],
        outputs: [],
        vars: defineVars({}),
        async run(ctx) {
          await Promise.all(Array.from({ length: cores + 1 }, (_, i) => ctx.exec(process.execPath, tool(`${id}-${i}`))));
          return {};
        },
      }) as AnyStage;
    const stages = new Map<string, AnyStage>([['Toy.X', many('Toy.X')], ['Toy.Y', many('Toy.Y')]]);
    const flow = parseFlowSpec('name: toy\nstages: [Toy.X, Toy.Y]\n', 'flows/toy.yaml', stages);
    await runFlow({ flow, stages, runDir: join(root, 'run'), cliValues: {}, cacheDir: null, stderr: quiet });
    const lines = readFileSync(events, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2 * 2 * (cores + 1));
    let inFlight = 0;
    let peak = 0;
    for (const line of lines) peak = Math.max(peak, (inFlight += line.startsWith('+') ? 1 : -1));
    expect(inFlight).toBe(0);
    expect(peak).toBeLessThanOrEqual(cores);
  });

  it("a failing stage cancels the tools of a stage running beside it and is the run's error", async () => {
    const started = join(root, 'slow.started');
    const slow = defineStage({
      id: 'Toy.Slow',
      summary: 'Runs a tool that would take a minute',
      version: '1',
      inputs: [],
      outputs: [],
      vars: defineVars({}),
      async run(ctx) {
        await ctx.exec(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(started)}, ''); setTimeout(() => {}, 60000)`]);
        return {};
      },
    }) as AnyStage;
    const failing = defineStage({
      id: 'Toy.Fails',
      summary: 'Fails once the slow tool runs',
      version: '1',
      inputs: [],
      outputs: [],
      vars: defineVars({}),
      async run() {
        await waitForFile(started, 10_000, 'the slow tool starting');
        throw new UserError('bad input in Toy.Fails');
      },
    }) as AnyStage;
    const stages = new Map<string, AnyStage>([['Toy.Slow', slow], ['Toy.Fails', failing]]);
    const flow = parseFlowSpec('name: toy\nstages: [Toy.Slow, Toy.Fails]\n', 'flows/toy.yaml', stages);
    const runDir = join(root, 'run');
    const error = await runFlow({ flow, stages, runDir, cliValues: {}, cacheDir: null, stderr: quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('bad input in Toy.Fails');
    expect(readFileSync(join(runDir, '01-toy-slow.partial', 'toy-slow.log'), 'utf8')).toContain('(canceled:');
    expect(existsSync(join(runDir, '01-toy-slow'))).toBe(false);
  }, 30_000);

  it('a view no selected earlier stage makes is refused before any stage runs', async () => {
    const order: string[] = [];
    const shared = root;
    const stages = new Map<string, AnyStage>([
      ['Toy.A', handshake('Toy.A', { output: 'a', order, shared })],
      ['Toy.C', handshake('Toy.C', { inputs: ['a'], output: 'c', order, shared })],
    ]);
    const flow = parseFlowSpec('name: toy\nstages: [Toy.A, Toy.C]\n', 'flows/toy.yaml', stages);
    await expect(runFlow({ flow, stages, runDir: join(root, 'run'), cliValues: {}, cacheDir: null, stderr: quiet, skip: ['Toy.A'] })).rejects.toThrow(/Toy\.C needs view 'a'.*Toy\.A makes it/);
    expect(order).toEqual([]);
  });
});

describe('Slots', () => {
  it('holds at most its capacity, serves waiters first come first served, and a double release frees one slot', async () => {
    const slots = new Slots(2);
    const served: number[] = [];
    const r1 = await slots.acquire();
    const r2 = await slots.acquire();
    const waiters = [3, 4, 5].map((i) => slots.acquire().then((release) => (served.push(i), release)));
    expect(slots.held).toBe(2);
    r1();
    r1();
    const r3 = await waiters[0];
    expect(served).toEqual([3]);
    r2();
    const r4 = await waiters[1];
    expect(served).toEqual([3, 4]);
    r3();
    r4();
    (await waiters[2])();
    expect(slots.held).toBe(0);
    expect(() => new Slots(0)).toThrow(/capacity 0/);
  });

  it('serves a higher priority first, first come first served within one', async () => {
    const slots = new Slots(1);
    const held = await slots.acquire();
    const served: string[] = [];
    const ask = (name: string, priority: number) => slots.acquire(priority).then((release) => (served.push(name), release()));
    const all = [ask('background 1', -1), ask('normal 1', 0), ask('background 2', -1), ask('normal 2', 0), ask('urgent', 1)];
    held();
    await Promise.all(all);
    expect(served).toEqual(['urgent', 'normal 1', 'normal 2', 'background 1', 'background 2']);
    expect(slots.held).toBe(0);
  });
});

