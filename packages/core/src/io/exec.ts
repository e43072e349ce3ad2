/**
 * Runs external tools for stages (edge, over execa): argv arrays only, never a shell string.
 * Each command is appended to the stage's `COMMANDS` file and its output streamed to the stage log.
 */
import { appendFileSync } from 'node:fs';
import { CanceledError, ToolError, ToolNotFoundError } from '../errors.ts';
import type { ExecOptions, ExecResult } from '../stage.ts';

/** Quote one argument for display in COMMANDS (the command is never run through a shell). */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Display form of a command line. */
export function commandLine(exe: string, argv: readonly string[]): string {
  return [exe, ...argv].map(shellQuote).join(' ');
}

export interface ExecLogTargets {
  commandsFile: string;
  logFile: string;
}

/** Run `exe argv` with its output appended to the log; throw ToolError (command, exit code, log path) on failure. */
export async function execLogged(exe: string, argv: readonly string[], targets: ExecLogTargets, options: ExecOptions = {}): Promise<ExecResult> {
  const line = commandLine(exe, argv);
  appendFileSync(targets.commandsFile, `${options.cwd ? `(cd ${shellQuote(options.cwd)}) ` : ''}${line}\n`);
  appendFileSync(targets.logFile, `$ ${line}\n`);
  const started = performance.now();
  // Loaded on first use: execa costs half a second of start-up, and many runs never start a tool.
  const { execa } = await import('execa');
  const result = await execa(exe, [...argv], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    timeout: options.timeoutMs,
    input: options.input,
    reject: false,
    all: true,
    stripFinalNewline: false,
    maxBuffer: 512 * 1024 * 1024,
    cancelSignal: options.signal,
  });
  const output = result.all ?? '';
  appendFileSync(targets.logFile, output.endsWith('\n') || output === '' ? output : output + '\n');
  if (result.isCanceled) {
    appendFileSync(targets.logFile, `(canceled: ${line})\n`);
    throw new CanceledError(line);
  }
  const durationMs = performance.now() - started;
  if ((result as { code?: string }).code === 'ENOENT') throw new ToolNotFoundError(exe, 'install it, see the README set-up');
  const ok = options.okExitCodes ?? [0];
  if (result.exitCode === undefined || !ok.includes(result.exitCode)) {
    throw new ToolError(line, result.exitCode, targets.logFile, output.split('\n').slice(-20).join('\n'));
  }
  return { exitCode: result.exitCode, output, durationMs };
}
