/** `BlockLib.Placement`: how many of each kind every layer needs and the transistors placing them costs (edge). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, writeFileAtomic } from '@hardwire/core';
import { layerKindCounts, placementCsv, placementRows } from '../placement.ts';

export const placementStage = defineStage({
  id: 'BlockLib.Placement',
  summary: 'Count the block kinds every layer needs (one instance per block, no sharing) and what they cost in transistors and area.',
  version: '1',
  inputs: ['library', 'blocks', 'blocksCsv'],
  outputs: ['placement'],
  vars: defineVars({}),
  async run(ctx) {
    const library = JSON.parse(await readFile(ctx.inputPath('library'), 'utf8')) as { format: string; k: number; signFold: boolean; arch: string; kinds: Array<{ rank: number; coefficients: number[]; transistors: number; areaUm2: number }> };
    const stats = JSON.parse(await readFile(ctx.inputPath('blocks'), 'utf8')) as { quant: string; block: number; signFold: boolean; overall: { coefficients: number } };
    if (stats.quant !== library.format || stats.block !== library.k || stats.signFold !== library.signFold) {
      throw new UserError(`block statistics (${stats.quant}, k=${stats.block}) and library (${library.format}, k=${library.k}) differ`);
    }
    const rows = placementRows(layerKindCounts(await readFile(ctx.inputPath('blocksCsv'), 'utf8')), library.kinds);
    await writeFileAtomic(join(ctx.stageDir, 'placement.csv'), placementCsv(rows));
    const instances = rows.reduce((s, r) => s + r.blocks, 0);
    const transistors = rows.reduce((s, r) => s + r.blocks * r.transistorsEach, 0);
    const areaUm2 = rows.reduce((s, r) => s + r.blocks * r.areaEachUm2, 0);
    const layers = new Set(rows.map((r) => r.layer));
    const kindsPerLayer = [...layers].map((l) => rows.filter((r) => r.layer === l).length);
    ctx.log(`${instances} block instances, ${transistors} transistors over ${stats.overall.coefficients} coefficients`);
    return {
      views: { placement: 'placement.csv' },
      metrics: {
        blocks__placement__instances: instances,
        blocks__placement__transistors: transistors,
        blocks__placement__area_mm2: Number((areaUm2 / 1e6).toFixed(6)),
        blocks__placement__transistors_per_coefficient: Number((transistors / stats.overall.coefficients).toFixed(4)),
        blocks__placement__kinds_per_layer_max: Math.max(...kindsPerLayer),
      },
    };
  },
});
