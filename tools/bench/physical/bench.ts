/**
 * Physical-flow benchmark: places, routes and checks sample tiles and prints, per tile, the cells placed and
 * the wall time of every step and of the whole tile (DRC, LVS and STA run at once) (target: a 2,000-cell tile under 5 minutes on 2 cores). Without arguments it
 * runs the physical test's tile (stories260K, 4x8 DA); any `flow:physical` option is passed on, e.g.
 *
 *   npx tsx tools/bench/physical/bench.ts
 *   npx tsx tools/bench/physical/bench.ts --model llama-8b --tile 8x16 --tile-archs da
 *   npx tsx tools/bench/physical/bench.ts --from out/mj1     (print the figures of a finished run)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureFile } from '@hardwire/core';
import { runCli } from '@hardwire/flow';

const args = process.argv.slice(2);
const fromAt = args.indexOf('--from');
let out: string;
let wallS: number | undefined;
if (fromAt >= 0) {
  out = args[fromAt + 1];
} else {
  out = mkdtempSync(join(tmpdir(), 'hw-bench-physical-'));
  const defaults = args.includes('--model') ? [] : ['--model', 'stories-260k', '--weights', fixtureFile('stories260K.bin') ?? '', '--tile', '4x8', '--tile-archs', 'da', '--crosscheck-vectors', '0'];
  const t0 = performance.now();
  const run = await runCli(['physical', ...defaults, ...args, '--out', out, '--no-cache']);
  wallS = (performance.now() - t0) / 1000;
  if (run.code !== 0 && run.code !== 1) {
    console.error(run.stderr.trim().split('\n').slice(-5).join('\n'));
    process.exit(run.code);
  }
}
const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, number>;
const tiles = [...new Set(Object.keys(metrics).map((k) => /__tile:(.+)$/.exec(k)?.[1]).filter((t): t is string => Boolean(t)))].sort();
const steps = ['netlist', 'place', 'route', 'gds', 'drc', 'lvs', 'sta'];
console.log(`run: ${out}${wallS ? ` (${wallS.toFixed(0)} s wall for the whole run)` : ''}`);
console.log(['tile', 'cells', ...steps.map((s) => `${s} s`), 'total s', 'unrouted', 'DRC', 'LVS mismatches'].join('\t'));
for (const t of tiles) {
  const m = (k: string) => metrics[`${k}__tile:${t}`];
  const times = steps.map((s) => m(`physical__step__wall_s__step:${s}`) ?? 0);
  // The tile's own end-to-end wall time where the run recorded it (DRC, LVS and STA overlap), else the sum.
  const total = m('physical__step__wall_s__step:total') ?? times.reduce((a, b) => a + b, 0);
  console.log([t, m('physical__design__instance__count'), ...times.map((v) => v.toFixed(1)), total.toFixed(1), m('route__net__unrouted__count'), m('drc__error__count'), m('lvs__mismatch__count')].join('\t'));
  const cells = m('physical__design__instance__count') ?? 0;
  // The target scales to 2,000 cells: report the time per 2,000 cells next to the 300 s budget.
  if (cells > 0) console.log(`  ${t}: ${(total / 60).toFixed(1)} min for ${cells} cells, ${((total * 2000) / cells / 60).toFixed(1)} min per 2,000 cells (target 5.0)`);
}
