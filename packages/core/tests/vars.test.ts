import { describe, expect, it } from 'vitest';
import { ConfigError, bool, custom, defineVars, describeAsFlag, didYouMean, int, isMetricName, list, mergeMetrics, num, oneOf, resolveVars, stageSlug, camelToKebab, kebabToCamel, varsTable } from '../src/index.ts';

const specs = defineVars({
  blockSize: int({ default: 4, min: 1, max: 16, doc: 'Coefficients per block.' }),
  utilization: num({ default: 0.7, min: 0, max: 1, doc: 'Target utilization.' }),
  quant: oneOf(['int3', 'int4'] as const, { default: 'int3', doc: 'Format.' }),
  signFold: bool({ default: false, doc: 'Fold signs.' }),
  nodes: list({ default: ['n5'], choices: ['n5', 'n7'], doc: 'Nodes.' }),
  group: custom('integer|row', (raw) => (raw === 'row' ? 'row' : /^\d+$/.test(raw) ? Number(raw) : { error: 'expected an integer or row' }), { default: 'row' as number | 'row', doc: 'Group.' }),
  label: custom('string', (raw) => raw, { doc: 'Optional label.' }),
});

const cli = (values: Record<string, string | boolean>) => [{ values, describe: describeAsFlag }];

describe('vars', () => {
  it('resolves defaults and typed values from strings', () => {
    expect(resolveVars(specs, cli({}))).toEqual({ blockSize: 4, utilization: 0.7, quant: 'int3', signFold: false, nodes: ['n5'], group: 'row', label: undefined });
    expect(resolveVars(specs, cli({ blockSize: '8', utilization: '0.5', quant: 'int4', signFold: true, nodes: 'n7,n5', group: '32' }))).toMatchObject({
      blockSize: 8,
      utilization: 0.5,
      quant: 'int4',
      signFold: true,
      nodes: ['n7', 'n5'],
      group: 32,
    });
  });

  it('names the flag and what was expected', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ blockSize: '4.5' }, '--block-size: expected an integer, got "4.5"'],
      [{ blockSize: '17' }, '--block-size: expected a value <= 16'],
      [{ utilization: 'high' }, '--utilization: expected a number'],
      [{ quant: 'int5' }, '--quant: expected one of int3, int4'],
      [{ nodes: 'n5,n9' }, '--nodes: expected items from n5, n7, got n9'],
      [{ group: 'rows' }, '--group: expected an integer or row'],
    ];
    for (const [values, message] of cases) {
      expect(() => resolveVars(specs, cli(values))).toThrow(ConfigError);
      expect(() => resolveVars(specs, cli(values))).toThrow(message);
    }
  });

  it('later layers win; required vars must be set', () => {
    const layers = [
      { values: { blockSize: 2 }, describe: (n: string) => `flows/x.yaml: defaults.${n}` },
      { values: { blockSize: '3' }, describe: describeAsFlag },
    ];
    expect(resolveVars(specs, layers).blockSize).toBe(3);
    const required = defineVars({ model: custom('model id', (r) => r, { required: true, doc: 'Model.' }) });
    expect(() => resolveVars(required, cli({}))).toThrow('--model is required');
  });

  it('generates a config table from the specs', () => {
    const table = varsTable(specs);
    expect(table).toContain('| `--block-size` | integer | 4 |  | Coefficients per block. |');
    expect(table.split('\n')).toHaveLength(2 + Object.keys(specs).length);
    // An object default shows as it would be typed (its `show`), never as [object Object].
    const window = defineVars({ tile: custom('ROWSxCOLS', () => ({ rows: 1, cols: 1 }), { default: { rows: 8, cols: 16 }, doc: 'Window.', show: (t: { rows: number; cols: number }) => `${t.rows}x${t.cols}` }) });
    expect(varsTable(window)).toContain('| `--tile` | ROWSxCOLS | 8x16 |  | Window. |');
    expect(varsTable(window, { tile: '4x8' })).toContain('| 4x8 |');
  });
});

describe('naming and metrics', () => {
  it('slugs, kebab and camel case', () => {
    expect(stageSlug('Model.Inventory')).toBe('model-inventory');
    expect(stageSlug('GateSim.Check')).toBe('gate-sim-check');
    expect(camelToKebab('reticleWidthUm')).toBe('reticle-width-um');
    expect(kebabToCamel('reticle-width-um')).toBe('reticleWidthUm');
  });

  it('suggests close names only', () => {
    expect(didYouMean('modle', ['model', 'out'])).toBe('model');
    expect(didYouMean('Model.Inventroy', ['Model.Inventory', 'Check.Rules'])).toBe('Model.Inventory');
    expect(didYouMean('zzzz', ['model', 'out'])).toBeUndefined();
  });

  it('accepts flat ORFS-style metric names with qualifiers', () => {
    for (const good of ['permute__n', 'run__model__params', 'synth__design__instance__count__arch:da', 'floorplan__tile__count__reticle:3_2', 'study__largest_params__node:n5__arch:rom']) {
      expect(isMetricName(good), good).toBe(true);
    }
    for (const bad of ['params', 'run__', '__model', 'Run__model__params', 'run__model__params__', 'run___model__params', 'run__model__params__arch:']) {
      expect(isMetricName(bad), bad).toBe(false);
    }
    expect(Object.keys(mergeMetrics({ b__c__d: 1 }, { a__b__c: 2, b__c__d: 3 }))).toEqual(['a__b__c', 'b__c__d']);
  });
});
