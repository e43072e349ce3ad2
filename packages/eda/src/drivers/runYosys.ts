/**
 * yosys driver (edge): the native binary (execa, through the stage's exec so the command is logged) or
 * @yowasp/yosys (WebAssembly, in-process: works with npm alone). Inputs are copied in, outputs written
 * back to the work folder. Docs: https://yosyshq.readthedocs.io/projects/yosys/ ; min version 0.23.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ToolError, UserError, commandLine, tsWorkerReply, type StageContext } from '@hardwire/core';
import { parseYosysVersion } from '../yosys/synthScript.ts';

export type YosysBackend = 'native' | 'wasm';
export type YosysChoice = 'auto' | YosysBackend;

let nativeVersion: string | null | undefined;

/** Version of the native yosys on PATH, or null when none. */
export async function nativeYosysVersion(): Promise<string | null> {
  if (nativeVersion !== undefined) return nativeVersion;
  try {
    const { execa } = await import('execa');
    const r = await execa('yosys', ['-V'], { reject: false });
    nativeVersion = r.exitCode === 0 ? parseYosysVersion(r.stdout) : null;
  } catch {
    nativeVersion = null;
  }
  return nativeVersion;
}

/** Which backend to use: `auto` takes a native yosys on PATH, else the npm WebAssembly build. */
export async function chooseYosys(choice: YosysChoice): Promise<{ backend: YosysBackend; version: string }> {
  if (choice === 'wasm') return { backend: 'wasm', version: await wasmVersion() };
  const native = await nativeYosysVersion();
  if (native) return { backend: 'native', version: native };
  if (choice === 'native') throw new UserError('--yosys native: no yosys on PATH (apt-get install yosys, or use --yosys wasm)');
  return { backend: 'wasm', version: await wasmVersion() };
}

async function wasmVersion(): Promise<string> {
  const { version } = await import('@yowasp/yosys');
  return `${parseYosysVersion(version)}-wasm`;
}

/**
 * Run `yosys -q -s <script>` in `workDir`. `inputs` are absolute paths copied (wasm) or used in place
 * (native, by basename in workDir). Returns nothing; outputs land in workDir. Throws ToolError on failure.
 */
export async function runYosysScript(
  ctx: Pick<StageContext<unknown>, 'exec' | 'log'>,
  backend: YosysBackend,
  workDir: string,
  scriptName: string,
  inputs: readonly string[],
): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  if (backend === 'native') {
    await ctx.exec('yosys', ['-q', '-l', 'yosys.log', '-s', scriptName], { cwd: workDir });
    return;
  }
  const files: Record<string, Uint8Array> = {};
  for (const path of inputs) files[basename(path)] = new Uint8Array(readFileSync(path));
  files[scriptName] = new Uint8Array(readFileSync(join(workDir, scriptName)));
  const args = ['-q', '-l', 'yosys.log', '-s', scriptName];
  const line = commandLine('@yowasp/yosys', args);
  ctx.log(`$ ${line}  (WebAssembly worker, in ${workDir})`);
  const reply = await tsWorkerReply<{ ok: boolean; files?: Record<string, Uint8Array>; code?: number; log?: string; message?: string }>(new URL('./wasmYosysWorker.ts', import.meta.url), { args, files });
  const logFile = join(workDir, 'yosys.log');
  if (!reply.ok) {
    writeFileSync(logFile, reply.log ?? reply.message ?? '');
    throw new ToolError(line, reply.code, logFile, (reply.log ?? reply.message ?? '').split('\n').slice(-20).join('\n'));
  }
  for (const [name, value] of Object.entries(reply.files!)) writeFileSync(join(workDir, name), value);
  if (!existsSync(logFile)) writeFileSync(logFile, '');
}
