import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CanceledError, checkRules, createProgress, execLogged, hashPath, stableStringify, writeFileAtomic, writeJsonAtomic } from '../src/index.ts';

describe('atomic writes', () => {
  it('leaves only the final file, and no temp file when the rename fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-atomic-'));
    await writeFileAtomic(join(dir, 'a', 'b.txt'), 'hello');
    expect(readFileSync(join(dir, 'a', 'b.txt'), 'utf8')).toBe('hello');
    expect(readdirSync(join(dir, 'a'))).toEqual(['b.txt']);
    mkdirSync(join(dir, 'target-is-a-folder'));
    writeFileSync(join(dir, 'target-is-a-folder', 'keep.txt'), 'kept');
    await expect(writeFileAtomic(join(dir, 'target-is-a-folder'), 'x')).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['a', 'target-is-a-folder']);
    await writeJsonAtomic(join(dir, 'j.json'), { b: 1, a: { d: 2, c: 3 } });
    expect(readFileSync(join(dir, 'j.json'), 'utf8')).toBe('{\n  "a": {\n    "c": 3,\n    "d": 2\n  },\n  "b": 1\n}\n');
  });

  it('hashes folders by relative path and content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-hash-'));
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'x', 'one'), '1');
    const first = await hashPath(join(dir, 'x'));
    writeFileSync(join(dir, 'x', 'one'), '2');
    expect(await hashPath(join(dir, 'x'))).not.toBe(first);
    expect(stableStringify({ b: 1, a: [{ z: 1, y: 2 }] })).toBe('{"a":[{"y":2,"z":1}],"b":1}');
  });
});

describe('progress', () => {
  it('stays quiet for short phases and reports rate and ETA for long ones', () => {
    let t = 0;
    const lines: string[] = [];
    const sink = { write: (s: string) => lines.push(s), isTTY: false };
    const progress = createProgress(sink, '[1/1] X.Y', { now: () => t, delayMs: 1000, lineIntervalMs: 5000 });
    progress.start(100, 'items');
    t = 500;
    progress.advance(50);
    progress.finish();
    expect(lines).toEqual([]);
    t = 0;
    progress.start(100, 'items');
    t = 2000;
    progress.advance(20);
    t = 3000;
    progress.advance(20);
    t = 8000;
    progress.advance(20);
    progress.finish();
    expect(lines[0]).toBe('[1/1] X.Y:  20% 20/100 items, 2s elapsed, ETA 8s\n');
    expect(lines).toHaveLength(2); // the finish adds no line: the last one already shows 60/100
    expect(lines[1]).toContain('60/100');
  });

  it('draws one bar with ETA on a TTY', () => {
    let t = 0;
    const out: string[] = [];
    const progress = createProgress({ write: (s) => out.push(s), isTTY: true }, 'S', { now: () => t, delayMs: 0, lineIntervalMs: 0 });
    progress.start(4, 'tiles');
    t = 1000;
    progress.advance(1);
    progress.finish();
    expect(out[0]).toMatch(/^\rS \[#{6}-{18}\]  25% 1\/4 tiles ETA 3s/);
    expect(out.at(-1)).toBe('\n');
  });
});

describe('progress notes', () => {
  it('prints a step line with the stage elapsed time, clearing a drawn bar first', () => {
    let t = 0;
    const out: string[] = [];
    const progress = createProgress({ write: (s) => out.push(s), isTTY: true }, '[7/14] Physical.Tiles', { now: () => t, delayMs: 0, lineIntervalMs: 0 });
    progress.start(2, 'tiles');
    t = 1000;
    progress.advance(1);
    t = 95_000;
    progress.note('tile a: route round 2 of up to 8');
    expect(out.at(-1)).toBe('\r\x1b[K[7/14] Physical.Tiles tile a: route round 2 of up to 8 (1m35s elapsed)\n');
    const plain: string[] = [];
    const p2 = createProgress({ write: (s) => plain.push(s), isTTY: false }, 'S', { now: () => 5000 });
    p2.note('place');
    expect(plain).toEqual(['S place (0s elapsed)\n']);
  });
});

describe('checkRules', () => {
  it('checks comparisons, globs and missing metrics', () => {
    const metrics = { 'gatesim__mismatch__count__arch:da': 0, 'gatesim__mismatch__count__arch:parallel': 2, run__model__id: 'x' } as Record<string, number | string>;
    const findings = checkRules(metrics, {
      'gatesim__mismatch__count__*': { compare: '==', value: 0 },
      drc__error__count: { compare: '==', value: 0 },
      run__model__id: { compare: '>', value: 0 },
      'absent__when__skipped_*': { compare: '==', value: 0, optional: true },
    });
    expect(findings.map((f) => f.message)).toEqual([
      'metric drc__error__count was not produced (rule: == 0)',
      'gatesim__mismatch__count__arch:parallel = 2, expected == 0',
      'run__model__id = x, expected > 0',
    ]);
  });
});

describe('tool runs', () => {
  it('a run the caller cancels is killed and rejects with CanceledError, logged as canceled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-exec-'));
    const targets = { commandsFile: join(dir, 'COMMANDS'), logFile: join(dir, 'tool.log') };
    const abort = new AbortController();
    const t0 = performance.now();
    const run = execLogged(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], targets, { signal: abort.signal });
    setTimeout(() => abort.abort(), 200);
    await expect(run).rejects.toBeInstanceOf(CanceledError);
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(readFileSync(targets.logFile, 'utf8')).toContain('(canceled: ');
    // Without a signal the same kind of run completes normally.
    const ok = await execLogged(process.execPath, ['-e', 'console.log("done")'], targets);
    expect(ok.exitCode).toBe(0);
    expect(ok.output).toContain('done');
  });
});
