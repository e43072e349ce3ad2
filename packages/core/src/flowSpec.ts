/**
 * Flow files (`flows/*.yaml`): a stage list plus defaults and check rules, validated on load (pure).
 *
 * ```yaml
 * name: tile
 * summary: Model to sample tiles.
 * stages: [Model.Inventory, { stage: Quant.Stats, when: weights }, Check.Rules]
 * defaults: { model: llama-8b }
 * rules: { run__model__params: { compare: '>', value: 0 } }
 * ```
 */
import { createRequire } from 'node:module';

/** The YAML parser, loaded on first use (it costs a fifth of a second of start-up; the CLI reads cached documents). */
const loadLazily = createRequire(import.meta.url);
import { ConfigError } from './errors.ts';
import { didYouMeanSuffix } from './didYouMean.ts';
import { isMetricName } from './metrics.ts';
import type { AnyStage, MetricRule } from './stage.ts';
import type { RawValue } from './vars.ts';

export interface FlowSpec {
  readonly name: string;
  readonly summary: string;
  /** File it came from, for error messages. */
  readonly file: string;
  readonly stages: readonly string[];
  /** Stage id -> var name: the stage runs only when that var is given (flag or flow default). */
  readonly conditions: Readonly<Record<string, string>>;
  readonly defaults: Readonly<Record<string, RawValue>>;
  readonly rules: Readonly<Record<string, MetricRule>>;
}

const COMPARES = ['==', '!=', '<', '<=', '>', '>='] as const;

/** Parse and validate a flow file's text against the known stages. Throws ConfigError naming file and field. */
export function parseFlowSpec(text: string, file: string, stages: ReadonlyMap<string, AnyStage>): FlowSpec {
  return parseFlowDocument(parseFlowYaml(text, file), file, stages);
}

/** A flow file's text as a YAML document; ConfigError naming the file when it is not YAML. */
export function parseFlowYaml(text: string, file: string): unknown {
  try {
    return (loadLazily('yaml') as typeof import('yaml')).parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
}

/** Validate a parsed flow document against the known stages. Throws ConfigError naming file and field. */
export function parseFlowDocument(doc: unknown, file: string, stages: ReadonlyMap<string, AnyStage>): FlowSpec {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`${file}: expected a mapping with name, stages`);
  const record = doc as Record<string, unknown>;
  const known = ['name', 'summary', 'stages', 'defaults', 'rules'];
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) throw new ConfigError(`${file}: unknown field '${key}'${didYouMeanSuffix(key, known)}; expected ${known.join(', ')}`);
  }
  if (typeof record.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(record.name)) throw new ConfigError(`${file}: field 'name' must be a lower-case flow name`);
  const summary = typeof record.summary === 'string' ? record.summary : '';
  if (!Array.isArray(record.stages) || record.stages.length === 0) throw new ConfigError(`${file}: field 'stages' must be a non-empty list of stage ids`);
  const stageIds: string[] = [];
  const conditions: Record<string, string> = {};
  for (const [i, entry] of record.stages.entries()) {
    let id: unknown = entry;
    if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
      const { stage, when, ...rest } = entry as Record<string, unknown>;
      if (Object.keys(rest).length > 0) throw new ConfigError(`${file}: stages[${i}]: unknown field '${Object.keys(rest)[0]}'; expected stage, when`);
      if (typeof when !== 'string') throw new ConfigError(`${file}: stages[${i}]: 'when' must name a var`);
      id = stage;
      if (typeof stage === 'string') conditions[stage] = when;
    }
    if (typeof id !== 'string') throw new ConfigError(`${file}: stages[${i}] must be a stage id or { stage, when }`);
    if (!stages.has(id)) throw new ConfigError(`${file}: stages[${i}]: unknown stage '${id}'${didYouMeanSuffix(id, [...stages.keys()])}`);
    if (stageIds.includes(id)) throw new ConfigError(`${file}: stages[${i}]: stage '${id}' listed twice`);
    stageIds.push(id);
  }
  const defaults: Record<string, RawValue> = {};
  if (record.defaults !== undefined && record.defaults !== null) {
    if (typeof record.defaults !== 'object' || Array.isArray(record.defaults)) throw new ConfigError(`${file}: field 'defaults' must be a mapping`);
    const varNames = new Set(stageIds.flatMap((id) => Object.keys(stages.get(id)!.vars)));
    for (const [key, value] of Object.entries(record.defaults as Record<string, unknown>)) {
      if (!varNames.has(key)) throw new ConfigError(`${file}: defaults.${key}: no stage of this flow has that var${didYouMeanSuffix(key, [...varNames])}`);
      if (value !== null && typeof value === 'object') throw new ConfigError(`${file}: defaults.${key}: expected a scalar`);
      defaults[key] = value as RawValue;
    }
  }
  const rules: Record<string, MetricRule> = {};
  if (record.rules !== undefined && record.rules !== null) {
    if (typeof record.rules !== 'object' || Array.isArray(record.rules)) throw new ConfigError(`${file}: field 'rules' must be a mapping`);
    for (const [metric, rule] of Object.entries(record.rules as Record<string, unknown>)) {
      if (!isMetricName(metric.replace(/\*/g, 'x'))) throw new ConfigError(`${file}: rules.${metric}: not a metric name (stage__category__metric)`);
      const r = rule as Record<string, unknown> | null;
      if (!r || typeof r.value !== 'number' || !COMPARES.includes(r.compare as (typeof COMPARES)[number]) || (r.optional !== undefined && typeof r.optional !== 'boolean')) {
        throw new ConfigError(`${file}: rules.${metric}: expected { value: number, compare: ${COMPARES.join('|')}, optional?: boolean }`);
      }
      rules[metric] = { value: r.value, compare: r.compare as MetricRule['compare'], ...(r.optional ? { optional: true } : {}) };
    }
  }
  for (const [id, varName] of Object.entries(conditions)) {
    if (!stageIds.some((other) => varName in stages.get(other)!.vars)) throw new ConfigError(`${file}: ${id} when: ${varName}: no stage of this flow has that var`);
  }
  return { name: record.name, summary, file, stages: stageIds, conditions, defaults, rules };
}
