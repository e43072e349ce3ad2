/**
 * Tile micro-architecture benchmark (issue "Hardwired tiles at their floor"): cuts windows of layer 0's
 * q_proj of llama-3.1-8b (synthetic weights), builds each architecture, synthesizes (native yosys) and proves
 * it (10,000 vectors in our simulator, an Icarus subset), and prints per tile the transistors per coefficient,
 * the cycles per vector, the clock, the yosys wall time and peak memory, the proof time (our simulator alone)
 * and the whole tile's synthesis + proof time against the targets (16,384 coefficients within 10 minutes,
 * 65,536 within 30, 10,000 vectors through the largest tile in under a minute). `--wasm` also synthesizes
 * the first size with the WebAssembly yosys and prints how much slower it is.
 *
 *   npx tsx tools/bench/arch/bench.ts                                  (bitserial-shared at 64x256 and 64x1024)
 *   npx tsx tools/bench/arch/bench.ts --sizes 64x256,128x1024 --tile-archs all --wasm
 *   npx tsx tools/bench/arch/bench.ts --from out/arch-llama             (print the figures of a finished run)
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@hardwire/flow';

const args = process.argv.slice(2);
const take = (flag: string, fallback?: string) => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : fallback;
};
const wasm = args.includes('--wasm');
const passOn = args.filter((a, i) => a !== '--wasm' && !['--sizes', '--tile-archs', '--from'].includes(a) && !['--sizes', '--tile-archs', '--from'].includes(args[i - 1] ?? ''));

interface Row { id: string; arch: string; rows: number; cols: number; transistors: number; cells: number; cyclesPerVector: number; clockMhz?: number; synthS: number; peakMb?: number; proofS: number; icarusVectors: number; mismatches: number }

function readRun(out: string): Row[] {
  const tilesDir = join(out, 'tiles');
  const stageDir = readdirSync(out).find((d) => d.endsWith('-gate-sim-check'))!;
  // The stage log holds each tile's simulation time (report.json leaves it out to stay byte-identical).
  const log = readFileSync(join(out, stageDir, 'gate-sim-check.log'), 'utf8');
  return readdirSync(tilesDir).sort().map((id) => {
    const golden = JSON.parse(readFileSync(join(tilesDir, id, 'golden.json'), 'utf8'));
    const synth = JSON.parse(readFileSync(join(tilesDir, id, 'synth.json'), 'utf8'));
    const proof = (JSON.parse(readFileSync(join(out, stageDir, 'report.json'), 'utf8')) as { id: string; mismatches: number; cyclesPerVector: number; icarus: { vectors: number; mismatches: number } | null }[]).find((r) => r.id === id)!;
    const seconds = new RegExp(`^${id.replace(/\./g, '\\.')}: \\d+ vectors.* ([\\d.]+) s$`, 'm').exec(log);
    return { id, arch: golden.arch, rows: golden.rows, cols: golden.cols, transistors: synth.transistors, cells: synth.cells, cyclesPerVector: proof.cyclesPerVector, clockMhz: synth.clockMhz, synthS: synth.synthWallS, peakMb: synth.synthPeakMb, proofS: seconds ? Number(seconds[1]) : NaN, icarusVectors: proof.icarus?.vectors ?? 0, mismatches: proof.mismatches + (proof.icarus?.mismatches ?? 0) };
  });
}

async function run(extra: string[]): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'hw-bench-arch-'));
  const r = await runCli(['arch', '--model', 'llama-8b', ...extra, '--out', out, '--no-cache']);
  if (r.code !== 0) {
    console.error(r.stderr.trim().split('\n').slice(-8).join('\n'));
    process.exit(r.code);
  }
  return out;
}

const from = take('--from');
const sizes = take('--sizes', '64x256,64x1024')!;
const archs = take('--tile-archs', 'bitserial-shared')!;
const out = from ?? (await run(['--sizes', sizes, '--tile-archs', archs, ...passOn]));
const rows = readRun(out);
console.log(`run: ${out}`);
console.log(['tile', 'coefficients', 'cells', 'T/coef', 'cycles/vector', 'MHz', 'yosys s', 'yosys MB', 'sim 10k s', 'icarus vectors', 'mismatches', 'synth+proof s', 'target s'].join('\t'));
for (const r of rows) {
  const n = r.rows * r.cols;
  const target = n >= 65_536 ? 1800 : n >= 16_384 ? 600 : undefined;
  console.log([r.id, n, r.cells, (r.transistors / n).toFixed(2), r.cyclesPerVector, r.clockMhz?.toFixed(0) ?? '', r.synthS.toFixed(1), r.peakMb ?? '', r.proofS.toFixed(1), r.icarusVectors, r.mismatches, (r.synthS + r.proofS).toFixed(1), target ?? ''].join('\t'));
}
const largest = rows.reduce((a, b) => (b.rows * b.cols > a.rows * a.cols ? b : a), rows[0]);
if (largest) console.log(`10,000 vectors through the largest tile (${largest.id}, ${largest.cells} cells): ${largest.proofS.toFixed(1)} s (target under 60)`);
if (wasm && !from) {
  const first = sizes.split(',')[0];
  const arch = archs.split(',')[0] === 'all' ? 'bitserial-shared' : archs.split(',')[0];
  // The WebAssembly run times synthesis only: no Icarus (the native run's cross-check flags are left out).
  const withoutCrosscheck = passOn.filter((a, i) => !a.startsWith('--crosscheck') && !(passOn[i - 1] ?? '').startsWith('--crosscheck'));
  const w = readRun(await run(['--sizes', first, '--tile-archs', arch, '--yosys', 'wasm', '--crosscheck-vectors', '0', ...withoutCrosscheck]))[0];
  const n = rows.find((r) => r.arch === w.arch && r.rows === w.rows && r.cols === w.cols);
  console.log(`wasm yosys, ${w.id}: ${w.synthS.toFixed(1)} s${n ? ` (native ${n.synthS.toFixed(1)} s, ${(w.synthS / n.synthS).toFixed(1)}x)` : ''}, ${w.transistors} transistors${n ? ` (native ${n.transistors})` : ''}`);
}
