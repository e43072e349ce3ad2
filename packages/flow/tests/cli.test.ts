import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@hardwire/core';
import { describe, expect, it } from 'vitest';
import { listFlows, runCli } from '../src/index.ts';

const cli = runCli;

const tmp = () => mkdtempSync(join(tmpdir(), 'hw-cli-'));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('flow:inventory', () => {
  it('writes inventory.json and the model metrics', async () => {
    const out = tmp();
    const { code } = await cli(['inventory', '--model', 'llama-8b', '--out', out, '--no-cache']);
    expect(code).toBe(0);
    const metrics = readJson(join(out, 'metrics.json'));
    expect(metrics).toMatchObject({ run__model__id: 'llama-3.1-8b', run__model__params: 8_030_261_248, run__model__tensors: 291 });
    const inventory = readJson(join(out, '01-model-inventory', 'inventory.json'));
    expect(inventory.tensors).toHaveLength(291);
    expect(inventory.tensors[1]).toEqual({ name: 'model.layers.0.input_layernorm.weight', shape: [4096], role: 'norm.attn', layer: 0, params: 4096 });
    expect(inventory.tensors.map((t: { role: string }) => t.role)).toContain('mlp.down');
  });

  it('a rerun reuses every stage from the cache', async () => {
    const out = tmp();
    const cacheDir = join(out, 'cache');
    await cli(['stats', '--model', 'stories-260k', '--out', join(out, 'a'), '--cache-dir', cacheDir]);
    const second = await cli(['stats', '--model', 'stories-260k', '--out', join(out, 'b'), '--cache-dir', cacheDir]);
    expect(second.code).toBe(0);
    const metrics = readJson(join(out, 'b', 'metrics.json'));
    expect(metrics.run__cache__hits).toBe(2);
    expect(metrics.run__cache__misses).toBe(0);
    for (const file of ['01-model-inventory/inventory.json', '02-quant-stats/blocks.json', '02-quant-stats/blocks.csv']) expect(readFileSync(join(out, 'b', file))).toEqual(readFileSync(join(out, 'a', file)));
  });
});

describe('command-line errors', () => {
  const cases: Array<[string[], RegExp]> = [
    [['tile', '--model', 'llama-9b'], /^hardwire: --model: unknown model 'llama-9b'; known: stories-260k, .*llama-3\.1-8b.*gpt-oss-120b/],
    [['tile', '--modle', 'llama-8b'], /^hardwire: unknown option --modle for flow tile \(did you mean --model\?\)/],
    [['tlie', '--model', 'llama-8b'], /^hardwire: unknown flow 'tlie' \(did you mean tile\?\); flows: /],
    [[], /^hardwire: no flow given; usage: npx nx run flow:<flow>/],
    [['tile', '--out'], /^hardwire: --out: expected a value/],
    [['tile', '--model', 'llama-8b', '--skip', 'Model.Inventroy', '--out', '/tmp/never'], /did you mean Model\.Inventory\?/],
    [['inventory', 'extra'], /^hardwire: unexpected argument 'extra'/],
  ];
  for (const [args, message] of cases) {
    it(`${args.join(' ') || '(no args)'} -> exit 2, one line`, async () => {
      const { code, stderr } = await cli(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('a failed check exits 1 after the flow, listing the finding', async () => {
    const out = tmp();
    const { code, stderr } = await cli(['tiles', '--model', 'llama-8b', '--out', out, '--skip', 'Model.Inventory,Tile.Generate,Yosys.Synthesis,GateSim.Check']);
    expect(code).toBe(1);
    expect(stderr).toContain('metric gatesim__mismatch__count__arch:* was not produced');
    expect(stderr).not.toContain('gatesim__crosscheck'); // optional rule: absent is not a failure
    expect(existsSync(join(out, 'findings.json'))).toBe(true);
  });

  it('skipping the stage that makes a needed view is a user error naming both', async () => {
    const { code, stderr } = await cli(['tile', '--model', 'llama-8b', '--out', tmp(), '--skip', 'Model.Inventory']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Quant\.Stats needs view 'inventory', which no earlier stage produced \(Model\.Inventory makes it/);
  });

  it('--help lists stages and generated options', async () => {
    const { code, stdout } = await cli(['tile', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('01 Model.Inventory (model-inventory)');
    expect(stdout).toContain('| `--model` | model id | llama-8b |');
  });

  it('a real process exits 2 with one line and no stack trace', async () => {
    const run = await execa('npx', ['tsx', 'packages/flow/src/cli.ts', 'inventory', '--model', 'nope'], { cwd: REPO_ROOT, reject: false });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe('nx targets', () => {
  it('project.json has one target per flows/*.yaml', () => {
    const project = readJson(join(REPO_ROOT, 'packages', 'flow', 'project.json'));
    expect(Object.keys(project.targets).sort()).toEqual(listFlows());
    for (const [name, target] of Object.entries<{ options: { command: string } }>(project.targets)) {
      expect(target.options.command).toBe(`tsx packages/flow/src/cli.ts ${name}`);
    }
    expect(readdirSync(join(REPO_ROOT, 'flows')).every((f) => f.endsWith('.yaml'))).toBe(true);
  });

  it('npx nx run flow:inventory forwards options and leaves metrics.json', async () => {
    const out = tmp();
    const run = await execa('npx', ['nx', 'run', 'flow:inventory', '--model', 'llama-70b', '--out', out, '--output-style=static'], { cwd: REPO_ROOT, reject: false });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(readJson(join(out, 'metrics.json'))).toMatchObject({ run__model__id: 'llama-3.1-70b', run__model__params: 70_553_706_496, run__model__tensors: 723 });
  });
});
