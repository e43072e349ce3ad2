/**
 * Floorplan benchmarks. (1) ELK packing time for 500, 5,000 and 20,000 tiles through the same field-by-field
 * packing as Floorplan.Wafer (target: 20,000 in under 10 s). (2) The MCNC (ami33, ami49) and GSRC (n100,
 * n200, n300) hard-block benchmarks packed by ELK rectpacking (no rotation, no wirelength objective; the
 * best of a few aspect ratios): area, dead space and HPWL (block pins with their offsets, pads excluded)
 * beside the published B*-tree, sequence-pair and other results (sources and conventions in
 * tools/bench/floorplan/data/README.md).
 *
 *   npx tsx tools/bench/floorplan/bench.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@hardwire/core';
import { hpwl, packField, parseBlocks, parseNets, toElkGraph, fromElkGraph, type FloorTile } from '@hardwire/floorplan';
import { elkLayoutService } from '../../../packages/floorplan/src/workers/elkLayoutService.ts';

const service = elkLayoutService();
try {
  console.log('ELK packing time (field by field, 25 x 32 mm usable box, utilization 0.8, one worker):');
  for (const n of [500, 5000, 20_000]) {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const queue: FloorTile[] = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, layer: i, role: 'mlp', w: 1 + 3 * rand(), h: 1 + 3 * rand(), busBits: 8 }));
    const started = performance.now();
    let fields = 0;
    while (queue.length > 0) {
      await packField(queue, 25, 32, 0.8, 0.05, service.layout);
      fields++;
    }
    console.log(`  ${String(n).padStart(6)} tiles: ${((performance.now() - started) / 1000).toFixed(2)} s, ${fields} fields`);
  }

  const dir = join(REPO_ROOT, 'tools', 'bench', 'floorplan', 'data');
  const published: Record<string, string> = {
    ami33: 'SP 1.22 (5.2 %), B*-tree 1.27 (8.9 %), TCG-S 1.185 (2.4 %), best known 1.164 (0.7 %); area+WL: B*-tree Fast-SA 1.29 / 59.96 mm, TCG 1.24 / 50 mm',
    ami49: 'SP 38.84 (8.7 %), B*-tree 36.80 (3.7 %), TCG-S 36.40 (2.6 %), best known 35.78 (0.9 %); area+WL: Fast-SA 40.36 / 816.5 mm, TCG 38.2 / 663 mm',
    n100: 'VOAS 188,700; Chen/Huang-2020 186,624 (units²)',
    n200: 'VOAS 187,900; Chen/Huang-2020 183,931',
    n300: 'VOAS 294,700; Chen/Huang-2020 287,244',
  };
  console.log('\nHard-block benchmarks (ELK rectpacking, no rotation, best of file order or tallest first at aspect ratios 0.8-1.25):');
  for (const bench of ['ami33', 'ami49', 'n100', 'n200', 'n300']) {
    const blocks = parseBlocks(readFileSync(join(dir, `${bench}.blocks`), 'utf8'));
    const nets = parseNets(readFileSync(join(dir, `${bench}.nets`), 'utf8'));
    const blockArea = blocks.reduce((s, b) => s + b.w * b.h, 0);
    const inFileOrder: FloorTile[] = blocks.map((b) => ({ id: b.name, layer: null, role: 'mlp', w: b.w, h: b.h, busBits: 0 }));
    const byHeight = [...inFileOrder].sort((a, b) => b.h - a.h || b.w - a.w);
    const side = Math.sqrt(blockArea);
    let best: { area: number; placed: Map<string, { x: number; y: number; w: number; h: number }>; aspect: number; order: string } | undefined;
    const started = performance.now();
    for (const [order, tiles] of [['file order', inFileOrder], ['tallest first', byHeight]] as const) for (const aspect of [0.8, 0.9, 1, 1.1, 1.25]) {
      const graph = toElkGraph(tiles, side * Math.sqrt(aspect), side / Math.sqrt(aspect), 0);
      graph.layoutOptions['elk.rectpacking.widthApproximation.targetWidth'] = String(side * Math.sqrt(aspect) * 1.02);
      const { placed, width, height } = fromElkGraph(tiles, await service.layout(graph));
      if (!best || width * height < best.area) best = { area: width * height, aspect, order, placed: new Map(placed.map((p) => [p.id, { x: p.fx, y: p.fy, w: p.w, h: p.h }])) };
    }
    const seconds = (performance.now() - started) / 1000;
    const mcnc = bench.startsWith('ami');
    const area = mcnc ? `${(best!.area / 1e6).toFixed(3)} mm²` : `${Math.round(best!.area).toLocaleString('en-US')} units²`;
    const wl = hpwl(nets, best!.placed);
    const wlText = mcnc ? `${(wl / 1e3).toFixed(1)} mm` : `${Math.round(wl).toLocaleString('en-US')}`;
    console.log(`  ${bench.padEnd(6)} ${blocks.length} blocks: area ${area}, dead space ${((1 - blockArea / best!.area) * 100).toFixed(1)} %, HPWL ${wlText} (${best!.order}, aspect ${best!.aspect}, ${seconds.toFixed(2)} s for 10 layouts)`);
    console.log(`         published: ${published[bench]}`);
  }
} finally {
  await service.close();
}
