/**
 * Synthesis, timing and proof of the units besides the weight tiles (Units.Synthesize) from an empty cache:
 * per unit its cells, transistors, SKY130 clock, pipeline latency and yosys time, and the stage's wall time
 * (target: all eight within 3 minutes on 2 cores; the stage is cached by content afterwards).
 *
 *   npx tsx tools/bench/units/bench.ts
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '@hardwire/core';

const out = mkdtempSync(join(tmpdir(), 'hw-bench-units-'));
const started = performance.now();
const run = await execa('npx', ['tsx', 'packages/flow/src/cli.ts', 'units', '--out', out, '--no-cache'], { cwd: REPO_ROOT, reject: false });
const seconds = (performance.now() - started) / 1000;
if (run.exitCode !== 0) {
  console.log(`units: failed (exit ${run.exitCode}): ${run.stderr.split('\n').at(-1)}`);
  process.exit(1);
}
const stage = join(out, readdirSync(out).find((d) => d.endsWith('units-synthesize'))!);
const units = (JSON.parse(readFileSync(join(stage, 'units.json'), 'utf8')) as { units: Array<{ id: string; cells: number; transistors: number; clockMHz?: number; latencyCycles: number; mismatches: number; icarus: { mismatches: number } | null }> }).units;
const log = readFileSync(join(stage, 'units-synthesize.log'), 'utf8');
console.log('unit          cells  transistors  clock MHz  latency  yosys s  mismatches (ours/Icarus)');
for (const u of units) {
  const yosys = new RegExp(`${u.id}: yosys ([0-9.]+) s`).exec(log)?.[1] ?? '?';
  console.log(`${u.id.padEnd(12)} ${String(u.cells).padStart(6)} ${u.transistors.toLocaleString('en-US').padStart(12)} ${String(u.clockMHz ?? '-').padStart(10)} ${String(u.latencyCycles).padStart(8)} ${yosys.padStart(8)}  ${u.mismatches}/${u.icarus?.mismatches ?? '-'}`);
}
console.log(`Units.Synthesize from an empty cache: ${seconds.toFixed(1)} s (${(seconds / 60).toFixed(1)} min) on this machine`);
rmSync(out, { recursive: true, force: true });
