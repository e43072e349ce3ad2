import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fixtureFile } from '@hardwire/core';
import { runCli } from '@hardwire/flow';
import { describe, expect, it } from 'vitest';

const cli = runCli;
const tmp = () => mkdtempSync(join(tmpdir(), 'hw-stats-'));
const STORIES = fixtureFile('stories260K.bin');

describe('flow:stats', () => {
  it.runIf(STORIES)('on the real stories260K weights: blocks.json, blocks.csv and metrics; same bytes with 1 or 2 workers', async () => {
    const a = tmp();
    const b = tmp();
    expect((await cli(['stats', '--model', 'stories-260k', '--weights', STORIES!, '--out', a, '--no-cache', '--jobs', '1'])).code).toBe(0);
    expect((await cli(['stats', '--model', 'stories-260k', '--weights', STORIES!, '--out', b, '--no-cache', '--jobs', '2'])).code).toBe(0);
    const metrics = JSON.parse(readFileSync(join(a, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ quant__coefficients__count: 226_560, quant__blocks__kinds_possible: 330, quant__blocks__count: 56_640 });
    expect(metrics.quant__blocks__kinds_used).toBeGreaterThan(200);
    for (const file of ['02-quant-stats/blocks.json', '02-quant-stats/blocks.csv']) expect(readFileSync(join(b, file))).toEqual(readFileSync(join(a, file)));
    const blocks = JSON.parse(readFileSync(join(a, '02-quant-stats', 'blocks.json'), 'utf8'));
    expect(blocks.tensors).toHaveLength(35);
    expect(blocks.layers.map((l: { layer: number }) => l.layer)).toEqual([0, 1, 2, 3, 4]);
    expect(blocks.source.kind).toBe('llama2c');
  });

  it('synthetic weights: deterministic, and --include-embeddings adds embeddings and head', async () => {
    const a = tmp();
    const b = tmp();
    const c = tmp();
    const args = ['stats', '--model', 'stories-260k', '--no-cache', '--quant', 'fp4-mx', '--sign-fold', '--tails', 'student-t'];
    expect((await cli([...args, '--out', a, '--jobs', '2'])).code).toBe(0);
    expect((await cli([...args, '--out', c, '--jobs', '1'])).code).toBe(0);
    const m = JSON.parse(readFileSync(join(a, 'metrics.json'), 'utf8'));
    expect(m.quant__blocks__kinds_possible).toBe(330);
    expect(m.quant__coefficients__count).toBe(226_560);
    expect(readFileSync(join(c, '02-quant-stats', 'blocks.json'))).toEqual(readFileSync(join(a, '02-quant-stats', 'blocks.json')));
    expect((await cli(['stats', '--model', 'stories-260k', '--out', b, '--no-cache', '--include-embeddings'])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(b, 'metrics.json'), 'utf8')).quant__coefficients__count).toBe(226_560 + 32_768);
  }, 120_000);

  it('bad options are one-line user errors', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['stats', '--model', 'stories-260k', '--quant', 'int5'], /--quant: expected one of int3, int3-midrise, ternary, int4, fp4-mx, fp4-nv/],
      [['stats', '--model', 'stories-260k', '--group', 'rows'], /--group: expected a positive integer or row/],
      [['stats', '--model', 'stories-260k', '--block', '9'], /--block: expected a value <= 8/],
      [['stats', '--model', 'stories-260k', '--quant', 'fp4-mx', '--group', '64', '--out', tmp()], /--group 64: fp4-mx fixes its scale group at 32/],
      [['stats', '--model', 'stories-260k', '--weights', '/nonexistent/w.safetensors', '--out', tmp()], /--weights: \/nonexistent\/w\.safetensors does not exist/],
      [['stats', '--model', 'stories-260k', '--quant', 'int3-midrise', '--block', '3', '--out', tmp()], /columns are not a multiple of the block size 3/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await cli(args);
      expect(stderr, args.join(' ')).toMatch(message);
      expect(stderr.trim().split('\n').at(-1)).toMatch(/^hardwire: /);
      expect(code, args.join(' ')).not.toBe(0);
    }
  });
});
