/**
 * `hardwire <flow> [options]` — what `npx nx run flow:<flow>` calls.
 * Exit codes: 0 ok; 1 tool, stage or check failure; 2 user error (one line, no stack trace).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import {
  ConfigError,
  DeferredCheckError,
  HardwireError,
  REPO_ROOT,
  UserError,
  camelToKebab,
  didYouMeanSuffix,
  kebabToCamel,
  parseFlowDocument,
  parseFlowYaml,
  writeFileAtomicSync,
  resolveFlowConfig,
  runFlow,
  stageSlug,
  varsTable,
  type FlowSpec,
  type RawValue,
  type VarSpec,
  type VarSpecs,
} from '@hardwire/core';
import { STAGE_IDS, loadStages, loadedStage } from './stageRegistry.ts';
import { parseArgs } from './parseArgs.ts';
import { shellQuote } from '@hardwire/core';


/** Options every flow takes, beside its stages' vars. */
const GLOBAL_OPTIONS: Record<string, { takesValue: boolean; doc: string }> = {
  out: { takesValue: true, doc: 'Run folder (default out/<flow>/<model>).' },
  from: { takesValue: true, doc: 'First stage to run (id or slug); earlier state is read from the run folder.' },
  to: { takesValue: true, doc: 'Last stage to run.' },
  skip: { takesValue: true, doc: 'Stages not to run (comma-separated or repeated).' },
  'cache-dir': { takesValue: true, doc: 'Stage cache folder (default out/.cache).' },
  cache: { takesValue: false, doc: '--no-cache runs every stage (the run folder is still reused when its inputs match).' },
  help: { takesValue: false, doc: 'Print the flow, its stages and options.' },
};

/** Names of the flows in flows/*.yaml. */
export function listFlows(flowsDir = join(REPO_ROOT, 'flows')): string[] {
  return readdirSync(flowsDir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
}

/** Load and validate flows/<name>.yaml, loading the stages it names (every stage when one is unknown, for "did you mean"). */
export async function loadFlow(name: string, flowsDir = join(REPO_ROOT, 'flows')): Promise<FlowSpec> {
  const flows = listFlows(flowsDir);
  if (!flows.includes(name)) throw new UserError(`unknown flow '${name}'${didYouMeanSuffix(name, flows)}; flows: ${flows.join(', ')}`);
  const file = join(flowsDir, `${name}.yaml`);
  const doc = flowDocument(readFileSync(file, 'utf8'), `flows/${name}.yaml`);
  const ids = stageIdsOf(doc);
  const stages = await loadStages(ids.every((id) => STAGE_IDS.includes(id)) ? ids : STAGE_IDS);
  const flow = parseFlowDocument(doc, `flows/${name}.yaml`, stages);
  if (flow.name !== name) throw new ConfigError(`flows/${name}.yaml: field 'name' is '${flow.name}', expected '${name}'`);
  return flow;
}

/**
 * A flow file's YAML document, kept as JSON under out/.cache/flow-documents by the hash of its text: loading
 * the YAML parser costs about 0.2 s of start-up, and flow files rarely change.
 */
function flowDocument(text: string, file: string): unknown {
  const cached = join(REPO_ROOT, 'out', '.cache', 'flow-documents', `${createHash('sha256').update(text).digest('hex').slice(0, 32)}.json`);
  if (existsSync(cached)) {
    try {
      return JSON.parse(readFileSync(cached, 'utf8'));
    } catch {
      // A damaged cache entry: parse the text again.
    }
  }
  const doc = parseFlowYaml(text, file);
  try {
    writeFileAtomicSync(cached, JSON.stringify(doc));
  } catch {
    // A read-only checkout still runs, only slower to start.
  }
  return doc;
}

/** The stage ids a flow document names, before validation (parseFlowDocument reports what is wrong). */
function stageIdsOf(doc: unknown): string[] {
  const stages = (doc as { stages?: unknown } | null)?.stages;
  if (!Array.isArray(stages)) return [];
  return stages.map((e: unknown) => (typeof e === 'string' ? e : typeof e === 'object' && e !== null && 'stage' in e ? String((e as { stage: unknown }).stage) : '')).filter(Boolean);
}

/** The union of the flow's stage vars, by camelCase name (the flow must come from `loadFlow`). */
export function flowVars(flow: FlowSpec): Record<string, VarSpec<unknown>> {
  const vars: Record<string, VarSpec<unknown>> = {};
  for (const id of flow.stages) Object.assign(vars, loadedStage(id).vars as VarSpecs);
  return vars;
}

/** `--help` text for a flow. */
export function flowHelp(flow: FlowSpec): string {
  const stages = flow.stages.map((id, i) => `  ${String(i + 1).padStart(2, '0')} ${id} (${stageSlug(id)})${flow.conditions[id] ? ` [only with --${camelToKebab(flow.conditions[id])}]` : ''}: ${loadedStage(id).summary}`);
  const globals = Object.entries(GLOBAL_OPTIONS).map(([name, o]) => `| \`--${name}\` | ${o.doc} |`);
  return [
    `flow ${flow.name}: ${flow.summary}`,
    '',
    'stages:',
    ...stages,
    '',
    'options:',
    varsTable(flowVars(flow), flow.defaults),
    '',
    '| run option | what |',
    '|---|---|',
    ...globals,
  ].join('\n');
}

interface Io {
  stdout: (text: string) => void;
  stderr: { write(text: string): void; isTTY: boolean };
}

/** Run the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let answerDir: string | undefined;
  try {
    const booleans = new Set(['cache', 'help']);
    // Boolean stage vars are only known once the flow is known: read the flow name first.
    const firstPositional = argv.find((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1].startsWith('--') || argv[i - 1].includes('=')));
    let flow: FlowSpec | undefined;
    if (firstPositional !== undefined && listFlows().includes(firstPositional)) {
      flow = await loadFlow(firstPositional);
      for (const [name, spec] of Object.entries(flowVars(flow))) if (spec.typeName === 'boolean') booleans.add(camelToKebab(name));
    }
    const { flowName, options } = parseArgs(argv, booleans);
    if (flowName === undefined) throw new UserError(`no flow given; usage: npx nx run flow:<flow> [options]; flows: ${listFlows().join(', ')}`);
    flow ??= await loadFlow(flowName);
    const vars = flowVars(flow);
    if (options.get('help') === true) {
      io.stdout(flowHelp(flow) + '\n');
      return 0;
    }
    const known = [...Object.keys(GLOBAL_OPTIONS), ...Object.keys(vars).map(camelToKebab)];
    const cliValues: Record<string, RawValue> = {};
    for (const [name, value] of options) {
      if (name in GLOBAL_OPTIONS) {
        if (GLOBAL_OPTIONS[name].takesValue && typeof value !== 'string') throw new ConfigError(`--${name}: expected a value`);
        continue;
      }
      const camel = kebabToCamel(name);
      if (!(camel in vars) || camelToKebab(camel) !== name) {
        throw new ConfigError(`unknown option --${name} for flow ${flow.name}${didYouMeanSuffix(name, known).replace(/did you mean (\S+)\?/, 'did you mean --$1?')}; see --help`);
      }
      cliValues[camel] = value;
    }
    // Resolve (and so validate) every stage's config before anything is written.
    const stages = await loadStages(flow.stages);
    const configs = resolveFlowConfig(flow, stages, cliValues);
    const model = [...configs.values()].map((c) => c.model).find((m): m is string => typeof m === 'string');
    const outOption = options.get('out');
    const runDir = resolve(typeof outOption === 'string' ? outOption : join('out', flow.name, model ?? 'default'));
    answerDir = runDir;
    const cacheDirOption = options.get('cache-dir');
    const cacheDir = options.get('cache') === false ? null : resolve(typeof cacheDirOption === 'string' ? cacheDirOption : join('out', '.cache'));
    const split = (v: string | boolean | undefined) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
    const result = await runFlow({
      flow,
      stages,
      runDir,
      cliValues,
      from: options.get('from') as string | undefined,
      to: options.get('to') as string | undefined,
      skip: split(options.get('skip')),
      cacheDir,
      stderr: io.stderr,
      invocation: ['npx', 'nx', 'run', `flow:${flow.name}`, ...(argv.length > 1 ? ['--'] : []), ...argv.filter((a) => a !== flowName)].map(shellQuote).join(' '),
    });
    io.stdout(`flow ${flow.name}: ${result.ranStages.length} stage(s), ${result.cacheHits} cached; metrics: ${join(runDir, 'metrics.json')}\n`);
    await printAnswer(runDir, io);
    return 0;
  } catch (error) {
    // Failed checks end a finished run: its answer still stands, with the failures listed below it.
    if (error instanceof DeferredCheckError && answerDir) await printAnswer(answerDir, io);
    if (error instanceof HardwireError) {
      io.stderr.write(`hardwire: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`hardwire: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

/** The run's answer (model, silicon, fields, speed, HC1, largest model per wafer) and where its report is, when the run made an estimate. */
async function printAnswer(runDir: string, io: { stdout: (text: string) => void }): Promise<void> {
  const path = join(runDir, 'metrics.json');
  if (!existsSync(path)) return;
  const metrics = JSON.parse(readFileSync(path, 'utf8')) as Record<string, number | string>;
  if (metrics.capacity__area__mm2 === undefined) return;
  const { answerLines } = await import('@hardwire/capacity');
  const lines = answerLines(metrics);
  if (lines.length === 0) return;
  const report = join(runDir, 'report.html');
  io.stdout(['', ...lines, ...(existsSync(report) ? [`  report    ${report}`] : []), ''].join('\n') + '\n');
}

/** Run the CLI in-process and capture its output (for scripts and tests). */
export async function runCli(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: { write: (t) => (stderr += t), isTTY: false } });
  return { code, stdout, stderr };
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const code = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: { write: (text) => process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY) },
  });
  process.exitCode = code;
}
