/**
 * Builds the WebAssembly kernels from their AssemblyScript sources (the compiled files are committed; a test
 * rebuilds them and requires byte-identical output, so source and binary never drift).
 *
 *   npx tsx tools/wasm/build.ts [--out-dir DIR]   (npm run build:wasm)
 */
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '@hardwire/core';

/** Every kernel: AssemblyScript source and the .wasm it compiles to (repo-relative). */
export const WASM_KERNELS = [{ source: 'packages/quant/wasm/kernels.ts', wasm: 'packages/quant/wasm/kernels.wasm' }];

/** asc arguments: optimized, SIMD on, no runtime (the host owns the memory), no assertions. */
export function ascArgs(source: string, outFile: string): string[] {
  return [source, '-O3', '--runtime', 'stub', '--enable', 'simd', '--noAssert', '--initialMemory', '1', '--outFile', outFile];
}

export async function buildWasm(outDir?: string): Promise<string[]> {
  const written: string[] = [];
  for (const k of WASM_KERNELS) {
    const target = outDir ? join(outDir, k.wasm.split('/').at(-1)!) : join(REPO_ROOT, k.wasm);
    if (outDir) mkdirSync(outDir, { recursive: true });
    const tmp = `${target}.tmp.wasm`;
    const argv = ascArgs(join(REPO_ROOT, k.source), tmp);
    console.log(`asc ${argv.join(' ')}`);
    await execa(join(REPO_ROOT, 'node_modules', '.bin', 'asc'), argv, { cwd: REPO_ROOT, stdio: 'inherit' });
    renameSync(tmp, target);
    written.push(target);
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--out-dir');
  for (const f of await buildWasm(i > 0 ? process.argv[i + 1] : undefined)) console.log(`wrote ${f}`);
}
