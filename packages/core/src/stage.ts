/**
 * The stage contract. A stage declares its id, the views it reads and writes and its typed vars;
 * it returns new views and metrics (and findings), never a pass/fail verdict: `Check.*` stages
 * turn findings into failures at the end of the run.
 */
import type { ConfigOf, VarSpecs } from './vars.ts';
import type { Metrics } from './metrics.ts';

/** Name of a view: a file (or folder) that one stage writes and later stages read, e.g. `inventory`. */
export type ViewId = string;

/** Where views live: paths relative to the run folder. */
export interface State {
  readonly views: Readonly<Record<ViewId, string>>;
  readonly metrics: Readonly<Metrics>;
}

/** A design finding (data, not a throw). Checks raise `severity: 'error'` findings. */
export interface Finding {
  readonly type: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly [extra: string]: unknown;
}

/** What a stage returns: only what changed. View paths are relative to the stage folder. */
export interface StageDelta {
  views?: Record<ViewId, string>;
  metrics?: Metrics;
  findings?: Finding[];
}

/** Progress of a long stage; the runner draws it on stderr (bar with ETA on a TTY, plain lines otherwise). */
export interface ProgressHandle {
  /** Begin a phase of `total` units (`unit` like "tensors" or "vectors"). */
  start(total: number, unit: string, label?: string): void;
  /** Add `n` done units. */
  advance(n: number): void;
  /** End the current phase. */
  finish(): void;
  /** One line about what is happening now (a long step of a long stage), with the stage's elapsed time. */
  note(text: string): void;
}

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  input?: string;
  /** Exit codes that are not failures (default [0]). */
  okExitCodes?: number[];
  /** Aborting it kills the tool; the call then rejects with a CanceledError. */
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  output: string;
  durationMs: number;
}

/** What the runner gives a stage. */
export interface StageContext<C> {
  readonly stageId: string;
  /** Resolved config: only this stage's vars. */
  readonly config: C;
  /** Absolute folder the stage writes into (renamed into place when the stage succeeds). */
  readonly stageDir: string;
  /** Absolute run folder (`--out`). */
  readonly runDir: string;
  /** Content-addressed cache folder for items finer than a stage (e.g. one block kind), or null with --no-cache. */
  readonly cacheDir: string | null;
  /** The flow being run: its name and rules (for checks). */
  readonly flow: { readonly name: string; readonly rules: Readonly<Record<string, MetricRule>> };
  /** Absolute path of an input view. */
  inputPath(view: ViewId): string;
  /** Path of an optional input view, or undefined when no earlier stage of the run produced it. */
  optionalInputPath(view: ViewId): string | undefined;
  /** Append a line to the stage log. */
  log(line: string): void;
  readonly progress: ProgressHandle;
  /** Run an external tool: argv array, logged in COMMANDS and the stage log; throws ToolError on failure. */
  exec(exe: string, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

/** A threshold on a metric (ORFS rules-base.json style). */
export interface MetricRule {
  readonly value: number;
  readonly compare: '==' | '!=' | '<' | '<=' | '>' | '>=';
  /** When true, a missing metric is not a failure (the rule applies only when the metric exists). */
  readonly optional?: boolean;
}

export interface Stage<V extends VarSpecs = VarSpecs> {
  /** `Domain.Action`, e.g. `Model.Inventory`. */
  readonly id: string;
  /** One line for `--help` and docs. */
  readonly summary: string;
  /** Bumped when the stage's behaviour changes; part of the cache key. */
  readonly version: string;
  readonly inputs: readonly ViewId[];
  /** Views read when an earlier stage produced them (e.g. routed tiles), hashed into the cache key when present. */
  readonly optionalInputs?: readonly ViewId[];
  readonly outputs: readonly ViewId[];
  readonly vars: V;
  /**
   * Views also copied to a fixed place in the run folder after the stage (view id -> path relative to the
   * run folder), e.g. `{ tiles: 'tiles' }` makes `DIR/tiles/`.
   */
  readonly publish?: Readonly<Record<ViewId, string>>;
  /** False for stages whose result depends on more than config and inputs (checks read flow rules). */
  readonly cacheable?: boolean;
  /**
   * True for a stage that reads the whole run (every earlier stage's metrics, or the run folder, as Check.Rules
   * and Render.Report do): it starts once every earlier stage of the flow is done. Any other stage starts as
   * soon as the stages making its input views are done, beside the stages it does not depend on.
   */
  readonly readsWholeRun?: boolean;
  /**
   * True for a stage of many small independent tool runs (the block library's batches): while stages run at
   * the same time, its tools take a core only when no other stage's tool is waiting for one, so they fill the
   * cores the others leave idle instead of delaying the longer chains.
   */
  readonly background?: boolean;
  /**
   * What else the result depends on, for the cache key: versions of the external tools it runs, and
   * fingerprints of files named in its config (e.g. user weights).
   */
  cacheSalt?(config: ConfigOf<V>): Promise<Record<string, string>>;
  run(ctx: StageContext<ConfigOf<V>>, state: State): Promise<StageDelta>;
}

/** Identity helper keeping the var types of a stage. */
export function defineStage<V extends VarSpecs>(stage: Stage<V>): Stage<V> {
  return stage;
}

/** A stage with its var types erased, as the runner stores it. */
export type AnyStage = Stage<VarSpecs>;
