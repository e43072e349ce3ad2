/** `Floorplan.Wafer`: every tile of the model on reticle fields of 300 mm wafers, packed with ELK (edge). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, int, num, oneOf, writeJsonAtomic } from '@hardwire/core';
import type { Inventory } from '@hardwire/models';
import { fieldPath, floorTiles, type FloorTile } from '../floorTiles.ts';
import { packField } from '../packField.ts';
import { NODES, NODE_SRAM_BITCELL_UM2, areaPerCoefficientMm2, kvAreaPerLayerMm2 } from '../nodes.ts';
import { bestFieldGrid } from '../reticleGrid.ts';
import { elkLayoutService } from '../workers/elkLayoutService.ts';

export const waferStage = defineStage({
  id: 'Floorplan.Wafer',
  summary: 'Place every tile of the model on reticle fields along a snake path (spilling to more wafers), packed with ELK rectpacking and legalized to the field box.',
  version: '1',
  inputs: ['inventory', 'tilesSynth'],
  outputs: ['floorplan'],
  vars: defineVars({
    node: oneOf(NODES, { default: 'n5', doc: 'Process node: sky130 (measured) or n7, n6, n5, n3 (logic scaled by transistor density).' }),
    logicUtilization: num({ default: 0.7, min: 0.05, max: 1, doc: 'Cell utilization assumed when scaling logic to an advanced node.' }),
    waferDiameterMm: num({ default: 300, min: 50, unit: 'mm', doc: 'Wafer diameter.' }),
    edgeExclusionMm: num({ default: 3, min: 0, unit: 'mm', doc: 'Edge exclusion ring.' }),
    reticleWidthMm: num({ default: 26, min: 1, unit: 'mm', doc: 'Scanner field width (x).' }),
    reticleHeightMm: num({ default: 33, min: 1, unit: 'mm', doc: 'Scanner field height (y).' }),
    scribeMm: num({ default: 0.1, min: 0, unit: 'mm', doc: 'Scribe lane between fields.' }),
    fieldMarginMm: num({ default: 0.5, min: 0, unit: 'mm', doc: 'Margin inside each field kept for stitching and I/O.' }),
    targetUtilization: num({ default: 0.8, min: 0.05, max: 1, doc: 'Tile area over usable field area when filling a field; lower it if packing fails.' }),
    maxTileAreaMm2: num({ default: 25, min: 0.01, unit: 'mm²', doc: 'Largest floorplan tile; bigger layer groups are split.' }),
    tileSpacingMm: num({ default: 0.05, min: 0, unit: 'mm', doc: 'Gap between tiles.' }),
    context: int({ default: 8192, min: 0, unit: 'tokens', doc: 'KV-cache length per user (0: no KV-cache SRAM).' }),
    batch: int({ default: 1, min: 1, unit: 'users', doc: 'Users whose KV caches are held at once.' }),
    kvBits: int({ default: 8, min: 1, max: 32, unit: 'bits', doc: 'Bits per cached K or V value.' }),
    kvBitcellUm2: num({ min: 0.001, unit: 'µm²', doc: 'SRAM bitcell area; default by node (n7/n6 0.027, n5/n3 0.021; none for sky130).' }),
    sramArrayEfficiency: num({ default: 0.7, min: 0.1, max: 1, doc: 'Bitcell area over SRAM array area (periphery overhead).' }),
  }),
  async run(ctx) {
    const c = ctx.config;
    const inventory = JSON.parse(readFileSync(ctx.inputPath('inventory'), 'utf8')) as Inventory;
    const synthDir = ctx.inputPath('tilesSynth');
    const sample = readdirSync(synthDir).sort()[0];
    if (!sample) throw new UserError('Floorplan.Wafer needs one synthesized sample tile (Tile.Generate, Yosys.Synthesis)');
    const golden = JSON.parse(readFileSync(join(synthDir, sample, 'golden.json'), 'utf8')) as { rows: number; cols: number; format: string; arch: string };
    const synth = JSON.parse(readFileSync(join(synthDir, sample, 'synth.json'), 'utf8')) as { areaUm2: number; transistors: number };
    const measured = { areaUm2: synth.areaUm2, transistors: synth.transistors, coefficients: golden.rows * golden.cols };
    const perCoefficient = areaPerCoefficientMm2(c.node, measured, c.logicUtilization);
    const bitcell = c.kvBitcellUm2 ?? NODE_SRAM_BITCELL_UM2[c.node];
    const kvArea = c.context > 0 && bitcell ? kvAreaPerLayerMm2({ kvHeads: inventory.config.kvHeads, headDim: inventory.config.headDim, context: c.context, batch: c.batch, bitsPerValue: c.kvBits, bitcellUm2: bitcell, arrayEfficiency: c.sramArrayEfficiency }) : 0;
    const findings = c.context > 0 && !bitcell ? [{ type: 'kv_sram_skipped_warning', severity: 'warning' as const, message: `no SRAM bitcell area for ${c.node}: KV-cache SRAM not placed (give --kv-bitcell-um2)` }] : [];
    const tiles = floorTiles({ tensors: inventory.tensors, hiddenSize: inventory.config.hiddenSize, layers: inventory.config.layers, areaPerCoefficientMm2: perCoefficient, kvAreaPerLayerMm2: kvArea, maxTileAreaMm2: c.maxTileAreaMm2, activationBits: 8 });
    const grid = bestFieldGrid({ diameterMm: c.waferDiameterMm, edgeExclusionMm: c.edgeExclusionMm }, { widthMm: c.reticleWidthMm, heightMm: c.reticleHeightMm, scribeMm: c.scribeMm });
    const fields = fieldPath(grid.fields);
    const usableW = c.reticleWidthMm - 2 * c.fieldMarginMm;
    const usableH = c.reticleHeightMm - 2 * c.fieldMarginMm;
    ctx.log(`${sample}: ${measured.transistors} transistors, ${measured.areaUm2} um2 for ${measured.coefficients} coefficients -> ${(perCoefficient * 1e6).toFixed(3)} um2 per coefficient at ${c.node}`);
    ctx.log(`${tiles.length} floorplan tiles, ${fields.length} full fields per wafer; KV-cache SRAM ${kvArea.toFixed(3)} mm² per layer`);
    const queue: FloorTile[] = [...tiles];
    const placed: Array<{ id: string; wafer: number; reticle: number; x: number; y: number; w: number; h: number; layer: number | null; role: string; busBits: number }> = [];
    const used: Array<{ wafer: number; id: number }> = [];
    const service = elkLayoutService();
    ctx.progress.start(tiles.length, 'tiles', 'ELK');
    try {
      let wafer = 0;
      while (queue.length > 0) {
        for (const f of fields) {
          if (queue.length === 0) break;
          const inField = await packField(queue, usableW, usableH, c.targetUtilization, c.tileSpacingMm, service.layout);
          if (inField.length === 0) throw new UserError(`tile ${queue[0].id} does not fit a field; lower --max-tile-area-mm2`);
          used.push({ wafer, id: f.id });
          for (const t of inField) placed.push({ id: t.id, wafer, reticle: f.id, x: f.x + c.fieldMarginMm + t.fx, y: f.y + c.fieldMarginMm + t.fy, w: t.w, h: t.h, layer: t.layer, role: t.role, busBits: t.busBits });
          ctx.progress.advance(inField.length);
        }
        wafer++;
      }
    } finally {
      ctx.progress.finish();
      await service.close();
    }
    const wafers = [...new Set(used.map((u) => u.wafer))].map((w) => ({ id: w, diameter: c.waferDiameterMm, edgeExclusion: c.edgeExclusionMm, reticles: grid.fields.map((f) => ({ id: f.id, x: r6(f.x), y: r6(f.y), w: f.w, h: f.h, col: f.col, row: f.row, used: used.some((u) => u.wafer === w && u.id === f.id) })) }));
    await writeJsonAtomic(join(ctx.stageDir, 'floorplan.json'), {
      units: 'mm',
      model: inventory.model,
      format: golden.format,
      arch: golden.arch,
      node: c.node,
      areaPerCoefficientUm2: r6(perCoefficient * 1e6),
      sampleTile: sample,
      usableRadius: c.waferDiameterMm / 2 - c.edgeExclusionMm,
      wafers,
      tiles: placed.map((t) => ({ ...t, x: r6(t.x), y: r6(t.y), w: r6(t.w), h: r6(t.h) })),
    });
    const tileArea = placed.reduce((s, t) => s + t.w * t.h, 0);
    return {
      views: { floorplan: 'floorplan.json' },
      metrics: {
        floorplan__tile__count: placed.length,
        floorplan__reticle__count: used.length,
        floorplan__wafer__count: wafers.length,
        floorplan__field__full_per_wafer: grid.fields.length,
        floorplan__area__tiles_mm2: r6(tileArea),
        floorplan__utilization: r6(tileArea / (used.length * c.reticleWidthMm * c.reticleHeightMm)),
        floorplan__area__per_coefficient_um2: r6(perCoefficient * 1e6),
        floorplan__area__kv_per_layer_mm2: r6(kvArea),
      },
      findings,
    };
  },
});

function r6(x: number): number {
  return Number(x.toFixed(6));
}
