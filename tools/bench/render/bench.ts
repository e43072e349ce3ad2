/**
 * Review-image benchmark: the wafer map of a 20,000-tile plan at 4,000 px (target: under 5 s on 2 cores),
 * SVG build and PNG encode timed apart; then a field image and a report chart.
 *
 *   npx tsx tools/bench/render/bench.ts
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { barChartSvg, fieldSvg, svgToPng, waferSvg, type PlanForImages } from '@hardwire/render';

const dir = mkdtempSync(join(tmpdir(), 'hw-bench-render-'));
// 64 fields of 26 x 33 mm on one wafer, each filled with a grid of tiles (about 313 per field).
const reticles: { id: number; x: number; y: number; w: number; h: number; used: boolean }[] = [];
for (let r = -4; r < 4; r++) for (let c = -4; c < 4; c++) {
  const x = c * 26.1;
  const y = r * 33.1;
  if (Math.hypot(Math.max(Math.abs(x), Math.abs(x + 26)), Math.max(Math.abs(y), Math.abs(y + 33))) < 147) reticles.push({ id: reticles.length, x, y, w: 26, h: 33, used: true });
}
const tiles: PlanForImages['tiles'][number][] = [];
const perField = Math.ceil(20_000 / reticles.length);
const cols = Math.ceil(Math.sqrt(perField * (26 / 33)));
const rows = Math.ceil(perField / cols);
for (const f of reticles) {
  for (let i = 0; i < perField && tiles.length < 20_000; i++) {
    const w = 26 / cols;
    const h = 33 / rows;
    const layer = Math.floor(tiles.length / 250);
    tiles.push({ id: `l${layer}.t${i}`, wafer: 0, reticle: f.id, x: f.x + (i % cols) * w + 0.02, y: f.y + Math.floor(i / cols) * h + 0.02, w: w - 0.04, h: h - 0.04, layer, role: i % 3 === 0 ? 'attn.q' : 'mlp.down', busBits: 4096 });
  }
}
const plan: PlanForImages = { wafers: [{ id: 0, diameter: 300, edgeExclusion: 3, reticles }], tiles };
console.log(`plan: ${tiles.length} tiles in ${reticles.length} fields`);
for (const px of [2000, 4000]) {
  const t0 = performance.now();
  const svg = waferSvg(plan, 0, 'bench: 20,000 tiles', px);
  const t1 = performance.now();
  const png = join(dir, `wafer-${px}.png`);
  await svgToPng(svg, png);
  const t2 = performance.now();
  console.log(`wafer map ${px} px: SVG ${((t1 - t0) / 1000).toFixed(2)} s (${(svg.length / 1e6).toFixed(1)} MB), PNG ${((t2 - t1) / 1000).toFixed(2)} s (${(statSync(png).size / 1e6).toFixed(1)} MB), total ${((t2 - t0) / 1000).toFixed(2)} s`);
}
{
  const t0 = performance.now();
  await svgToPng(fieldSvg(plan, 0, 0, 'bench', 1200), join(dir, 'field.png'));
  const t1 = performance.now();
  await svgToPng(barChartSvg({ title: 'bench', bars: Array.from({ length: 330 }, (_, i) => ({ label: `#${i}`, value: 330 - i })), valueLabel: 'blocks' }), join(dir, 'chart.png'));
  const t2 = performance.now();
  console.log(`field image 1200 px: ${((t1 - t0) / 1000).toFixed(2)} s; 330-bar chart: ${((t2 - t1) / 1000).toFixed(2)} s`);
}
