/**
 * `Floorplan.Wafer`: every tile of the model on reticle fields of 300 mm wafers, packed with ELK (edge). Tile
 * areas come from the capacity estimate (Capacity.Estimate's estimate.json: per-matrix areas and per-layer
 * units at the estimate's node and architecture).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, num, writeJsonAtomic } from '@hardwire/core';
import type { Inventory } from '@hardwire/models';
import { fieldPath, floorTiles, type FloorTile } from '../floorTiles.ts';
import { packField } from '../packField.ts';
import { bestFieldGrid } from '../reticleGrid.ts';
import { elkLayoutService } from '../workers/elkLayoutService.ts';

/** What the floorplan reads from Capacity.Estimate's estimate.json. */
interface CapacityAreas {
  format: string;
  estimate: {
    arch: string;
    node: string;
    params: number;
    tensors: Array<{ role: string; layer: number | null; params: number; areaMm2: number }>;
    perLayerMm2: { attentionUnits: number; kvSram: number; normAndBuffers: number };
  };
}

export const waferStage = defineStage({
  id: 'Floorplan.Wafer',
  summary: 'Place every tile of the model on reticle fields along a snake path (spilling to more wafers), packed with ELK rectpacking and legalized to the field box.',
  version: '1',
  inputs: ['inventory', 'estimate'],
  outputs: ['floorplan'],
  publish: { floorplan: 'floorplan.json' },
  vars: defineVars({
    waferDiameterMm: num({ default: 300, min: 50, unit: 'mm', doc: 'Wafer diameter.' }),
    edgeExclusionMm: num({ default: 3, min: 0, unit: 'mm', doc: 'Edge exclusion ring.' }),
    reticleWidthMm: num({ default: 26, min: 1, unit: 'mm', doc: 'Scanner field width (x).' }),
    reticleHeightMm: num({ default: 33, min: 1, unit: 'mm', doc: 'Scanner field height (y).' }),
    scribeMm: num({ default: 0.1, min: 0, unit: 'mm', doc: 'Scribe lane between fields.' }),
    fieldMarginMm: num({ default: 0.5, min: 0, unit: 'mm', doc: 'Margin inside each field kept for stitching and I/O.' }),
    targetUtilization: num({ default: 0.8, min: 0.05, max: 1, doc: 'Tile area over usable field area when filling a field; lower it if packing fails.' }),
    maxTileAreaMm2: num({ default: 25, min: 0.01, unit: 'mm²', doc: 'Largest floorplan tile; bigger layer groups are split.' }),
    tileSpacingMm: num({ default: 0.05, min: 0, unit: 'mm', doc: 'Gap between tiles.' }),
  }),
  async run(ctx) {
    const c = ctx.config;
    const inventory = JSON.parse(readFileSync(ctx.inputPath('inventory'), 'utf8')) as Inventory;
    const { format, estimate } = JSON.parse(readFileSync(ctx.inputPath('estimate'), 'utf8')) as CapacityAreas;
    const weightMm2 = estimate.tensors.reduce((s, t) => s + t.areaMm2, 0);
    const weightParams = estimate.tensors.reduce((s, t) => s + t.params, 0);
    const tiles = floorTiles({ tensors: estimate.tensors, hiddenSize: inventory.config.hiddenSize, perLayerMm2: estimate.perLayerMm2, maxTileAreaMm2: c.maxTileAreaMm2, activationBits: 8 });
    const grid = bestFieldGrid({ diameterMm: c.waferDiameterMm, edgeExclusionMm: c.edgeExclusionMm }, { widthMm: c.reticleWidthMm, heightMm: c.reticleHeightMm, scribeMm: c.scribeMm });
    const fields = fieldPath(grid.fields);
    const usableW = c.reticleWidthMm - 2 * c.fieldMarginMm;
    const usableH = c.reticleHeightMm - 2 * c.fieldMarginMm;
    ctx.log(`${estimate.arch} at ${estimate.node}: weights ${weightMm2.toFixed(1)} mm² (${((weightMm2 / weightParams) * 1e6).toFixed(4)} um2 per coefficient); per layer: attention units ${estimate.perLayerMm2.attentionUnits.toFixed(3)}, KV-cache SRAM ${estimate.perLayerMm2.kvSram.toFixed(3)}, norms and buffers ${estimate.perLayerMm2.normAndBuffers.toFixed(3)} mm²`);
    ctx.log(`${tiles.length} floorplan tiles, ${fields.length} full fields per wafer`);
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
      format,
      arch: estimate.arch,
      node: estimate.node,
      areaPerCoefficientUm2: r6((weightMm2 / weightParams) * 1e6),
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
        floorplan__area__per_coefficient_um2: r6((weightMm2 / weightParams) * 1e6),
        floorplan__area__kv_per_layer_mm2: r6(estimate.perLayerMm2.kvSram),
      },
    };
  },
});

function r6(x: number): number {
  return Number(x.toFixed(6));
}
