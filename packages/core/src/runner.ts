/**
 * The flow runner (edge: owns the run folder, the cache and stderr).
 *
 * Run folder layout (`--out DIR`):
 * - `DIR/metrics.json`: all metrics, flat, sorted keys; rewritten atomically after every stage.
 * - `DIR/findings.json`: every finding of every stage.
 * The stage cache key is the stage id and version, a hash of Hardwire's source tree, the stage's resolved
 * config, its input views' content hashes and its salt (tool versions, fingerprints of named files).
 * - `DIR/NN-<stage-slug>/`: `config.json` (resolved stage vars), `state_in.json`, `state_out.json`,
 *   `metrics.json`, `COMMANDS` (exact tool command lines), `<slug>.log`, `runtime.txt`, and the outputs.
 *   A stage runs in `NN-<slug>.partial/`, renamed into place only when it succeeds.
 */
import { cp, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { appendFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { CanceledError, ConfigError, DeferredCheckError, HardwireError, StageError, UserError } from './errors.ts';
import { Slots } from './pool.ts';
import { didYouMeanSuffix } from './didYouMean.ts';
import { sha256Hex, stableStringify } from './hash.ts';
import { isMetricName, mergeMetrics, type Metrics } from './metrics.ts';
import { stageNumber, stageSlug } from './naming.ts';
import { resolveVars, describeAsFlag, type RawValue } from './vars.ts';
import type { FlowSpec } from './flowSpec.ts';
import type { AnyStage, Finding, ProgressHandle, State, StageContext } from './stage.ts';
import { writeFileAtomic, writeJsonAtomic } from './io/atomic.ts';
import { hashPath, sourceTreeHash } from './io/hashPath.ts';
import { REPO_ROOT } from './io/paths.ts';
import { createProgress, type ProgressSink } from './io/progress.ts';
import { execLogged } from './io/exec.ts';

export interface RunFlowOptions {
  flow: FlowSpec;
  stages: ReadonlyMap<string, AnyStage>;
  /** Run folder (`--out`). */
  runDir: string;
  /** Values from the command line, keyed by camelCase var name. */
  cliValues: Readonly<Record<string, RawValue>>;
  from?: string;
  to?: string;
  skip?: readonly string[];
  /** Content-addressed stage cache folder; null disables the cache. */
  cacheDir: string | null;
  stderr: ProgressSink;
  /** The command line that started the run, written to `run.json` (reports show it). */
  invocation?: string;
}

export interface RunFlowResult {
  metrics: Metrics;
  findings: Finding[];
  ranStages: string[];
  cacheHits: number;
  cacheMisses: number;
}

interface StageRecord {
  cacheKey: string;
  stage: string;
  views: Record<string, string>;
  metrics: Metrics;
  findings: Finding[];
  runtimeS: number;
}

/** Resolve a `--from/--to/--skip` reference (id, case-insensitive, or slug) to an index in the flow. */
export function resolveStageRef(flag: string, ref: string, flow: FlowSpec): number {
  const needle = ref.toLowerCase();
  const index = flow.stages.findIndex((id) => id.toLowerCase() === needle || stageSlug(id) === needle);
  if (index < 0) {
    throw new ConfigError(`${flag}: no stage '${ref}' in flow ${flow.name}${didYouMeanSuffix(ref, flow.stages)}; stages: ${flow.stages.join(', ')}`);
  }
  return index;
}

/** True when a stage's `when` var is given (or it has none). */
export function stageEnabled(flow: FlowSpec, id: string, cliValues: Readonly<Record<string, RawValue>>): boolean {
  const varName = flow.conditions[id];
  if (varName === undefined) return true;
  const value = cliValues[varName] ?? flow.defaults[varName];
  return value !== undefined && value !== null && value !== false;
}

/** Resolve each enabled stage's config (stage defaults < flow defaults < flags). Throws ConfigError. */
export function resolveFlowConfig(flow: FlowSpec, stages: ReadonlyMap<string, AnyStage>, cliValues: Readonly<Record<string, RawValue>>): Map<string, Record<string, unknown>> {
  const configs = new Map<string, Record<string, unknown>>();
  for (const id of flow.stages) {
    if (!stageEnabled(flow, id, cliValues)) continue;
    const stage = stages.get(id)!;
    configs.set(
      id,
      resolveVars(stage.vars, [
        { values: flow.defaults, describe: (name) => `${flow.file}: defaults.${name}` },
        { values: cliValues, describe: describeAsFlag },
      ]) as Record<string, unknown>,
    );
  }
  return configs;
}

/** Run a flow. Throws UserError/ConfigError (exit 2), ToolError/StageError (exit 1), DeferredCheckError (exit 1, after all stages). */
export async function runFlow(options: RunFlowOptions): Promise<RunFlowResult> {
  const { flow, stages, cacheDir } = options;
  // Stages running at the same time share stderr: on a terminal a line first clears any bar another stage drew.
  const stderr: ProgressSink = options.stderr.isTTY ? { isTTY: true, write: (text) => options.stderr.write(text.startsWith('\r') ? text : `\r\x1b[K${text}`) } : options.stderr;
  const runDir = resolve(options.runDir);
  const configs = resolveFlowConfig(flow, stages, options.cliValues);
  const fromIndex = options.from === undefined ? 0 : resolveStageRef('--from', options.from, flow);
  const toIndex = options.to === undefined ? flow.stages.length - 1 : resolveStageRef('--to', options.to, flow);
  if (toIndex < fromIndex) throw new ConfigError(`--to ${options.to} comes before --from ${options.from} in flow ${flow.name}`);
  const skipped = new Set((options.skip ?? []).map((ref) => resolveStageRef('--skip', ref, flow)));
  flow.stages.forEach((id, i) => {
    if (!stageEnabled(flow, id, options.cliValues)) skipped.add(i);
  });
  await mkdir(runDir, { recursive: true });
  await writeJsonAtomic(join(runDir, 'run.json'), {
    flow: flow.name,
    command: options.invocation ?? `npx nx run flow:${flow.name}`,
    cliValues: Object.fromEntries(Object.entries(options.cliValues).sort(([a], [b]) => a.localeCompare(b))),
    rules: flow.rules,
    stageDirs: flow.stages.map((id, index) => `${stageNumber(index)}-${stageSlug(id)}`),
  });

  const base: State = fromIndex > 0 ? await loadEarlierState(runDir, flow, fromIndex) : { views: {}, metrics: {} };
  const result: RunFlowResult = { metrics: {}, findings: [], ranStages: [], cacheHits: 0, cacheMisses: 0 };
  const selected = flow.stages.map((_, i) => i).filter((i) => i >= fromIndex && i <= toIndex && !skipped.has(i));
  const deps = stageDependencies(flow, stages, selected, base);
  // Every stage's record and folder name once it is done; states, metrics and findings are folded from these
  // in flow order, so a run's files do not depend on which of two independent stages finished first.
  const records = new Map<number, { record: StageRecord; dirName: string }>();
  const fold = (indices: Iterable<number>): State => {
    let state = base;
    for (const i of [...indices].sort((a, b) => a - b)) {
      const done = records.get(i);
      if (done) state = applyRecord(state, done.record, done.dirName);
    }
    return state;
  };

  const writeRunFiles = async () => {
    const runtimes: Metrics = {};
    const findings: Finding[] = [];
    for (const i of selected) {
      const done = records.get(i);
      if (!done) continue;
      runtimes[`run__stage__runtime_s__stage:${stageSlug(flow.stages[i])}`] = Number(done.record.runtimeS.toFixed(3));
      findings.push(...done.record.findings.map((f) => ({ ...f, stage: flow.stages[i] })));
    }
    result.metrics = mergeMetrics(fold(records.keys()).metrics, runtimes, {
      run__flow__name: flow.name,
      run__cache__hits: result.cacheHits,
      run__cache__misses: result.cacheMisses,
    });
    result.findings = findings;
    await writeJsonAtomic(join(runDir, 'metrics.json'), result.metrics);
    await writeJsonAtomic(join(runDir, 'findings.json'), findings);
  };

  // Published files (DIR/images/..., DIR/estimate.json) are owned by the stage that wrote them
  // (DIR/.published.json): files a rerun stage published before are removed first, so a file it no longer
  // makes (a field image of a floorplan that now needs fewer fields) does not linger looking current.
  const manifestPath = join(runDir, '.published.json');
  const published: Record<string, string> = existsSync(manifestPath) ? (JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, string>) : {};
  const rerun = new Set(selected.map((i) => flow.stages[i]));
  for (const [file, owner] of Object.entries(published)) {
    if (!rerun.has(owner)) continue;
    await rm(join(runDir, file), { force: true });
    delete published[file];
  }
  // A run folder from before the manifest: a full run clears the published places of its stages.
  if (!existsSync(manifestPath) && fromIndex === 0) {
    for (const i of selected) for (const target of Object.values(stages.get(flow.stages[i])!.publish ?? {})) await rm(join(runDir, target), { recursive: true, force: true });
  }

  // Stages run as soon as the stages they depend on are done, several at once; their tools share the
  // machine's cores (one slot each), and after a failure no new stage starts and the running ones are
  // canceled (their tools killed), so the first failure is reported without waiting for them.
  const slots = new Slots(availableParallelism());
  const abort = new AbortController();
  let bookkeeping: Promise<void> = Promise.resolve();
  const afterStage = (index: number, done: { record: StageRecord; dirName: string }) => {
    bookkeeping = bookkeeping.then(async () => {
      const id = flow.stages[index];
      records.set(index, done);
      for (const [view, target] of Object.entries(stages.get(id)!.publish ?? {})) {
        for (const file of await publishView(join(runDir, done.dirName, done.record.views[view]), join(runDir, target))) published[relative(runDir, file)] = id;
      }
      if (Object.keys(stages.get(id)!.publish ?? {}).length > 0) await writeJsonAtomic(manifestPath, Object.fromEntries(Object.entries(published).sort(([a], [b]) => (a < b ? -1 : 1))));
      await writeRunFiles();
    });
    return bookkeeping;
  };

  const runOne = async (n: number, index: number) => {
    const id = flow.stages[index];
    const stage = stages.get(id)!;
    const config = configs.get(id)!;
    const slug = stageSlug(id);
    const dirName = `${stageNumber(index)}-${slug}`;
    const stageDir = join(runDir, dirName);
    const prefix = `[${n + 1}/${selected.length}] ${id}`;
    const state = fold(closure(deps, index));
    for (const view of stage.inputs) {
      if (!existsSync(join(runDir, state.views[view]))) throw new UserError(`${id} needs view '${view}' at ${join(runDir, state.views[view])}, which is missing; rerun the stage that makes it`);
    }

    const inputHashes: Record<string, string> = {};
    for (const view of stage.inputs) inputHashes[view] = await hashPath(join(runDir, state.views[view]));
    for (const view of stage.optionalInputs ?? []) if (state.views[view] !== undefined && existsSync(join(runDir, state.views[view]))) inputHashes[view] = await hashPath(join(runDir, state.views[view]));
    const salt = stage.cacheSalt ? await stage.cacheSalt(config as never) : {};
    const cacheable = stage.cacheable !== false;
    const cacheKey = sha256Hex(stableStringify({ stage: id, version: stage.version, code: await sourceTreeHash(REPO_ROOT), config, inputs: inputHashes, salt }));

    let record: StageRecord | undefined;
    if (cacheable) record = await reuse(stageDir, cacheKey, cacheDir);
    if (record) {
      result.cacheHits += 1;
      stderr.write(`${prefix}: cached (${record.runtimeS.toFixed(2)} s when computed)\n`);
    } else {
      result.cacheMisses += 1;
      stderr.write(`${prefix}: running\n`);
      record = await runStage(stage, config, state, { runDir, cacheDir, stageDir, slug, cacheKey, flow, stderr, prefix, slots, signal: abort.signal });
      if (cacheable && cacheDir !== null) await storeInCache(stageDir, cacheDir, cacheKey);
      stderr.write(`${prefix}: done in ${record.runtimeS.toFixed(2)} s\n`);
    }
    await afterStage(index, { record, dirName });
  };

  const waiting = [...selected];
  const running = new Map<number, Promise<void>>();
  const failures = new Map<number, unknown>();
  while (waiting.length > 0 || running.size > 0) {
    if (failures.size === 0) {
      for (const index of [...waiting]) {
        if (![...deps.get(index)!].every((d) => records.has(d))) continue;
        waiting.splice(waiting.indexOf(index), 1);
        const n = selected.indexOf(index);
        running.set(
          index,
          runOne(n, index).catch((error: unknown) => {
            failures.set(index, error);
            abort.abort();
          }).finally(() => running.delete(index)),
        );
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  await bookkeeping;
  if (failures.size > 0) {
    // The first failure in flow order that is not a stage canceled because of another's failure.
    const ordered = [...failures.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e);
    throw ordered.find((e) => !(e instanceof CanceledError)) ?? ordered[0];
  }
  for (const i of selected) if (records.has(i)) result.ranStages.push(flow.stages[i]);
  await writeRunFiles();

  const errors = result.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    const lines = errors.map((f) => `  - [${String(f.stage)}] ${f.type}: ${f.message}`);
    throw new DeferredCheckError(errors.length, `${errors.length} check finding(s) failed the run (see ${join(runDir, 'findings.json')}):\n${lines.join('\n')}`);
  }
  return result;
}

/**
 * What each selected stage waits for: the latest earlier selected stage making each of its input (and optional
 * input) views, or every earlier selected stage for a stage that reads the whole run. A required view that no
 * earlier selected stage makes and the saved state (`--from`) does not hold is a user error, raised before
 * anything runs.
 */
function stageDependencies(flow: FlowSpec, stages: ReadonlyMap<string, AnyStage>, selected: readonly number[], base: State): Map<number, Set<number>> {
  const deps = new Map<number, Set<number>>();
  for (const index of selected) {
    const id = flow.stages[index];
    const stage = stages.get(id)!;
    const earlier = selected.filter((j) => j < index);
    if (stage.readsWholeRun) {
      deps.set(index, new Set(earlier));
      continue;
    }
    const mine = new Set<number>();
    for (const view of [...stage.inputs, ...(stage.optionalInputs ?? [])]) {
      const producer = earlier.filter((j) => stages.get(flow.stages[j])!.outputs.includes(view)).pop();
      if (producer !== undefined) mine.add(producer);
      else if (stage.inputs.includes(view) && base.views[view] === undefined) {
        const maker = flow.stages.find((other) => stages.get(other)!.outputs.includes(view));
        throw new UserError(`${id} needs view '${view}', which no earlier stage produced${maker ? ` (${maker} makes it; was it skipped or left out by --from?)` : ''}`);
      }
    }
    deps.set(index, mine);
  }
  return deps;
}

/** A stage and every stage it depends on, directly or through others. */
function closure(deps: ReadonlyMap<number, ReadonlySet<number>>, index: number): Set<number> {
  const seen = new Set<number>();
  const visit = (i: number) => {
    for (const d of deps.get(i) ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      visit(d);
    }
  };
  visit(index);
  return seen;
}

/**
 * Copy a view to its published place: a file into `<target>.partial`, then renamed over the old one; a folder
 * file by file the same way, so folders several stages publish into (`images/`, `tiles/`) gather all of them.
 */
async function publishView(source: string, target: string): Promise<string[]> {
  if ((await stat(source)).isDirectory()) {
    const files: string[] = [];
    for (const entry of await readdir(source, { withFileTypes: true })) files.push(...(await publishView(join(source, entry.name), join(target, entry.name))));
    return files;
  }
  const partial = `${target}.partial`;
  await mkdir(dirname(target), { recursive: true });
  await rm(partial, { recursive: true, force: true });
  await cp(source, partial);
  await rm(target, { recursive: true, force: true });
  await rename(partial, target);
  return [target];
}

/** The state after a stage: its views (run-relative) and metrics laid over the previous state. */
function applyRecord(state: State, record: StageRecord, dirName: string): State {
  const views: Record<string, string> = { ...state.views };
  for (const [view, rel] of Object.entries(record.views)) views[view] = `${dirName}/${rel}`;
  return { views, metrics: mergeMetrics(state.metrics, record.metrics) };
}

async function loadEarlierState(runDir: string, flow: FlowSpec, fromIndex: number): Promise<State> {
  // Every earlier stage's result, folded in flow order (stages that ran at the same time each saved only the
  // state they depended on, so the last one's state alone is not the whole run's).
  let state: State = { views: {}, metrics: {} };
  let found = false;
  for (let i = 0; i < fromIndex; i++) {
    const dirName = `${stageNumber(i)}-${stageSlug(flow.stages[i])}`;
    const record = await readRecord(join(runDir, dirName));
    if (!record) continue;
    state = applyRecord(state, record, dirName);
    found = true;
  }
  if (!found) throw new UserError(`--from ${flow.stages[fromIndex]}: ${runDir} holds no earlier stage's state_out.json; run the flow without --from first`);
  return state;
}

async function readRecord(stageDir: string): Promise<StageRecord | undefined> {
  const file = join(stageDir, 'state_out.json');
  if (!existsSync(file)) return undefined;
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { record: StageRecord };
    return saved.record;
  } catch {
    return undefined;
  }
}

async function recordComplete(stageDir: string, record: StageRecord): Promise<boolean> {
  for (const rel of Object.values(record.views)) if (!existsSync(join(stageDir, rel))) return false;
  return true;
}

/** A stage folder already holding this key's result is reused in place; else the cache copy is restored. */
async function reuse(stageDir: string, cacheKey: string, cacheDir: string | null): Promise<StageRecord | undefined> {
  const inPlace = await readRecord(stageDir);
  if (inPlace && inPlace.cacheKey === cacheKey && (await recordComplete(stageDir, inPlace))) return inPlace;
  if (cacheDir === null) return undefined;
  const cached = join(cacheDir, cacheKey.slice(0, 2), cacheKey);
  const record = await readRecord(cached);
  if (!record || record.cacheKey !== cacheKey || !(await recordComplete(cached, record))) return undefined;
  const partial = `${stageDir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await cp(cached, partial, { recursive: true });
  await rm(stageDir, { recursive: true, force: true });
  await rename(partial, stageDir);
  return record;
}

async function storeInCache(stageDir: string, cacheDir: string, cacheKey: string): Promise<void> {
  const target = join(cacheDir, cacheKey.slice(0, 2), cacheKey);
  if (existsSync(join(target, 'state_out.json'))) return;
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(join(cacheDir, cacheKey.slice(0, 2)), { recursive: true });
  await cp(stageDir, partial, { recursive: true });
  await rm(target, { recursive: true, force: true });
  await rename(partial, target);
}

interface RunStageEnv {
  runDir: string;
  cacheDir: string | null;
  stageDir: string;
  slug: string;
  cacheKey: string;
  flow: FlowSpec;
  stderr: ProgressSink;
  prefix: string;
  /** The cores, shared by the tools of every stage running at the same time. */
  slots: Slots;
  /** Aborted when another stage fails: this stage's tools are killed. */
  signal: AbortSignal;
}

async function runStage(stage: AnyStage, config: Record<string, unknown>, state: State, env: RunStageEnv): Promise<StageRecord> {
  const partial = `${env.stageDir}.partial`;
  // The old result no longer matches this config or these inputs: remove it before recomputing.
  await rm(env.stageDir, { recursive: true, force: true });
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const logFile = join(partial, `${env.slug}.log`);
  const commandsFile = join(partial, 'COMMANDS');
  await writeFile(logFile, '');
  await writeFile(commandsFile, '');
  await writeJsonAtomic(join(partial, 'config.json'), config);
  await writeJsonAtomic(join(partial, 'state_in.json'), state);
  const progress: ProgressHandle = createProgress(env.stderr, env.prefix);
  const ctx: StageContext<Record<string, unknown>> = {
    stageId: stage.id,
    config,
    stageDir: partial,
    runDir: env.runDir,
    cacheDir: env.cacheDir,
    flow: { name: env.flow.name, rules: env.flow.rules },
    inputPath: (view) => {
      if (!stage.inputs.includes(view)) throw new StageError(stage.id, `reads view '${view}' it did not declare as an input`);
      return join(env.runDir, state.views[view]);
    },
    optionalInputPath: (view) => {
      if (!(stage.optionalInputs ?? []).includes(view)) throw new StageError(stage.id, `reads view '${view}' it did not declare as an optional input`);
      const path = state.views[view];
      return path !== undefined && existsSync(join(env.runDir, path)) ? join(env.runDir, path) : undefined;
    },
    log: (line) => appendFileSync(logFile, line.endsWith('\n') ? line : line + '\n'),
    progress,
    // On failure the partial folder is kept, so the log path in a ToolError stays valid.
    exec: (exe, argv, options) => env.slots.run(() => execLogged(exe, argv, { commandsFile, logFile }, { ...options, signal: options?.signal ? AbortSignal.any([options.signal, env.signal]) : env.signal }), stage.background ? -1 : 0),
  };
  const started = performance.now();
  let delta;
  try {
    delta = await stage.run(ctx as never, state);
  } catch (error) {
    progress.finish();
    appendFileSync(logFile, `\nstage failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    if (error instanceof HardwireError) throw error;
    throw new StageError(stage.id, `${error instanceof Error ? error.message : String(error)} (stack in ${logFile})`, { cause: error });
  }
  progress.finish();
  const runtimeS = (performance.now() - started) / 1000;

  const views: Record<string, string> = {};
  for (const [view, rel] of Object.entries(delta.views ?? {})) {
    if (!stage.outputs.includes(view)) throw new StageError(stage.id, `wrote view '${view}' it did not declare as an output`);
    const normalized = relative(partial, resolve(partial, rel));
    if (normalized.startsWith('..')) throw new StageError(stage.id, `view '${view}' points outside its stage folder: ${rel}`);
    if (!existsSync(join(partial, normalized))) throw new StageError(stage.id, `view '${view}' file ${normalized} was not written`);
    views[view] = normalized;
  }
  for (const view of stage.outputs) {
    if (!(view in views)) throw new StageError(stage.id, `declared output view '${view}' was not produced`);
  }
  const metrics: Metrics = {};
  for (const [name, value] of Object.entries(delta.metrics ?? {})) {
    if (!isMetricName(name)) throw new StageError(stage.id, `metric name '${name}' is not of the form stage__category__metric[__qualifier]`);
    if (typeof value === 'number' && !Number.isFinite(value)) throw new StageError(stage.id, `metric '${name}' is not finite: ${value}`);
    metrics[name] = value;
  }
  const record: StageRecord = { cacheKey: env.cacheKey, stage: stage.id, views, metrics: mergeMetrics(metrics), findings: delta.findings ?? [], runtimeS };
  await writeJsonAtomic(join(partial, 'metrics.json'), record.metrics);
  await writeFileAtomic(join(partial, 'runtime.txt'), `${runtimeS.toFixed(3)} s\n`);
  await writeJsonAtomic(join(partial, 'state_out.json'), { record, state: applyRecord(state, record, relative(env.runDir, env.stageDir)) });
  await rm(env.stageDir, { recursive: true, force: true });
  await rename(partial, env.stageDir);
  return record;
}
