import { describe, expect, it } from 'vitest';
import { ConfigError, parseFlowSpec } from '../src/index.ts';
import { TOY_STAGES } from './toyStages.ts';

const parse = (yaml: string) => parseFlowSpec(yaml, 'flows/toy.yaml', TOY_STAGES);

describe('flow files', () => {
  it('parses stages, defaults and rules', () => {
    const flow = parse("name: toy\nsummary: s\nstages: [Toy.Source, Toy.Sum]\ndefaults: { count: 5 }\nrules: { toy__sum__value: { compare: '>=', value: 1 } }\n");
    expect(flow).toEqual({
      name: 'toy',
      summary: 's',
      file: 'flows/toy.yaml',
      stages: ['Toy.Source', 'Toy.Sum'],
      conditions: {},
      defaults: { count: 5 },
      rules: { toy__sum__value: { compare: '>=', value: 1 } },
    });
  });

  it('conditional stages run only when their var is given', () => {
    const flow = parse('name: toy\nstages: [Toy.Source, { stage: Toy.Sum, when: squared }]\n');
    expect(flow.conditions).toEqual({ 'Toy.Sum': 'squared' });
    expect(() => parse('name: toy\nstages: [{ stage: Toy.Sum, when: nothing }]\n')).toThrow("Toy.Sum when: nothing: no stage of this flow has that var");
  });

  it('names the file and field of every mistake', () => {
    const cases: Array<[string, string]> = [
      ['name: toy\nstages: [Toy.Sorce]\n', "flows/toy.yaml: stages[0]: unknown stage 'Toy.Sorce' (did you mean Toy.Source?)"],
      ['name: toy\nstage: [Toy.Source]\n', "flows/toy.yaml: unknown field 'stage' (did you mean stages?)"],
      ['name: toy\nstages: []\n', "flows/toy.yaml: field 'stages' must be a non-empty list"],
      ['name: toy\nstages: [Toy.Source, Toy.Source]\n', "stage 'Toy.Source' listed twice"],
      ['name: toy\nstages: [Toy.Source]\ndefaults: { cuont: 3 }\n', 'flows/toy.yaml: defaults.cuont: no stage of this flow has that var (did you mean count?)'],
      ["name: toy\nstages: [Toy.Source]\nrules: { toy__x__y: { compare: '~', value: 1 } }\n", 'flows/toy.yaml: rules.toy__x__y: expected { value: number, compare'],
      ["name: toy\nstages: [Toy.Source]\nrules: { bad: { compare: '==', value: 1 } }\n", 'rules.bad: not a metric name'],
      ['name: toy\nstages: [Toy.Source\n', 'flows/toy.yaml: not valid YAML'],
      ['- just a list\n', 'flows/toy.yaml: expected a mapping'],
      ['name: Toy Flow\nstages: [Toy.Source]\n', "field 'name' must be a lower-case flow name"],
    ];
    for (const [yaml, message] of cases) {
      expect(() => parse(yaml), yaml).toThrow(ConfigError);
      expect(() => parse(yaml), yaml).toThrow(message);
    }
  });
});
