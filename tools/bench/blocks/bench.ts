/**
 * Block-library synthesis time from an empty cache (target: all 330 int3 k=4 kinds within 15 minutes on
 * 2 cores, parallel workers), for both architectures, with the native yosys when present and optionally
 * the npm WebAssembly build (`--wasm`). Prints kinds, cells, transistors and wall time.
 *
 *   npx tsx tools/bench/blocks/bench.ts [--wasm] [--quant int3] [--block 4]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '@hardwire/core';
import { nativeYosysVersion } from '@hardwire/eda';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const quant = arg('quant', 'int3');
const block = arg('block', '4');
const backends = [(await nativeYosysVersion()) ? 'native' : undefined, process.argv.includes('--wasm') || !(await nativeYosysVersion()) ? 'wasm' : undefined].filter(Boolean) as string[];
console.log(`block-library bench: ${quant}, k=${block}, empty cache, all cores; yosys backends: ${backends.join(', ')}`);
for (const backend of backends) {
  for (const arch of ['da', 'parallel']) {
    const out = mkdtempSync(join(tmpdir(), 'hw-bench-blocks-'));
    const started = performance.now();
    const run = await execa('npx', ['tsx', 'packages/flow/src/cli.ts', 'blocks', '--quant', quant, '--block', block, '--block-arch', arch, '--yosys', backend, '--out', out, '--no-cache'], { cwd: REPO_ROOT, reject: false });
    const seconds = (performance.now() - started) / 1000;
    if (run.exitCode !== 0) {
      console.log(`${backend} ${arch}: failed: ${run.stderr.split('\n').at(-1)}`);
      continue;
    }
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    console.log(
      `${backend.padEnd(6)} ${arch.padEnd(8)} ${m.blocks__library__kinds} kinds, ${m.blocks__library__verified} verified, mean ${m.blocks__cells__mean} cells / ${m.blocks__area__mean_um2} um2 / ${m.blocks__transistors__mean} transistors: ${seconds.toFixed(1)} s (${(seconds / 60).toFixed(1)} min)`,
    );
    rmSync(out, { recursive: true, force: true });
  }
}
