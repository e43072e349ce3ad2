/**
 * `Floorplan.Wafer`: every tile of the model on reticle fields of 300 mm wafers, soft tiles filling each
 * field (fillField.ts; edge). Tile areas come from the capacity estimate (Capacity.Estimate's estimate.json: per-matrix areas and per-layer
 * units at the estimate's node and architecture).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, num, oneOf, writeJsonAtomic } from '@hardwire/core';
import type { Inventory } from '@hardwire/models';
import { dataflowWiring, fieldFill, fillFields } from '../fillField.ts';
import { fieldPath, floorGroups, floorTiles } from '../floorTiles.ts';
import { packField } from '../packField.ts';
import { elkLayoutService } from '../workers/elkLayoutService.ts';
import { bestFieldGrid } from '../reticleGrid.ts';

/** What the floorplan reads from Capacity.Estimate's estimate.json. */
interface CapacityAreas {
  format: string;
  estimate: {
    arch: string;
    node: string;
    params: number;
    tensors: Array<{ role: string; layer: number | null; params: number; areaMm2: number }>;
    perLayerMm2: { attentionUnits: number; kvSram: number; normAndBuffers: number; macUnits?: number };
  };
}

export const waferStage = defineStage({
  id: 'Floorplan.Wafer',
  summary: 'Lay the model out on reticle fields along a path of edge-sharing fields (spilling to more wafers): its layer groups in dataflow order as soft tiles in boustrophedon strips, each field filled to its margin; fill, dataflow wire length and stitch crossings.',
  version: '3',
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
    maxTileAspect: num({ default: 4, min: 1, doc: 'Largest ratio of a soft tile\'s long side to its short side (its window of rows x cols and whole cell rows realize any outline within it).' }),
    maxTileAreaMm2: num({ default: 25, min: 0.01, unit: 'mm²', doc: 'Largest floorplan tile; bigger layer groups are split.' }),
    tileSpacingMm: num({ default: 0.05, min: 0, unit: 'mm', doc: 'Gap between tiles.' }),
    packer: oneOf(['strips', 'elk'] as const, { default: 'strips', doc: 'How fields are filled: strips (soft tiles in dataflow strips, filled to the margin) or elk (equal square tiles packed field by field with ELK rectpacking at --elk-utilization, the layout engine of the design card, for comparison).' }),
    elkUtilization: num({ default: 0.8, min: 0.1, max: 1, doc: 'With --packer elk: tile area a field takes before ELK lays it out (fewer when the layout leaves the box).' }),
  }),
  async run(ctx) {
    const c = ctx.config;
    const inventory = JSON.parse(readFileSync(ctx.inputPath('inventory'), 'utf8')) as Inventory;
    const { format, estimate } = JSON.parse(readFileSync(ctx.inputPath('estimate'), 'utf8')) as CapacityAreas;
    const weightMm2 = estimate.tensors.reduce((s, t) => s + t.areaMm2, 0);
    const weightParams = estimate.tensors.reduce((s, t) => s + t.params, 0);
    const groups = floorGroups({ tensors: estimate.tensors, hiddenSize: inventory.config.hiddenSize, perLayerMm2: estimate.perLayerMm2, activationBits: 8 });
    const grid = bestFieldGrid({ diameterMm: c.waferDiameterMm, edgeExclusionMm: c.edgeExclusionMm }, { widthMm: c.reticleWidthMm, heightMm: c.reticleHeightMm, scribeMm: c.scribeMm });
    const fields = fieldPath(grid.fields);
    const usableW = c.reticleWidthMm - 2 * c.fieldMarginMm;
    const usableH = c.reticleHeightMm - 2 * c.fieldMarginMm;
    ctx.log(`${estimate.arch} at ${estimate.node}: weights ${weightMm2.toFixed(1)} mm² (${((weightMm2 / weightParams) * 1e6).toFixed(4)} um2 per coefficient); per layer: attention units ${estimate.perLayerMm2.attentionUnits.toFixed(3)}, KV-cache SRAM ${estimate.perLayerMm2.kvSram.toFixed(3)}, norms and buffers ${estimate.perLayerMm2.normAndBuffers.toFixed(3)} mm²`);
    let filled: { tiles: Array<{ id: string; field: number; fx: number; fy: number; w: number; h: number; layer: number | null; role: string; busBits: number; coefficients?: number }>; fieldCount: number; strips: number; stripHeightMm: number };
    if (c.packer === 'elk') {
      // Equal square tiles, packed field by field along the same field path by ELK rectpacking.
      const queue = floorTiles({ tensors: estimate.tensors, hiddenSize: inventory.config.hiddenSize, perLayerMm2: estimate.perLayerMm2, maxTileAreaMm2: c.maxTileAreaMm2, activationBits: 8 });
      // A square tile holds its group's coefficients in proportion to its area.
      const groupOf = new Map(groups.map((g) => [`${g.layer}|${g.role}`, g]));
      const coefficientsOf = (t: { layer: number | null; role: string; w: number; h: number }) => {
        const g = groupOf.get(`${t.layer}|${t.role}`);
        return g && g.areaMm2 > 0 ? (g.params * t.w * t.h) / g.areaMm2 : 0;
      };
      const service = elkLayoutService();
      const tiles: (typeof filled)['tiles'] = [];
      let field = 0;
      try {
        while (queue.length > 0) {
          let packed: Awaited<ReturnType<typeof packField>>;
          try {
            packed = await packField(queue, usableW, usableH, c.elkUtilization, c.tileSpacingMm, service.layout);
          } catch (e) {
            if (e instanceof RangeError) throw new UserError(`${e.message}: lower --max-tile-area-mm2`);
            throw e;
          }
          if (packed.length === 0) throw new UserError(`--packer elk: ELK placed no tile in field ${field}; lower --max-tile-area-mm2`);
          for (const t of packed) tiles.push({ id: t.id, field, fx: t.fx, fy: t.fy, w: t.w, h: t.h, layer: t.layer, role: t.role, busBits: t.busBits, coefficients: coefficientsOf(t) });
          field++;
        }
      } finally {
        await service.close();
      }
      filled = { tiles, fieldCount: field, strips: 0, stripHeightMm: 0 };
    } else {
      try {
        filled = fillFields(groups, fields.map((f) => ({ x: f.x + f.w / 2, y: f.y + f.h / 2 })), { usableWMm: usableW, usableHMm: usableH, spacingMm: c.tileSpacingMm, maxTileAreaMm2: c.maxTileAreaMm2, maxAspect: c.maxTileAspect });
      } catch (e) {
        throw new UserError(`${(e as Error).message}: raise --max-tile-area-mm2 or --max-tile-aspect`);
      }
    }
    ctx.log(`${c.packer}: ${groups.length} groups (layer x role) in ${filled.tiles.length} ${c.packer === 'elk' ? 'square' : 'soft'} tiles on ${filled.fieldCount} fields of ${fields.length} per wafer${c.packer === 'strips' ? `; ${filled.strips} strips of ${filled.stripHeightMm.toFixed(3)} mm per field` : ''}`);
    const placed = filled.tiles.map((t) => {
      const f = fields[t.field % fields.length];
      return { id: t.id, wafer: Math.floor(t.field / fields.length), reticle: f.id, x: f.x + c.fieldMarginMm + t.fx, y: f.y + c.fieldMarginMm + t.fy, w: t.w, h: t.h, layer: t.layer, role: t.role, busBits: t.busBits, coefficients: t.coefficients };
    });
    const used = [...new Map(placed.map((t) => [`${t.wafer}|${t.reticle}`, { wafer: t.wafer, id: t.reticle }])).values()];
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
    const fieldArea = c.reticleWidthMm * c.reticleHeightMm;
    const fill = fieldFill(placed, fieldArea);
    const wiring = dataflowWiring(placed);
    const aspects = placed.map((t) => Math.max(t.w / t.h, t.h / t.w));
    ctx.log(`fill (tile area over field area): ${fill.perField.map((f) => f.fill.toFixed(3)).join(' ')}; dataflow ${Math.round(wiring.bitMm).toLocaleString('en-US')} bit-mm (mean hop ${wiring.meanMm.toFixed(2)} mm), ${wiring.crossings} field-edge crossings`);
    return {
      views: { floorplan: 'floorplan.json' },
      metrics: {
        floorplan__tile__count: placed.length,
        floorplan__reticle__count: used.length,
        floorplan__wafer__count: wafers.length,
        floorplan__field__full_per_wafer: grid.fields.length,
        floorplan__area__tiles_mm2: r6(tileArea),
        floorplan__utilization: r6(tileArea / (used.length * fieldArea)),
        ...(fill.minButLast !== undefined ? { floorplan__fill__min_but_last: r6(fill.minButLast), floorplan__fill__usable_min_but_last: r6((fill.minButLast * fieldArea) / (usableW * usableH)) } : {}),
        floorplan__fill__last: r6(fill.perField.at(-1)?.fill ?? 0),
        floorplan__tile__aspect_max: r6(Math.max(1, ...aspects)),
        floorplan__strips__per_field: filled.strips,
        floorplan__strips__height_mm: r6(filled.stripHeightMm),
        floorplan__dataflow__bit_mm: Math.round(wiring.bitMm),
        floorplan__dataflow__hop_mean_mm: r6(wiring.meanMm),
        floorplan__stitch__crossings: wiring.crossings,
        floorplan__stitch__crossing_bits: wiring.crossingBits,
        floorplan__stitch__crossings_max_per_edge: wiring.maxCrossingsPerEdge,
        floorplan__area__per_coefficient_um2: r6((weightMm2 / weightParams) * 1e6),
        floorplan__area__kv_per_layer_mm2: r6(estimate.perLayerMm2.kvSram),
      },
    };
  },
});

function r6(x: number): number {
  return Number(x.toFixed(6));
}
