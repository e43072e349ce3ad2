/**
 * Quantize + block statistics throughput (issue: "memory speed"). Prints M coefficients/s per core for
 * synthetic streams and for F32 and BF16 safetensors files in the page cache (all cores, worker threads),
 * the straightforward loop (quantize, sort each block, count in a Map) measured in the same run, their
 * ratio, and the wall time of all of llama-3.1-8b (synthetic, embeddings included) through flow:stats.
 * Short runs are dominated by the pool's start-up (workers loading modules), measured first and reported;
 * the steady figures take it out. HARDWIRE_WASM=0 runs the JavaScript kernels instead of WebAssembly.
 *
 *   npx tsx tools/bench/stats/bench.ts [--quick]
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '@hardwire/core';
import { MODEL_CATALOG, fillSynthetic, floatToBf16Bits, indexWeights, quantileTable, tensorStreamKey } from '@hardwire/models';
import { runStatsPool, workerCount, type StatsSpec, type StatsTask } from '@hardwire/quant';

const quick = process.argv.includes('--quick');
const cores = workerCount(0);
const spec: StatsSpec = { format: 'int3', group: 'row', k: 4, signFold: false };
const rows = 4096;
const cols = 4096;
const tensorCount = quick ? 4 : 16;

function straightforward(values: Float32Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (let r = 0; r < values.length / cols; r++) {
    const row = values.subarray(r * cols, (r + 1) * cols);
    let max = 0;
    let min = 0;
    for (const x of row) {
      max = Math.max(max, x);
      min = Math.min(min, x);
    }
    const scale = Math.max(max / 3, -min / 4);
    for (let b = 0; b < cols; b += 4) {
      const block = [0, 1, 2, 3].map((i) => Math.min(3, Math.max(-4, Math.round(row[b + i] / scale))));
      block.sort((x, y) => x - y);
      const key = (block[0] + 4) * 512 + (block[1] + 4) * 64 + (block[2] + 4) * 8 + (block[3] + 4);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

function rate(coefficients: number, seconds: number, workers: number): string {
  return `${(coefficients / seconds / 1e6 / workers).toFixed(0).padStart(5)} M coefficients/s per core (${workers} core${workers > 1 ? 's' : ''}, ${(coefficients / 1e6).toFixed(0)} M in ${seconds.toFixed(2)} s)`;
}

/** The same figure with the pool's start-up and shut-down (measured on a one-block task) taken out. */
function steady(coefficients: number, seconds: number, workers: number): string {
  return `steady ${(coefficients / Math.max(1e-9, seconds - startupS) / 1e6 / workers).toFixed(0)} M/s per core`;
}

async function timePool(tasks: StatsTask[]): Promise<number> {
  const started = performance.now();
  await runStatsPool(tasks, spec, 0);
  return (performance.now() - started) / 1000;
}

/** A safetensors file of `tensorCount` synthetic [4096, 4096] tensors in F32 or BF16. */
function writeBenchFile(path: string, dtype: 'F32' | 'BF16'): void {
  if (existsSync(path)) return;
  const bytesPer = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = {};
  for (let t = 0; t < tensorCount; t++) header[`t${t}`] = { dtype, shape: [rows, cols], data_offsets: [t * rows * cols * bytesPer, (t + 1) * rows * cols * bytesPer] };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const fd = openSync(path + '.tmp', 'w');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeSync(fd, len);
  writeSync(fd, json);
  const table = quantileTable({ kind: 'gaussian' });
  const values = new Float32Array(rows * cols);
  for (let t = 0; t < tensorCount; t++) {
    fillSynthetic(values, 0, 0.02, tensorStreamKey(1, `t${t}`), table);
    if (dtype === 'F32') writeSync(fd, new Uint8Array(values.buffer));
    else {
      const bits = new Uint16Array(values.length);
      for (let i = 0; i < values.length; i++) bits[i] = floatToBf16Bits(values[i]);
      writeSync(fd, new Uint8Array(bits.buffer));
    }
  }
  closeSync(fd);
  renameSync(path + '.tmp', path);
}

const benchDir = join(REPO_ROOT, 'out', 'bench', 'stats');
mkdirSync(benchDir, { recursive: true });
console.log(`stats bench: int3, per-row scale, k=4; ${cores} cores (availableParallelism ${availableParallelism()})`);

// 0. Pool start-up (workers load their modules and the WebAssembly kernels) on a one-block task.
const startupS = await timePool(Array.from({ length: cores }, (_, id) => ({ id, shape: [1, 4], source: { kind: 'synthetic', name: `w${id}`, seed: 1, tails: { kind: 'gaussian' }, std: 0.02 } }) as StatsTask));
console.log(`pool start-up and shut-down: ${startupS.toFixed(2)} s (taken out of the steady figures)`);

// 1. The straightforward loop, one core, on synthetic values.
const sample = new Float32Array(rows * cols);
fillSynthetic(sample, 0, 0.02, tensorStreamKey(1, 'sample'), quantileTable({ kind: 'gaussian' }));
straightforward(sample.subarray(0, 64 * cols));
let started = performance.now();
straightforward(sample);
const baselineS = (performance.now() - started) / 1000;
const baselineRate = sample.length / baselineS / 1e6;
console.log(`straightforward loop      ${rate(sample.length, baselineS, 1)}`);

// 2. Synthetic streams, all cores.
const synthTasks: StatsTask[] = Array.from({ length: tensorCount * 4 }, (_, id) => ({ id, shape: [rows, cols], source: { kind: 'synthetic', name: `s${id}`, seed: 1, tails: { kind: 'gaussian' }, std: 0.02 } }));
const synthS = await timePool(synthTasks);
const synthCoefficients = synthTasks.length * rows * cols;
const synthRate = synthCoefficients / synthS / 1e6 / cores;
const synthSteady = synthCoefficients / (synthS - startupS) / 1e6 / cores;
console.log(`synthetic                 ${rate(synthCoefficients, synthS, cores)}  ${steady(synthCoefficients, synthS, cores)}  ratio ${(synthSteady / baselineRate).toFixed(1)}x`);

// 3. Files in the page cache.
for (const dtype of ['F32', 'BF16'] as const) {
  const path = join(benchDir, `bench-${dtype}-${tensorCount}.safetensors`);
  writeBenchFile(path, dtype);
  readFileSync(path); // into the page cache
  const index = indexWeights(path, MODEL_CATALOG['stories-260k']);
  const tasks: StatsTask[] = index.tensors.map((tensor, id) => ({ id, shape: tensor.shape, source: { kind: 'file', tensor } }));
  const seconds = await timePool(tasks);
  const coefficients = tasks.length * rows * cols;
  const perCore = coefficients / (seconds - startupS) / 1e6 / cores;
  console.log(`safetensors ${dtype.padEnd(4)} (cached) ${rate(coefficients, seconds, cores)}  ${steady(coefficients, seconds, cores)}  ratio ${(perCore / baselineRate).toFixed(1)}x  file ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB`);
}

// 4. All of llama-3.1-8b, synthetic, embeddings included, through the flow.
if (!quick) {
  const out = join(benchDir, 'llama-8b');
  rmSync(out, { recursive: true, force: true });
  started = performance.now();
  const run = await execa('npx', ['tsx', 'packages/flow/src/cli.ts', 'stats', '--model', 'llama-8b', '--include-embeddings', '--no-cache', '--out', out], { cwd: REPO_ROOT, reject: false });
  const wall = (performance.now() - started) / 1000;
  if (run.exitCode !== 0) throw new Error(run.stderr);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  const stageS = metrics['run__stage__runtime_s__stage:quant-stats'];
  console.log(`llama-3.1-8b synthetic, with embeddings: ${(metrics.quant__coefficients__count / 1e9).toFixed(3)} B coefficients, stage ${stageS.toFixed(1)} s, command ${wall.toFixed(1)} s (${rate(metrics.quant__coefficients__count, stageS, cores).trim()})`);
}
