/**
 * The few named errors of Hardwire. Each carries the process exit code the CLI uses:
 * user errors (bad flag, unknown model, bad config, missing file) exit 2 with one line;
 * tool and design failures exit 1.
 */

/** Base class: `exitCode` decides what the CLI returns; `message` is the one line it prints. */
export class HardwireError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Something the user gave is wrong: a flag, a config value, a model id, a file. Exit 2. */
export class UserError extends HardwireError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
  }
}

/** A bad or unknown configuration variable or flow file (a kind of user error). Exit 2. */
export class ConfigError extends UserError {}

/** A required external tool is not installed. Exit 2: the user can fix it by installing it. */
export class ToolNotFoundError extends UserError {
  constructor(readonly tool: string, hint: string) {
    super(`${tool}: not found on PATH (${hint})`);
  }
}

/** An external tool ran and failed. Exit 1. The message names the command, exit code and log. */
export class ToolError extends HardwireError {
  constructor(
    readonly command: string,
    readonly toolExitCode: number | undefined,
    readonly logPath: string,
    readonly logTail: string,
  ) {
    const how = toolExitCode === undefined ? 'was killed or timed out' : `exited with code ${toolExitCode}`;
    super(`tool failed: \`${command}\` ${how}; log: ${logPath}`, 1);
  }
}

/** A tool run the caller itself canceled (ExecOptions.signal): not a failure of the tool. */
export class CanceledError extends HardwireError {
  constructor(readonly command: string) {
    super(`canceled: \`${command}\``, 1);
  }
}

/** A stage failed for a reason of the design or the code, not of the user. Exit 1. */
export class StageError extends HardwireError {
  constructor(readonly stageId: string, message: string, options?: { cause?: unknown }) {
    super(`${stageId}: ${message}`, 1, options);
  }
}

/** One or more checks failed; raised by the runner after the whole flow finished. Exit 1. */
export class DeferredCheckError extends HardwireError {
  constructor(readonly findingCount: number, summary: string) {
    super(summary, 1);
  }
}
