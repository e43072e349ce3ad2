import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kitAvailable } from '@hardwire/eda';
import { runCli } from '@hardwire/flow';
import { MODEL_CATALOG, buildInventory } from '@hardwire/models';
import { describe, expect, it } from 'vitest';
import { bestFieldGrid, checkFloorplan, fieldPath, floorTiles, packField, snakeOrder } from '../src/index.ts';
import { elkLayoutService } from '../src/workers/elkLayoutService.ts';

const grid = bestFieldGrid({ diameterMm: 300, edgeExclusionMm: 3 }, { widthMm: 26, heightMm: 33, scribeMm: 0.1 });

describe('floorplan tiles and paths', () => {
  it('list tiles in dataflow order, split to the size limit, conserving area', () => {
    const inv = buildInventory(MODEL_CATALOG['llama-3.1-8b']);
    const perLayerMm2 = { attentionUnits: 0.5, kvSram: 2, normAndBuffers: 0.25 };
    const tiles = floorTiles({ tensors: inv.tensors.map((t) => ({ ...t, areaMm2: t.params * 1e-6 })), hiddenSize: 4096, perLayerMm2, maxTileAreaMm2: 25, activationBits: 8 });
    expect(tiles[0].role).toBe('embed');
    expect(tiles.at(-1)!.role).toBe('head');
    expect(tiles.map((t) => t.role).slice(0, 40)).toContain('kv');
    const layerOf = tiles.map((t) => t.layer ?? (t.role === 'embed' ? -1 : 99));
    expect(layerOf).toEqual([...layerOf].sort((a, b) => a - b));
    const area = tiles.reduce((s, t) => s + t.w * t.h, 0);
    const matrices = inv.tensors.filter((t) => !t.role.startsWith('norm')).reduce((s, t) => s + t.params, 0);
    expect(area).toBeCloseTo(matrices * 1e-6 + 32 * (0.5 + 2 + 0.25), 3);
    // Per-layer units join their layer's groups; embeddings and head get none.
    const embed = inv.tensors.find((t) => t.role === 'embed')!.params * 1e-6;
    expect(tiles.filter((t) => t.role === 'embed').reduce((s, t) => s + t.w * t.h, 0)).toBeCloseTo(embed, 6);
    const l0attention = inv.tensors.filter((t) => t.layer === 0 && t.role.startsWith('attn.')).reduce((s, t) => s + t.params, 0) * 1e-6 + 0.5;
    expect(tiles.filter((t) => t.layer === 0 && t.role === 'attention').reduce((s, t) => s + t.w * t.h, 0)).toBeCloseTo(l0attention, 6);
    expect(Math.max(...tiles.map((t) => t.w * t.h))).toBeLessThanOrEqual(25 + 1e-9);
  });

  it('walk all 64 fields so that consecutive fields share an edge (the row snake cannot)', () => {
    const path = fieldPath(grid.fields);
    expect(path).toHaveLength(64);
    expect(new Set(path).size).toBe(64);
    const steps = (p: typeof path) => p.slice(1).filter((f, i) => Math.abs(f.row - p[i].row) + Math.abs(f.col - p[i].col) !== 1).length;
    expect(steps(path)).toBe(0);
    expect(steps(snakeOrder(grid.fields))).toBeGreaterThan(0);
  });
});

describe('packing with ELK and the checks', () => {
  it('packs tiles into a field box without overlaps, handing back what does not fit', async () => {
    const service = elkLayoutService();
    try {
      const queue = Array.from({ length: 60 }, (_, i) => ({ id: `t${i}`, layer: i, role: 'mlp' as const, w: 2 + (i % 3), h: 2 + (i % 4), busBits: 8 }));
      const placed = await packField(queue, 25, 32, 0.8, 0.05, service.layout);
      expect(placed.length).toBeGreaterThan(10);
      expect(queue.length).toBe(60 - placed.length);
      for (const t of placed) {
        expect(t.fx).toBeGreaterThanOrEqual(-1e-9);
        expect(t.fy).toBeGreaterThanOrEqual(-1e-9);
        expect(t.fx + t.w).toBeLessThanOrEqual(25 + 1e-9);
        expect(t.fy + t.h).toBeLessThanOrEqual(32 + 1e-9);
      }
      const asPlan = placed.map((t) => ({ id: t.id, wafer: 0, reticle: 0, x: t.fx, y: t.fy, w: t.w, h: t.h, busBits: 8 }));
      const field = { wafer: 0, id: 0, x: 0, y: 0, w: 25, h: 32, col: 0, row: 0 };
      expect(checkFloorplan(asPlan, [field], 1000, 100).overlaps).toBe(0);
    } finally {
      await service.close();
    }
  });

  it('the checks bite: overlap, outside, off-disc field, stitch overflow and non-adjacent hops', () => {
    const fields = [
      { wafer: 0, id: 0, x: 0, y: 0, w: 10, h: 10, col: 0, row: 0 },
      { wafer: 0, id: 1, x: 10, y: 0, w: 10, h: 10, col: 1, row: 0 },
      { wafer: 0, id: 2, x: 100, y: 100, w: 10, h: 10, col: 9, row: 9 },
    ];
    const tiles = [
      { id: 'a', wafer: 0, reticle: 0, x: 0, y: 0, w: 5, h: 5, busBits: 500 },
      { id: 'b', wafer: 0, reticle: 0, x: 4, y: 4, w: 5, h: 5, busBits: 500 },
      { id: 'c', wafer: 0, reticle: 1, x: 18, y: 0, w: 5, h: 5, busBits: 500 },
      { id: 'd', wafer: 0, reticle: 2, x: 100, y: 100, w: 5, h: 5, busBits: 8 },
    ];
    const r = checkFloorplan(tiles, fields, 100, 10);
    expect(r.overlaps).toBe(1);
    expect(r.outside).toBe(1);
    expect(r.fieldsOutsideDisc).toBe(1);
    expect(r.stitchOverflows).toBe(2); // 500 wires over a 10 mm edge at 10/mm; then a hop to a far field
    expect(r.findings.map((f) => f.type)).toContain('floorplan_stitch_overflow_error');
  });
});

const hasKit = kitAvailable();
describe.runIf(hasKit)('flow:wafer', () => {
  it('floorplans llama-3.1-8b at n5 from the capacity estimate with no overlaps, nothing outside, readable floorplan.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hw-wafer-'));
    const { code, stderr } = await runCli(['wafer', '--model', 'llama-8b', '--out', out, '--no-cache']);
    expect(code, stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(m.quant__coefficients__count).toBe(6_979_321_856);
    expect(m).toMatchObject({ floorplan__overlap__count: 0, floorplan__outside__count: 0, floorplan__field_outside__count: 0, floorplan__wafer__count: 1, floorplan__field__full_per_wafer: 64 });
    // The tiles carry the estimate's silicon: everything but the I/O ring, to rounding.
    expect(m.floorplan__area__tiles_mm2).toBeCloseTo(m.capacity__area__mm2 - m.capacity__area__io__mm2, 0);
    expect(m.floorplan__area__kv_per_layer_mm2).toBeCloseTo(m.capacity__area__kv_sram__mm2 / 32, 2);
    // The bit-level architecture is priced by its production tile's structure, not by block statistics;
    // the embedding table is a lookup (ROM bits) beside the head's logic.
    expect(m.capacity__arch).toBe('bitserial-shared');
    expect(m.capacity__instances__tensors_from_pooled_statistics).toBe(0);
    expect(m.capacity__area__embedding_rom__mm2).toBeGreaterThan(0);
    const plan = JSON.parse(readFileSync(join(out, '05-floorplan-wafer', 'floorplan.json'), 'utf8'));
    expect(plan.units).toBe('mm');
    expect(plan.tiles).toHaveLength(m.floorplan__tile__count);
    expect(Object.keys(plan.tiles[0]).sort()).toEqual(['busBits', 'h', 'id', 'layer', 'reticle', 'role', 'w', 'wafer', 'x', 'y']);
    expect(plan.wafers[0]).toMatchObject({ id: 0, diameter: 300, edgeExclusion: 3 });
    const { readdirSync } = await import('node:fs');
    const images = readdirSync(join(out, 'images'));
    expect(images).toContain('wafer.png');
    expect(images.filter((f) => f.startsWith('field-')).length).toBe(m.floorplan__reticle__count);
    // The review report opens offline in headless Chromium with every image decoded and no console error.
    const { findChromium, openInChromium } = await import('@hardwire/render');
    if (!(await findChromium())) {
      console.log('skip: chromium not installed (bash tools/setup.sh installs it); report not opened');
      return;
    }
    const view = await openInChromium(join(out, 'report.html'), join(out, 'report-screenshot.png'));
    const charts = 4; // block kinds of layer 0 and of the model, floorplan and capacity area by category
    expect(view.imagesTotal).toBe(1 + m.floorplan__reticle__count + charts);
    expect(view.imagesDecoded).toBe(view.imagesTotal);
    expect(view.consoleMessages).toEqual([]);
    expect(view.inkShare).toBeGreaterThan(0.1);
    expect(m.render__report__images).toBe(view.imagesTotal);
  }, 300_000);
});
