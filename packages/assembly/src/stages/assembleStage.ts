/**
 * `Assembly.Field`: one reticle field of the floorplan as layout a physical-design team can pick up (edge).
 * Writes `assembly/tiles/<tile-id>.lef` (abstracts), `field-<F>.def` (tiles as fixed macros, stitch pins on
 * the edges), `field-<F>-openroad.tcl`, `field-<F>.gds` (KLayout: routed GDS for hardened tiles, outline boxes
 * with id and estimated area for the rest, never a copy of another tile), `field-<F>.png`, and `wafer.gds`
 * (field outlines in wafer coordinates, this field instanced). Then reads everything back: KLayout on both
 * GDS files, our DEF reader on the DEF.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { defineStage, defineVars, int, num, str, UserError, writeJsonAtomic } from '@hardwire/core';
import {
  KLAYOUT_READBACK,
  chooseYosys,
  findKit,
  writeTileLiberty,
  pdkRootVar,
  synthesizeTile,
  transistorCounts,
} from '@hardwire/eda';
import { SKY130HD, defaultPhysicalOptions, implementTile, parseDef } from '@hardwire/physical';
import type { FieldRect, WaferField } from '@hardwire/floorplan';
import type { Inventory } from '@hardwire/models';
import { weightsFingerprint } from '@hardwire/quant';
import { TILE_ARCHS, tileGenVars, tileVar, writeTileFolders, type TileArch } from '@hardwire/tiles';
import { stitchCrossings, svgToPng, type PlanForImages } from '@hardwire/render';
import { GRID_Y_UM, countOverlaps, fieldAssemblySvg, fieldDef, fieldGdsJob, hardenWindow, macroName, macroSizeUm, openroadFieldTcl, placedOriginUm, tileLef, type AsmTile } from '../abstracts.ts';
import { KLAYOUT_FIELD_GDS, KLAYOUT_WAFER_GDS } from '../scripts.ts';

interface Plan extends PlanForImages {
  model: string;
  node: string;
  arch?: string;
  wafers: Array<PlanForImages['wafers'][number] & { reticles: Array<FieldRect & { used?: boolean }> }>;
  tiles: Array<PlanForImages['tiles'][number]>;
}

export const assembleStage = defineStage({
  id: 'Assembly.Field',
  summary: 'Assemble one reticle field: LEF abstracts, field DEF with the tiles as fixed macros and stitch pins, OpenROAD macro placement, field and wafer GDS (KLayout), optional real routed tiles, read back and checked.',
  version: '1',
  inputs: ['floorplan', 'inventory'],
  outputs: ['assembly'],
  publish: { assembly: 'assembly' },
  vars: defineVars({
    field: int({ default: 0, min: 0, doc: 'Reticle field (id on wafer 1, as in the wafer map) to assemble.' }),
    harden: int({ default: 0, min: 0, max: 64, doc: 'Route the first N logic tiles of the field for real (an ROWSxCOLS window of each tile\'s own weights through the physical flow, minutes each).' }),
    pinPitchUm: num({ default: 10, min: 0.1, unit: 'µm', doc: 'Pin pitch on tile and field edges; a pin stands for a share of the bus when the edge is too short for one pin per bit.' }),
    imagePx: int({ default: 2000, min: 300, max: 8000, unit: 'px', doc: 'Side of the field picture.' }),
    ...tileGenVars,
    tile: tileVar,
    pdkRoot: pdkRootVar,
  }),
  async cacheSalt(config) {
    return { weights: await weightsFingerprint(config.weights), kit: findKit(config.pdkRoot).liberty };
  },
  async run(ctx) {
    const c = ctx.config;
    const plan = JSON.parse(readFileSync(ctx.inputPath('floorplan'), 'utf8')) as Plan;
    const inventory = JSON.parse(readFileSync(ctx.inputPath('inventory'), 'utf8')) as Inventory;
    const wafer = plan.wafers[0];
    const reticle = wafer.reticles.find((r) => r.id === c.field);
    const tilesHere = plan.tiles.filter((t) => t.wafer === wafer.id && t.reticle === c.field);
    if (!reticle || tilesHere.length === 0) {
      const used = wafer.reticles.filter((r) => plan.tiles.some((t) => t.wafer === wafer.id && t.reticle === r.id)).map((r) => r.id);
      throw new UserError(`--field ${c.field}: no tiles in that field of wafer 1 (fields with tiles: ${used.join(', ')})`);
    }
    const rect = reticle as FieldRect;
    const field: WaferField = { wafer: wafer.id, id: rect.id, x: rect.x, y: rect.y, w: rect.w, h: rect.h, col: rect.col, row: rect.row };
    const tiles: AsmTile[] = tilesHere.map((t) => ({ id: t.id, role: t.role, layer: t.layer, x: t.x, y: t.y, w: t.w, h: t.h, busBits: t.busBits ?? 0 }));
    const out = join(ctx.stageDir, 'assembly');
    const work = join(ctx.stageDir, 'work');
    mkdirSync(join(out, 'tiles'), { recursive: true });
    mkdirSync(work, { recursive: true });
    const kit = findKit(c.pdkRoot);
    const metrics: Record<string, number> = {};

    // 1. Abstracts, DEF, OpenROAD script.
    for (const t of tiles) writeFileSync(join(out, 'tiles', `${t.id}.lef`), tileLef(t, { pinPitchUm: c.pinPitchUm, pinLayer: 'met4' }));
    const stitch = stitchCrossings(plan, wafer.id, field.id);
    const design = `field_${field.id}`;
    const defPath = join(out, `field-${field.id}.def`);
    writeFileSync(defPath, fieldDef(field, tiles, stitch, { design, pinPitchUm: c.pinPitchUm, pinLayer: 'met4' }));
    writeFileSync(join(out, `field-${field.id}-openroad.tcl`), openroadFieldTcl(field, tiles, { design, techLef: kit.techLef, defFile: `field-${field.id}.def` }));

    // 2. Hardened tiles: each one's own window, synthesized and taken through the physical flow.
    const hardened = new Map<string, { gds: string; top: string; note: string; summary: string }>();
    // Logic tiles only: KV-cache SRAM and the embedding table (a lookup, ROM bits) are not hardwired logic.
    const candidates = tiles.filter((t) => t.role !== 'kv' && t.role !== 'embed');
    const toHarden = candidates.slice(0, c.harden);
    if (c.harden > candidates.length) ctx.log(`--harden ${c.harden}: the field has ${candidates.length} logic tiles; hardening all of them`);
    if (toHarden.length > 0) {
      const { backend } = await chooseYosys('auto');
      const { cells, libPath } = writeTileLiberty(kit, work);
      ctx.progress.start(toHarden.length, 'tiles', 'harden');
      for (const t of toHarden) {
        const inGroup = plan.tiles.filter((o) => o.layer === t.layer && o.role === t.role).length;
        const window = hardenWindow(t, inGroup, inventory.tensors, c.tile.rows, c.tile.cols);
        if (!window) {
          ctx.log(`${t.id}: no matrix window to harden`);
          ctx.progress.advance(1);
          continue;
        }
        const tileWork = join(work, 'harden', t.id);
        const gen = await writeTileFolders({ c, inventory, tensorName: window.tensor, rows: c.tile.rows, cols: c.tile.cols, row: window.row, col: window.col, archs: [(TILE_ARCHS as readonly string[]).includes(plan.arch ?? '') ? (plan.arch as TileArch) : 'da'], outRoot: tileWork });
        const id = gen.ids[0];
        const dir = join(tileWork, id);
        const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { top: string };
        await synthesizeTile(ctx, { backend, workDir: dir, top: golden.top, libPath, cells, perCell: transistorCounts(readFileSync(kit.cdl, 'utf8')), maxFanout: 12 });
        const phys = await implementTile(ctx, { kit, tech: SKY130HD, cells, libertyPath: libPath, yosys: backend, tile: { id, top: golden.top, netlistJson: join(dir, 'netlist.json'), rtl: join(dir, 'rtl.v') }, work: join(tileWork, 'physical'), outDir: join(out, 'hardened', t.id), options: { ...defaultPhysicalOptions(), imagePx: 800 } });
        const m = phys.metrics;
        for (const k of ['route__net__unrouted__count', 'drc__error__count', 'lvs__mismatch__count']) metrics[`assembly__harden__${k}__tile:${t.id}`] = m[k];
        hardened.set(t.id, { gds: phys.outputs.gds, top: golden.top, summary: join(tileWork, 'physical', 'gds.json'), note: `${id} of ${window.tensor} routed in sky130 (${m['physical__design__instance__count']} cells, ${m['route__net__unrouted__count']} unrouted, ${m['drc__error__count']} DRC, LVS ${m['lvs__mismatch__count'] === 0 ? 'clean' : 'not clean'})` });
        ctx.log(`${t.id}: hardened ${id} (${window.tensor} rows ${window.row}+) -> ${phys.outputs.gds}`);
        ctx.progress.advance(1);
      }
      ctx.progress.finish();
    }

    // 3. Field GDS, picture, wafer GDS.
    const areaLabel = (t: AsmTile) => `${(t.w * t.h).toFixed(2)} mm2 at ${plan.node}, abstract`;
    const job = fieldGdsJob(field, tiles, hardened, { top: design, areaPerTileLabel: areaLabel });
    await writeJsonAtomic(join(work, 'field.json'), job);
    const fieldGds = join(out, `field-${field.id}.gds`);
    writeFileSync(join(work, 'field_gds.py'), KLAYOUT_FIELD_GDS);
    await ctx.exec('klayout', ['-zz', '-r', join(work, 'field_gds.py'), '-rd', `job=${join(work, 'field.json')}`, '-rd', `out=${join(out, 'field.partial.gds')}`], { cwd: work });
    await rename(join(out, 'field.partial.gds'), fieldGds);
    const layouts = new Map<string, { png: string; wUm: number; hUm: number }>();
    for (const [tileId, h] of hardened) {
      const png = join(out, 'hardened', tileId, 'tile.png');
      const bbox = JSON.parse(readFileSync(h.summary, 'utf8')) as { bboxUm: number[] };
      if (existsSync(png)) layouts.set(macroName(tileId), { png: `data:image/png;base64,${readFileSync(png).toString('base64')}`, wUm: bbox.bboxUm[2] - bbox.bboxUm[0], hUm: bbox.bboxUm[3] - bbox.bboxUm[1] });
    }
    await svgToPng(fieldAssemblySvg(job, `${plan.model} at ${plan.node}: field ${field.id}, ${tiles.length} tiles, ${hardened.size} routed for real`, layouts, c.imagePx), join(out, `field-${field.id}.png`));
    const waferJob = {
      top: `wafer_${plan.model.replace(/[^A-Za-z0-9_]/g, '_')}`,
      diameterUm: wafer.diameter * 1000,
      edgeExclusionUm: wafer.edgeExclusion * 1000,
      fields: wafer.reticles
        .filter((r) => plan.tiles.some((t) => t.wafer === wafer.id && t.reticle === r.id))
        .map((r) => ({ cell: `field_outline_${r.id}`, xUm: r.x * 1000, yUm: r.y * 1000, wUm: r.w * 1000, hUm: r.h * 1000, label: `field ${r.id}`, ...(r.id === field.id ? { gds: fieldGds, gdsTop: design } : {}) })),
    };
    await writeJsonAtomic(join(work, 'wafer.json'), waferJob);
    writeFileSync(join(work, 'wafer_gds.py'), KLAYOUT_WAFER_GDS);
    await ctx.exec('klayout', ['-zz', '-r', join(work, 'wafer_gds.py'), '-rd', `job=${join(work, 'wafer.json')}`, '-rd', `out=${join(out, 'wafer.partial.gds')}`], { cwd: work });
    await rename(join(out, 'wafer.partial.gds'), join(out, 'wafer.gds'));

    // 4. Read back: KLayout on both GDS files, our reader on the DEF.
    writeFileSync(join(work, 'readback.py'), KLAYOUT_READBACK);
    const readback = async (gds: string, name: string) => {
      const summary = join(work, `${name}.readback.json`);
      await ctx.exec('klayout', ['-zz', '-r', join(work, 'readback.py'), '-rd', `gds=${gds}`, '-rd', `summary=${summary}`], { cwd: work });
      return JSON.parse(readFileSync(summary, 'utf8')) as { topCells: string[]; top: string; instances: { cell: string; xUm: number; yUm: number; bboxUm: number[] }[] };
    };
    const fieldBack = await readback(fieldGds, 'field');
    const waferBack = await readback(join(out, 'wafer.gds'), 'wafer');
    let maxGdsError = 0;
    let maxDefError = 0;
    let missing = 0;
    for (const t of tiles) {
      const got = fieldBack.instances.find((i) => i.cell === macroName(t.id));
      if (!got) {
        missing += 1;
        continue;
      }
      // Error against the floorplan itself (mm -> µm), not against our snapped position.
      maxGdsError = Math.max(maxGdsError, Math.abs(got.xUm - (t.x - field.x) * 1000), Math.abs(got.yUm - (t.y - field.y) * 1000));
    }
    const def = parseDef(readFileSync(defPath, 'utf8'));
    for (const t of tiles) {
      const comp = def.components.find((k) => k.name === `${macroName(t.id)}_i`);
      if (!comp) {
        missing += 1;
        continue;
      }
      maxDefError = Math.max(maxDefError, Math.abs(comp.xDbu / def.dbuPerUm - (t.x - field.x) * 1000), Math.abs(comp.yDbu / def.dbuPerUm - (t.y - field.y) * 1000));
    }
    const overlaps = countOverlaps(tiles.map((t) => {
      const p = placedOriginUm(t, field);
      const s = macroSizeUm(t);
      return { name: t.id, x0: p.x, y0: p.y, x1: p.x + s.w, y1: p.y + s.h };
    }));
    const gdsOverlaps = countOverlaps(fieldBack.instances.map((i) => {
      const size = macroSizeUm(tiles.find((t) => macroName(t.id) === i.cell) ?? tiles[0]);
      return { name: i.cell, x0: i.xUm, y0: i.yUm, x1: i.xUm + size.w, y1: i.yUm + size.h };
    }));
    Object.assign(metrics, {
      assembly__field__id: field.id,
      assembly__field__tiles__count: tiles.length,
      assembly__field__instance__count: fieldBack.instances.length,
      assembly__field__instance__missing__count: missing,
      assembly__field__hardened__count: hardened.size,
      assembly__field__overlap__count: Math.max(overlaps.overlaps, gdsOverlaps.overlaps),
      assembly__field__area__um2: Math.round(field.w * 1000 * field.h * 1000),
      assembly__field__top_cells__count: fieldBack.topCells.length,
      assembly__field__position_error__max_um: Number(maxGdsError.toFixed(3)),
      assembly__def__position_error__max_um: Number(maxDefError.toFixed(3)),
      assembly__def__components__count: def.components.length,
      assembly__wafer__top_cells__count: waferBack.topCells.length,
      assembly__wafer__field__count: waferBack.instances.length,
      assembly__grid_step_um: GRID_Y_UM,
    });
    await writeJsonAtomic(join(out, 'assembly.json'), { field, stitch, design, tiles: tiles.map((t) => ({ id: t.id, role: t.role, layer: t.layer, originUm: placedOriginUm(t, field), sizeUm: macroSizeUm(t), hardened: hardened.has(t.id) })), metrics });
    ctx.log(`field ${field.id}: ${tiles.length} tiles, ${hardened.size} hardened, ${metrics.assembly__field__overlap__count} overlaps, max position error GDS ${maxGdsError.toFixed(3)} µm, DEF ${maxDefError.toFixed(3)} µm`);
    return { views: { assembly: 'assembly' }, metrics };
  },
});
