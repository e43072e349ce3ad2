/** Step 5, GDS and pictures (edge: KLayout): routed DEF + LEFs + the kit's cell GDS merged into tile.gds, the tile and a close-up drawn as PNG. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KLAYOUT_DEF_TO_GDS, KLAYOUT_RENDER } from '@hardwire/eda';
import { renameInto, type TileRun } from './tileRun.ts';

export async function gdsStep(r: TileRun, routedDef: string): Promise<{ gds: string; png: string }> {
  const { ctx, work, outDir, layoutDir, o } = r;
  const gds = join(outDir, 'tile.gds');
  const png = join(outDir, 'tile.png');
  writeFileSync(join(work, 'def2gds.py'), KLAYOUT_DEF_TO_GDS);
  const summary = join(work, 'gds.json');
  await ctx.exec('klayout', ['-zz', '-r', join(work, 'def2gds.py'), '-rd', `def_file=${routedDef}`, '-rd', `out_gds=${join(outDir, 'tile.partial.gds')}`, '-rd', `lyt=${r.lyt}`, '-rd', `tlef=${join(layoutDir, 'route.tlef')}`, '-rd', `lef=${r.cellLef}`, '-rd', `cell_gds=${r.kit.gds}`, '-rd', `summary=${summary}`], { cwd: layoutDir });
  const s = JSON.parse(readFileSync(summary, 'utf8')) as { emptyCells: string[]; bboxUm: number[] };
  if (s.emptyCells.length > 0) throw new Error(`GDS merge left ${s.emptyCells.length} cells without layout: ${s.emptyCells.slice(0, 5).join(', ')}`);
  await renameInto(join(outDir, 'tile.partial.gds'), gds);
  writeFileSync(join(work, 'render.py'), KLAYOUT_RENDER);
  await ctx.exec('klayout', ['-zz', '-r', join(work, 'render.py'), '-rd', `gds=${gds}`, '-rd', `lyp=${r.lyp}`, '-rd', `png=${png}.partial.png`, '-rd', `width=${o.imagePx}`, '-rd', `height=${o.imagePx}`], { cwd: work });
  await renameInto(`${png}.partial.png`, png);
  // A close-up of the middle (40 µm square), where cells, rails and wires can be told apart.
  const cx = (s.bboxUm[0] + s.bboxUm[2]) / 2;
  const cy = (s.bboxUm[1] + s.bboxUm[3]) / 2;
  const zoomPng = join(outDir, 'tile-zoom.png');
  await ctx.exec('klayout', ['-zz', '-r', join(work, 'render.py'), '-rd', `gds=${gds}`, '-rd', `lyp=${r.lyp}`, '-rd', `png=${zoomPng}.partial.png`, '-rd', `width=${o.imagePx}`, '-rd', `height=${o.imagePx}`, '-rd', `zoom=${(cx - 20).toFixed(2)},${(cy - 20).toFixed(2)},${(cx + 20).toFixed(2)},${(cy + 20).toFixed(2)}`], { cwd: work });
  await renameInto(`${zoomPng}.partial.png`, zoomPng);
  return { gds, png };
}
