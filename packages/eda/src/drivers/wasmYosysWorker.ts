/** Worker: runs @yowasp/yosys (WebAssembly) on an in-memory file tree, so several can run in parallel. */
import { parentPort, workerData } from 'node:worker_threads';
import { runYosys } from '@yowasp/yosys';

const { args, files } = (workerData as { data: { args: string[]; files: Record<string, Uint8Array> } }).data;
let stderr = '';
try {
  const out = (await runYosys(args, files, { stdout: null, stderr: (b) => (stderr += b ? new TextDecoder().decode(b) : ''), decodeASCII: false })) as Record<string, unknown>;
  const result: Record<string, Uint8Array> = {};
  for (const [name, value] of Object.entries(out)) if (!(name in files) && value instanceof Uint8Array) result[name] = value;
  parentPort!.postMessage({ ok: true, files: result });
} catch (error) {
  const e = error as { code?: number; files?: Record<string, unknown> };
  const log = e.files?.['yosys.log'];
  parentPort!.postMessage({ ok: false, code: e.code, log: log instanceof Uint8Array ? new TextDecoder().decode(log) : stderr, message: String(error) });
}
