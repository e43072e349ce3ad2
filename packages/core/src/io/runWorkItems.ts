/**
 * The executor for work items (edge): `local` runs the items' scripts in the bounded pool on this machine;
 * `slurm` submits them as one job array per batch (`sbatch --array ... --wait`) on a shared filesystem, with
 * the job's output per item. Either way an item's result is its folder (its `exit_code`, `item.log` and the
 * files its command wrote), and callers read them in item order, so both executors give the same outputs.
 * A failed item fails the batch with its index, command, exit code and log; an item without an exit code
 * after its job ended (a time limit, a lost node) is resubmitted up to `retries` times; Ctrl-C cancels the
 * job (`scancel`). Progress counts finished items.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CanceledError, HardwireError, ToolError, UserError } from '../errors.ts';
import { forEachBounded } from '../pool.ts';
import { arrayScript, ITEM_EXIT, ITEM_LOG, ITEM_SCRIPT, itemScript, lostReason, sbatchArgv, type SlurmOptions, type WorkItem } from '../workItems.ts';
import { commandLine } from './exec.ts';
import { REPO_ROOT } from './paths.ts';

export type ExecutorKind = 'local' | 'slurm';

export interface ExecutorConfig {
  readonly executor: ExecutorKind;
  /** Items at once (local: processes; slurm: the array's throttle, 0 = no limit). */
  readonly jobs: number;
  readonly slurm: SlurmOptions;
}

export interface ItemsContext {
  log(line: string): void;
  /** Called with the number of items finished so far. */
  onFinished?(count: number): void;
}

/** An item's exit code, or undefined when it has none (never ran to the end). */
export function itemExitCode(item: WorkItem): number | undefined {
  const path = join(item.dir, ITEM_EXIT);
  if (!existsSync(path)) return undefined;
  const code = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(code) ? code : undefined;
}

function tail(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-20).join('\n') : '';
}

function failure(item: WorkItem, index: number, code: number | undefined): ToolError {
  const log = join(item.dir, ITEM_LOG);
  return new ToolError(`item ${index}: ${commandLine(item.exe, item.argv)}`, code, log, tail(log));
}

/** Run every item; resolves when all finished with exit code 0. `name` names the batch (and its Slurm job). */
export async function runWorkItems(ctx: ItemsContext, name: string, batchDir: string, items: readonly WorkItem[], cfg: ExecutorConfig): Promise<void> {
  for (const item of items) {
    rmSync(join(item.dir, ITEM_EXIT), { force: true });
    writeFileSync(join(item.dir, ITEM_SCRIPT), itemScript(item));
  }
  if (items.length === 0) return;
  if (cfg.executor === 'local') return runLocal(ctx, items, cfg.jobs);
  return runSlurm(ctx, name, batchDir, items, cfg);
}

async function runLocal(ctx: ItemsContext, items: readonly WorkItem[], jobs: number): Promise<void> {
  const { execa } = await import('execa');
  let finished = 0;
  await forEachBounded(items, Math.max(1, jobs), async (item, index) => {
    await execa('sh', [join(item.dir, ITEM_SCRIPT)], { reject: false, stdio: 'ignore' });
    const code = itemExitCode(item);
    if (code !== 0) throw failure(item, index, code);
    ctx.onFinished?.(++finished);
  });
}

async function runSlurm(ctx: ItemsContext, name: string, batchDir: string, items: readonly WorkItem[], cfg: ExecutorConfig): Promise<void> {
  const { execa } = await import('execa');
  const which = await execa('sh', ['-c', 'command -v sbatch'], { reject: false });
  if (which.exitCode !== 0) throw new UserError('--executor slurm: sbatch is not on PATH (install slurm-client and point it at a cluster, or start one with bash tools/slurm-local.sh start)');
  const listFile = join(batchDir, `${name}.items`);
  const script = join(batchDir, `${name}.sbatch.sh`);
  writeFileSync(listFile, items.map((i) => i.dir).join('\n') + '\n');
  writeFileSync(script, arrayScript(listFile));
  const outputOf = (index: number, attempt: number) => join(batchDir, `${name}.slurm-${attempt}-${index}.out`);
  let pending = items.map((_, i) => i);
  const done = new Set<number>();
  for (let attempt = 0; attempt <= cfg.slurm.retries && pending.length > 0; attempt++) {
    const argv = sbatchArgv(cfg.slurm, pending, cfg.jobs, `hardwire-${name}`, join(batchDir, `${name}.slurm-${attempt}-%a.out`), script);
    ctx.log(`$ ${commandLine('sbatch', argv)}`);
    const child = execa('sbatch', argv, { reject: false, all: true, cwd: batchDir });
    let jobId: string | undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      jobId ??= /^(\d+)/.exec(chunk.toString().trim())?.[1];
    });
    const cancel = () => {
      if (jobId) void execa('scancel', [jobId], { reject: false });
    };
    let interrupted = false;
    const onSignal = () => {
      interrupted = true;
      cancel();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const poll = setInterval(() => {
      const count = items.filter((item, i) => done.has(i) || itemExitCode(item) !== undefined).length;
      ctx.onFinished?.(count);
    }, 1000);
    const result = await child;
    clearInterval(poll);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (interrupted) throw new CanceledError(commandLine('sbatch', argv));
    ctx.log(`job ${jobId ?? '?'} (attempt ${attempt + 1}) ended: sbatch exit ${result.exitCode}`);
    if (!jobId) throw new HardwireError(`--executor slurm: sbatch did not submit the job (exit ${result.exitCode}): ${(result.all ?? '').trim().split('\n').at(-1)}`, 1);
    const lost: number[] = [];
    for (const index of pending) {
      const code = itemExitCode(items[index]);
      if (code === undefined) {
        const out = outputOf(index, attempt);
        const reason = lostReason(existsSync(out) ? readFileSync(out, 'utf8') : '');
        ctx.log(`item ${index} (${items[index].dir}): no exit code (${reason}; ${out})`);
        lost.push(index);
      } else if (code !== 0) throw failure(items[index], index, code);
      else done.add(index);
    }
    ctx.onFinished?.(done.size);
    pending = lost;
    if (pending.length > 0 && attempt === cfg.slurm.retries) {
      const out = outputOf(pending[0], attempt);
      const reason = lostReason(existsSync(out) ? readFileSync(out, 'utf8') : '');
      throw new HardwireError(`--executor slurm: item ${pending[0]} (${items[pending[0]].dir}) ended without an exit code ${cfg.slurm.retries + 1} time(s) (${reason}); Slurm output ${out}`, 1);
    }
  }
}

/**
 * Items that each run one TypeScript entry point of this repository on a JSON spec (`tsx MAIN FOLDER/SPEC`, from the
 * repository root): the spec is written into the item's folder, the batch runs through `runWorkItems`, and
 * `progress` advances as items finish. Callers read each item's result file in item order afterwards.
 */
export async function runScriptItems(
  ctx: { log(line: string): void; progress?: { advance(n: number): void } },
  name: string,
  batchDir: string,
  main: string,
  specs: ReadonlyArray<{ readonly dir: string; readonly specFile: string; readonly spec: unknown }>,
  cfg: ExecutorConfig,
): Promise<void> {
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const items: WorkItem[] = specs.map(({ dir, specFile, spec }) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, specFile), JSON.stringify(spec, null, 2));
    return { dir, exe: tsx, argv: [join(REPO_ROOT, main), join(dir, specFile)], cwd: REPO_ROOT };
  });
  let reported = 0;
  const onFinished = (count: number) => {
    if (count > reported) ctx.progress?.advance(count - reported);
    reported = Math.max(reported, count);
  };
  await runWorkItems({ log: (line) => ctx.log(line), onFinished }, name, batchDir, items, cfg);
}
