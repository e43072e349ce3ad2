/**
 * Loads the WebAssembly SIMD kernels (packages/quant/wasm/kernels.wasm, built from kernels.ts beside it by
 * `npm run build:wasm`). Undefined when the file is missing or the engine lacks SIMD, or with
 * HARDWIRE_WASM=0 (the JavaScript kernels then run; both give the same statistics).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QuantKernelExports } from '../wasmK4.ts';

/** The engine's WebAssembly API (Node's global; typed here, the project compiles without the DOM lib). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const QUANT_WASM_PATH = join(import.meta.dirname, '..', '..', 'wasm', 'kernels.wasm');

/** A fresh instance (own memory): one per thread. */
export function loadQuantKernels(env: NodeJS.ProcessEnv = process.env): QuantKernelExports | undefined {
  if (env.HARDWIRE_WASM === '0' || !existsSync(QUANT_WASM_PATH)) return undefined;
  try {
    const module = new wasm.Module(readFileSync(QUANT_WASM_PATH));
    const instance = new wasm.Instance(module, { env: { abort: () => { throw new Error('quant kernel aborted'); } } });
    return instance.exports as unknown as QuantKernelExports;
  } catch {
    return undefined;
  }
}
