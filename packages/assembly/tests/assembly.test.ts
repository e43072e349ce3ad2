import type { WaferField } from '@hardwire/floorplan';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureFile } from '@hardwire/core';
import { KLAYOUT_READBACK, kitAvailable, missingPhysicalTools } from '@hardwire/eda';
import { parseDef } from '@hardwire/physical';
import { runCli } from '@hardwire/flow';
import { inkPixels } from '@hardwire/render';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { countOverlaps, fieldAssemblySvg, fieldDef, fieldGdsJob, hardenWindow, macroName, macroSizeUm, pinPlan, placedOriginUm, tileLef, type AsmTile } from '../src/index.ts';

const field: WaferField = { wafer: 0, id: 3, x: -26.1, y: -16.5, w: 26, h: 33, col: 4, row: 3 };
const tiles: AsmTile[] = [
  { id: 'l0.attention.0', role: 'attention', layer: 0, x: -25.6, y: -16.0, w: 4.8657, h: 4.8657, busBits: 32768 },
  { id: 'l0.kv.0', role: 'kv', layer: 0, x: -20.6, y: -16.0, w: 2.01, h: 2.01, busBits: 32768 },
];

describe('abstracts, field DEF and checks (pure)', () => {
  it('a tile macro fits its footprint on the placement grid, with bus pins on the left and right edges', () => {
    const s = macroSizeUm(tiles[0]);
    expect(s.w).toBeLessThanOrEqual(4865.7);
    expect(s.w).toBeGreaterThan(4865.7 - 0.46);
    expect(Math.abs(s.h / 2.72 - Math.round(s.h / 2.72))).toBeLessThan(1e-6);
    const lef = tileLef(tiles[0], { pinPitchUm: 10, pinLayer: 'met4' });
    const plan = pinPlan(32768, s.h, 10);
    expect(plan.pins).toBe(Math.floor(s.h / 10) - 1);
    expect(plan.pins * plan.bitsPerPin).toBeGreaterThanOrEqual(32768);
    expect((lef.match(/^  PIN in\[/gm) ?? []).length).toBe(plan.pins);
    expect((lef.match(/^  PIN out\[/gm) ?? []).length).toBe(plan.pins);
    expect(lef).toContain(`MACRO ${macroName('l0.attention.0')}`);
    expect(lef).toMatch(/CLASS BLOCK ;[\s\S]*SIZE [\d.]+ BY [\d.]+ ;[\s\S]*OBS[\s\S]*LAYER met4 ;/);
  });

  it('the field DEF parses back to the floorplan positions within one grid step; stitch pins sit on the edges', () => {
    const def = fieldDef(field, tiles, { left: 0, right: 5000, top: 0, bottom: 120 }, { design: 'field_3', pinPitchUm: 10, pinLayer: 'met4' });
    const parsed = parseDef(def);
    expect(parsed.die).toEqual({ x0: 0, y0: 0, x1: 26_000_000, y1: 33_000_000 });
    for (const t of tiles) {
      const c = parsed.components.find((k) => k.name === `${macroName(t.id)}_i`)!;
      expect(Math.abs(c.xDbu / 1000 - (t.x - field.x) * 1000)).toBeLessThanOrEqual(0.46);
      expect(Math.abs(c.yDbu / 1000 - (t.y - field.y) * 1000)).toBeLessThanOrEqual(2.72);
    }
    const right = [...def.matchAll(/^- stitch_right\[\d+\][\s\S]*?FIXED \( (\d+) (\d+) \) W ;/gm)];
    expect(right.length).toBe(pinPlan(5000, 33000, 10).pins);
    for (const m of right) expect(Number(m[1])).toBe(26_000_000);
    expect(def).not.toContain('stitch_left');
  });

  it('overlap counting and the harden window', () => {
    expect(countOverlaps([{ name: 'a', x0: 0, y0: 0, x1: 2, y1: 2 }, { name: 'b', x0: 2, y0: 0, x1: 4, y1: 2 }, { name: 'c', x0: 1, y0: 1, x1: 3, y1: 3 }]).pairs).toEqual([['a', 'c'], ['c', 'b']]);
    const tensors = [
      { name: 'q', role: 'attn.q', layer: 0, shape: [64, 64], params: 4096 },
      { name: 'k', role: 'attn.k', layer: 0, shape: [32, 64], params: 2048 },
      { name: 'up', role: 'mlp.up', layer: 0, shape: [128, 64], params: 8192 },
    ];
    expect(hardenWindow({ id: 'l0.attention.0', role: 'attention', layer: 0 }, 3, tensors, 8, 16)).toEqual({ tensor: 'q', row: 0, col: 0 });
    expect(hardenWindow({ id: 'l0.attention.1', role: 'attention', layer: 0 }, 3, tensors, 8, 16)).toEqual({ tensor: 'q', row: 32, col: 0 });
    expect(hardenWindow({ id: 'l0.attention.2', role: 'attention', layer: 0 }, 3, tensors, 8, 16)).toEqual({ tensor: 'k', row: 0, col: 0 });
    expect(hardenWindow({ id: 'l0.kv.0', role: 'kv', layer: 0 }, 1, tensors, 8, 16)).toBeUndefined();
  });

  it('the field picture draws every footprint and a hardened layout where it belongs', () => {
    const job = fieldGdsJob(field, tiles, new Map([['l0.attention.0', { gds: '/x.gds', top: 't', note: 'routed' }]]), { top: 'field_3', areaPerTileLabel: () => 'abstract' });
    expect(job.instances.map((i) => [i.cell, Boolean(i.gds)])).toEqual([[macroName('l0.attention.0'), true], [macroName('l0.kv.0'), false]]);
    expect(job.instances[0]).toMatchObject(placedOriginUm(tiles[0], field) && { xUm: placedOriginUm(tiles[0], field).x });
    const svg = fieldAssemblySvg(job, 'field 3', new Map([[macroName('l0.attention.0'), { png: 'data:image/png;base64,AAAA', wUm: 280, hUm: 280 }]]), 800);
    expect((svg.match(/<rect /g) ?? []).length).toBe(2 + 2 + 1); // background, field, two tiles, one inset
    expect((svg.match(/<image /g) ?? []).length).toBe(2);
  });
});

const STORIES = fixtureFile('stories260K.bin');
const missing = kitAvailable() ? await missingPhysicalTools() : ['the sky130hd kit'];
if (missing.length) console.log(`skip: assembly flow tests need ${missing.join(', ')} (bash tools/setup.sh installs them)`);

describe.runIf(missing.length === 0 && STORIES)('flow:assemble', () => {
  it('assembles field 0 of stories260K with one tile routed for real; KLayout and our DEF reader agree with the floorplan', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hw-assemble-'));
    const run = await runCli(['assemble', '--model', 'stories-260k', '--weights', STORIES!, '--tile', '4x8', '--field', '0', '--harden', '1', '--out', out, '--no-cache']);
    expect(run.code, run.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, number>;
    expect(m.assembly__field__instance__count).toBe(m.assembly__field__tiles__count);
    expect(m.assembly__field__hardened__count).toBe(1);
    expect(m.assembly__field__overlap__count).toBe(0);
    expect(m.assembly__field__top_cells__count).toBe(1);
    expect(m.assembly__field__position_error__max_um).toBeLessThanOrEqual(2.72);
    expect(m.assembly__def__position_error__max_um).toBeLessThanOrEqual(2.72);
    const dir = join(out, 'assembly');
    for (const f of ['field-0.def', 'field-0.gds', 'field-0.png', 'field-0-openroad.tcl', 'wafer.gds']) expect(existsSync(join(dir, f)), f).toBe(true);
    // Independent read-back of the field GDS: the hardened tile brings real cell layout (diffusion, poly, metal).
    const summary = join(out, 'field.readback.json');
    writeFileSync(join(out, 'readback.py'), KLAYOUT_READBACK);
    await execa('klayout', ['-zz', '-r', join(out, 'readback.py'), '-rd', `gds=${join(dir, 'field-0.gds')}`, '-rd', `summary=${summary}`]);
    const gds = JSON.parse(readFileSync(summary, 'utf8')) as { topCells: string[]; instances: unknown[]; shapesByLayer: Record<string, number> };
    expect(gds.topCells).toEqual(['field_0']);
    expect(gds.instances).toHaveLength(m.assembly__field__tiles__count);
    for (const layer of ['65/20', '66/20', '68/20']) expect(gds.shapesByLayer[layer] ?? 0, layer).toBeGreaterThan(100);
    expect(gds.shapesByLayer['235/4']).toBeGreaterThanOrEqual(m.assembly__field__tiles__count);
    const tcl = readFileSync(join(dir, 'field-0-openroad.tcl'), 'utf8');
    expect((tcl.match(/^place_macro /gm) ?? []).length).toBe(m.assembly__field__tiles__count);
    expect(await inkPixels(join(dir, 'field-0.png'), { left: 0, top: 0, width: 600, height: 60 })).toBeGreaterThan(200);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<b>field-0</b>');
  }, 15 * 60_000);
});
