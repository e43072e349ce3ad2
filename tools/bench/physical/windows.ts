/**
 * The physical flow on windows nobody tuned it on: six 8x16 windows of llama-3.1-8b (layers 0, 15 and 31,
 * several tensors and positions, weight seeds 1 to 3, the r64c256 seed-3 window among them), each in both
 * sample architectures (bitserial-shared, da): twelve tiles through `flow:physical`, two at a time. Prints
 * one line per tile (cells, utilization, unrouted nets, magic DRC error tiles with their rules, LVS, the
 * round kept, sites blocked, shorts, DRC re-routes kept of those tried, cells the kept placement ECO moved,
 * route and total seconds) and the count of clean tiles.
 *
 * `--set fresh` takes six other windows instead (layers 7, 23 and 28, other tensors, seeds 4 to 6), picked after
 * the flow's last change to see it on windows it was not tuned on.
 *
 *   npx tsx tools/bench/physical/windows.ts [--set tuned|fresh] [--out DIR] [--density D] [--route-patience N] [--only N]
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '@hardwire/flow';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const out = opt('--out') ?? join('out', 'physical-windows');
const extra = [...(opt('--density') ? ['--density', opt('--density')!] : []), ...(opt('--route-patience') ? ['--route-patience', opt('--route-patience')!] : [])];
const TUNED = [
  { name: 'l0-q-r0c0-s1', tensor: 'model.layers.0.self_attn.q_proj.weight', at: '0,0', seed: 1 },
  { name: 'l0-q-r64c256-s3', tensor: 'model.layers.0.self_attn.q_proj.weight', at: '64,256', seed: 3 },
  { name: 'l15-o-r1000c2048-s2', tensor: 'model.layers.15.self_attn.o_proj.weight', at: '1000,2048', seed: 2 },
  { name: 'l15-down-r2048c9000-s1', tensor: 'model.layers.15.mlp.down_proj.weight', at: '2048,9000', seed: 1 },
  { name: 'l31-up-r7000c1024-s3', tensor: 'model.layers.31.mlp.up_proj.weight', at: '7000,1024', seed: 3 },
  { name: 'l31-v-r512c3072-s2', tensor: 'model.layers.31.self_attn.v_proj.weight', at: '512,3072', seed: 2 },
];
const FRESH = [
  { name: 'l7-k-r256c1536-s4', tensor: 'model.layers.7.self_attn.k_proj.weight', at: '256,1536', seed: 4 },
  { name: 'l7-gate-r9000c3000-s5', tensor: 'model.layers.7.mlp.gate_proj.weight', at: '9000,3000', seed: 5 },
  { name: 'l23-q-r3000c100-s6', tensor: 'model.layers.23.self_attn.q_proj.weight', at: '3000,100', seed: 6 },
  { name: 'l23-down-r4000c12000-s4', tensor: 'model.layers.23.mlp.down_proj.weight', at: '4000,12000', seed: 4 },
  { name: 'l28-o-r2500c3500-s5', tensor: 'model.layers.28.self_attn.o_proj.weight', at: '2500,3500', seed: 5 },
  { name: 'l28-up-r12000c2000-s6', tensor: 'model.layers.28.mlp.up_proj.weight', at: '12000,2000', seed: 6 },
];
const set = opt('--set') ?? 'tuned';
if (set !== 'tuned' && set !== 'fresh') {
  console.error(`--set: expected tuned or fresh, got ${set}`);
  process.exit(2);
}
const WINDOWS = set === 'fresh' ? FRESH : TUNED;
const only = opt('--only');
mkdirSync(out, { recursive: true });
console.log(['window', 'arch', 'cells', 'util', 'unrouted', 'DRC', 'DRC rules', 'LVS', 'round kept', 'blocked', 'shorts', 'DRC re-routes kept', 'ECO cells moved', 'route s', 'total s'].join('\t'));
let clean = 0;
let tiles = 0;
for (const [i, w] of WINDOWS.entries()) {
  if (only !== undefined && String(i) !== only) continue;
  const dir = join(out, w.name);
  if (!existsSync(join(dir, 'metrics.json'))) {
    const run = await runCli(['physical', '--model', 'llama-8b', '--tile', '8x16', '--tensor', w.tensor, '--tile-at', w.at, '--seed', String(w.seed), '--tile-archs', 'bitserial-shared,da', ...extra, '--out', dir, '--no-cache']);
    if (run.code !== 0 && run.code !== 1) {
      console.error(`${w.name}: flow:physical exited ${run.code}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      continue;
    }
  }
  const m = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Record<string, number>;
  const ids = [...new Set(Object.keys(m).map((k) => /__tile:(.+)$/.exec(k)?.[1]).filter((t): t is string => Boolean(t)))].sort();
  for (const id of ids) {
    const g = (k: string) => m[`${k}__tile:${id}`];
    const tileDir = readdirSync(dir).find((d) => d.endsWith('physical-tiles'));
    const rpt = tileDir ? join(dir, tileDir, 'tiles', id, 'drc.rpt') : '';
    const rules = rpt && existsSync(rpt) ? [...readFileSync(rpt, 'utf8').matchAll(/^\d+\t.*\((\S+)\)\s*$/gm)].map((x) => x[1]).join(',') : '';
    const ok = g('route__net__unrouted__count') === 0 && g('drc__error__count') === 0 && g('lvs__mismatch__count') === 0;
    clean += ok ? 1 : 0;
    tiles++;
    console.log([w.name, (/-\d+x\d+-(.+)$/.exec(id)?.[1] ?? id), g('physical__design__instance__count'), g('finish__design__instance__utilization'), g('route__net__unrouted__count'), g('drc__error__count'), rules || '-', g('lvs__mismatch__count') === 0 ? 'clean' : `${g('lvs__mismatch__count')} mismatches`, g('physical__route__repair__best_round'), g('physical__route__repair__blocked_sites__count'), g('physical__route__shorts__count'), `${g('physical__route__drc_reroutes_kept__count') ?? 0}/${g('physical__route__drc_reroutes__count') ?? 0}`, g('physical__eco__cells_moved__count') ?? 0, g('physical__step__wall_s__step:route'), g('physical__step__wall_s__step:total')].join('\t'));
  }
}
console.log(`${clean} of ${tiles} tiles clean (0 unrouted, 0 DRC, LVS clean)`);
