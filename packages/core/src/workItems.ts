/**
 * Work items for an executor (pure): an item is a self-contained command with its own folder. Its script
 * runs the command there, writes the output to `item.log` and, last, the exit code to `exit_code` (through a
 * temporary name), so an item that never finished (a time limit, a lost node) has no `exit_code`. The same
 * script runs under the local pool and as one task of a Slurm job array, which is why it is a shell script:
 * a batch scheduler runs scripts; every argument is single-quoted by `shellQuote`.
 */
import { shellQuote } from './io/exec.ts';

export interface WorkItem {
  /** Absolute folder of the item: inputs named by the command, `item.sh`, `item.log`, `exit_code`. */
  readonly dir: string;
  readonly exe: string;
  readonly argv: readonly string[];
  /** Working directory of the command (default: the item's folder). */
  readonly cwd?: string;
  /** Environment the command needs (added to the submitter's, which Slurm exports by default). */
  readonly env?: Readonly<Record<string, string>>;
}

export const ITEM_SCRIPT = 'item.sh';
export const ITEM_LOG = 'item.log';
export const ITEM_EXIT = 'exit_code';

/** The item's script. */
export function itemScript(item: WorkItem): string {
  const q = shellQuote;
  const env = Object.entries(item.env ?? {}).map(([k, v]) => `export ${k}=${q(v)}`);
  return [
    '#!/bin/sh',
    '# A Hardwire work item: run one command, keep its output, then write its exit code (last).',
    '# Stopped by a signal (a time limit, scancel) it writes none: the item did not finish.',
    "trap 'exit 143' TERM INT HUP",
    ...env,
    `cd ${q(item.cwd ?? item.dir)} || exit 97`,
    `${[item.exe, ...item.argv].map(q).join(' ')} > ${q(`${item.dir}/${ITEM_LOG}`)} 2>&1 < /dev/null`,
    'code=$?',
    '# Killed by a signal (128 + TERM, KILL or INT: a time limit or scancel reached the command first): not finished.',
    'case "$code" in 130|137|143) exit "$code" ;; esac',
    `echo "$code" > ${q(`${item.dir}/${ITEM_EXIT}.tmp`)} && mv ${q(`${item.dir}/${ITEM_EXIT}.tmp`)} ${q(`${item.dir}/${ITEM_EXIT}`)}`,
    'exit "$code"',
    '',
  ].join('\n');
}

/** The job-array script: task i runs the item on line i + 1 of `listFile`. */
export function arrayScript(listFile: string): string {
  return ['#!/bin/sh', '# A Hardwire job array: task i runs the work item on line i + 1 of the list.', `dir=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${shellQuote(listFile)})`, 'exec sh "$dir/item.sh"', ''].join('\n');
}

/** Indices as a Slurm array spec: runs of consecutive indices as ranges ("0-3,7,9-10"). */
export function arraySpec(indices: readonly number[]): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export interface SlurmOptions {
  readonly partition?: string;
  /** Time limit per item (Slurm's forms: minutes, MM:SS, HH:MM:SS, D-HH). */
  readonly time?: string;
  readonly cpus: number;
  /** Memory per item (e.g. 2G). */
  readonly mem?: string;
  /** Submissions of an item that never finished (time limit, lost node) after the first. */
  readonly retries: number;
}

/** sbatch's argument list for one submission. */
export function sbatchArgv(o: SlurmOptions, indices: readonly number[], throttle: number, jobName: string, outputPattern: string, script: string): string[] {
  return [
    '--wait',
    '--parsable',
    `--array=${arraySpec(indices)}${throttle > 0 ? `%${throttle}` : ''}`,
    `--job-name=${jobName}`,
    `--output=${outputPattern}`,
    `--cpus-per-task=${o.cpus}`,
    ...(o.partition ? [`--partition=${o.partition}`] : []),
    ...(o.time ? [`--time=${o.time}`] : []),
    ...(o.mem ? [`--mem=${o.mem}`] : []),
    script,
  ];
}

/** Why an item without an exit code ended, from its Slurm output (slurmstepd writes the cancellation there). */
export function lostReason(slurmOutput: string): 'time limit' | 'cancelled' | 'lost' {
  if (/DUE TO TIME LIMIT/.test(slurmOutput)) return 'time limit';
  if (/CANCELLED/.test(slurmOutput)) return 'cancelled';
  return 'lost';
}
