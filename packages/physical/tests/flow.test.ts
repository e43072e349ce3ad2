import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureFile } from '@hardwire/core';
import { netRouting, parseDef } from '../src/index.ts';
import { KLAYOUT_READBACK, kitAvailable, missingPhysicalTools, parseDrcReport, parseLvsReport } from '@hardwire/eda';
import { runCli } from '@hardwire/flow';
import { execa } from 'execa';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';

const missing = await missingPhysicalTools();
const STORIES = fixtureFile('stories260K.bin');
const ready = kitAvailable() && missing.length === 0 && Boolean(STORIES);
if (!ready) console.log(`skip: physical flow tests need the kit, stories260K and ${missing.join(', ') || 'the tools'} (bash tools/setup.sh installs them)`);

describe.runIf(ready)('physical flow on a real 4x8 DA tile (stories260K)', () => {
  const out = mkdtempSync(join(tmpdir(), 'hw-physical-'));
  let run: { code: number; stderr: string };
  const metrics = () => JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, number>;

  it('places, routes and checks the tile; every failed check is reported, none is hidden', async () => {
    run = await runCli(['physical', '--model', 'stories-260k', '--weights', STORIES!, '--tile', '4x8', '--tile-archs', 'da', '--crosscheck-vectors', '0', '--image-px', '600', '--out', out, '--no-cache']);
    const m = metrics();
    const id = 'l0.q_proj-r0c0-4x8-da';
    for (const k of ['route__net__count', 'route__net__unrouted__count', 'finish__design__die__area', 'finish__design__instance__utilization', 'drc__error__count', 'lvs__mismatch__count', 'timing__setup__ws']) {
      expect(m[`${k}__tile:${id}`], k).toBeTypeOf('number');
    }
    const failing = ['route__net__unrouted__count', 'drc__error__count', 'lvs__mismatch__count'].filter((k) => m[`${k}__tile:${id}`] !== 0);
    // The run fails exactly when a layout check fails, and says which.
    expect(run.code).toBe(failing.length > 0 ? 1 : 0);
    for (const k of failing) expect(run.stderr).toContain(k);
    expect(m[`physical__gatesim__mismatch__count__tile:${id}`]).toBe(0);
    expect(m[`physical__gatesim__vectors__count__tile:${id}`]).toBe(1000);
    expect(m[`finish__design__instance__utilization__tile:${id}`]).toBeGreaterThan(0.1);
    expect(m[`finish__design__instance__utilization__tile:${id}`]).toBeLessThan(0.6);
  }, 20 * 60_000);

  it('the tile meets the bar: zero unrouted nets, zero DRC error tiles, LVS clean', () => {
    const m = metrics();
    const q = '__tile:l0.q_proj-r0c0-4x8-da';
    expect({ unrouted: m[`route__net__unrouted__count${q}`], drc: m[`drc__error__count${q}`], lvs: m[`lvs__mismatch__count${q}`], match: m[`lvs__match${q}`] }).toEqual({ unrouted: 0, drc: 0, lvs: 0, match: 1 });
    expect(run.code).toBe(0);
  });

  it('the numbers agree with the files: DEF wiring, DRC and LVS reports', () => {
    const dir = join(out, 'tiles', 'l0.q_proj-r0c0-4x8-da');
    const m = metrics();
    const q = '__tile:l0.q_proj-r0c0-4x8-da';
    const def = readFileSync(join(dir, 'tile.def'), 'utf8');
    const routing = netRouting(def);
    expect(routing.nets).toBe(m[`route__net__count${q}`]);
    expect(routing.unrouted.length).toBe(m[`route__net__unrouted__count${q}`]);
    expect(parseDrcReport(readFileSync(join(dir, 'drc.rpt'), 'utf8')).total).toBe(m[`drc__error__count${q}`]);
    expect(parseLvsReport(readFileSync(join(dir, 'lvs.rpt'), 'utf8')).mismatches).toBe(m[`lvs__mismatch__count${q}`]);
    const d = parseDef(def);
    expect(((d.die.x1 - d.die.x0) * (d.die.y1 - d.die.y0)) / d.dbuPerUm ** 2).toBeCloseTo(m[`finish__design__die__area${q}`], 0);
  });

  it('KLayout reads the GDS back: one top cell, every standard cell has layout, the die fits the DEF', async () => {
    const dir = join(out, 'tiles', 'l0.q_proj-r0c0-4x8-da');
    const work = join(out, 'readback');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'readback.py'), KLAYOUT_READBACK);
    await execa('klayout', ['-zz', '-r', join(work, 'readback.py'), '-rd', `gds=${join(dir, 'tile.gds')}`, '-rd', `summary=${join(work, 'gds.json')}`]);
    const gds = JSON.parse(readFileSync(join(work, 'gds.json'), 'utf8')) as { topCells: string[]; top: string; instances: { cell: string }[]; bboxUm: number[]; shapesByLayer: Record<string, number> };
    expect(gds.topCells).toEqual([gds.top]);
    expect(gds.top).toMatch(/^tile_l0_q_proj_r0c0_4x8_da$/);
    const cells = new Set(gds.instances.map((i) => i.cell));
    expect([...cells].some((c) => c.startsWith('sky130_fd_sc_hd__dfrtp_'))).toBe(true);
    expect([...cells].some((c) => c.startsWith('sky130_fd_sc_hd__tapvpwrvgnd_1'))).toBe(true);
    // Real layout: diffusion, poly, li1 and metal shapes under the top (from the kit's cell GDS and the routes).
    for (const layer of ['65/20', '66/20', '67/20', '68/20', '69/20']) expect(gds.shapesByLayer[layer] ?? 0, layer).toBeGreaterThan(100);
    const def = parseDef(readFileSync(join(dir, 'tile.def'), 'utf8'));
    expect(gds.bboxUm[2] - gds.bboxUm[0]).toBeLessThanOrEqual((def.die.x1 - def.die.x0) / def.dbuPerUm + 1);
  });

  it('the review report opens offline in headless Chromium with the tile picture decoded and no console error', async () => {
    const { findChromium, openInChromium } = await import('@hardwire/render');
    if (!(await findChromium())) {
      console.log('skip: chromium not installed (bash tools/setup.sh installs it); report not opened');
      return;
    }
    const view = await openInChromium(join(out, 'report.html'), join(out, 'report-screenshot.png'));
    expect(view.imagesTotal).toBe(2); // the tile and its close-up
    expect(view.imagesDecoded).toBe(2);
    expect(view.consoleMessages).toEqual([]);
    expect(view.inkShare).toBeGreaterThan(0.05);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const k of ['route__net__unrouted__count', 'drc__error__count', 'lvs__mismatch__count']) expect(html).toContain(k);
    expect(html).toContain('npx nx run flow:physical -- --model stories-260k');
  });

  it('the layout picture has ink', async () => {
    const png = join(out, 'tiles', 'l0.q_proj-r0c0-4x8-da', 'tile.png');
    expect(existsSync(png)).toBe(true);
    expect(existsSync(join(out, 'tiles', 'l0.q_proj-r0c0-4x8-da', 'tile-zoom.png'))).toBe(true);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(600);
    let ink = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) ink++;
    expect(ink / (info.width * info.height)).toBeGreaterThan(0.2);
  });
});

describe.runIf(kitAvailable() && Boolean(STORIES))('physical flow, OpenROAD backend', () => {
  it.runIf(!process.env.FLOW_HOME)('without OpenROAD-flow-scripts: a clear error naming what is missing, the ORFS design still written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hw-orfs-'));
    const run = await runCli(['physical', '--model', 'stories-260k', '--weights', STORIES!, '--tile', '4x8', '--tile-archs', 'da', '--crosscheck-vectors', '0', '--backend', 'openroad', '--out', out, '--no-cache']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--backend openroad: OpenROAD-flow-scripts not found \(set FLOW_HOME/);
    const partial = join(out, '05-physical-tiles.partial', 'tiles', 'l0.q_proj-r0c0-4x8-da', 'orfs');
    expect(readFileSync(join(partial, 'config.mk'), 'utf8')).toMatch(/^export DESIGN_NAME = tile_l0_q_proj_r0c0_4x8_da$/m);
    expect(existsSync(join(partial, 'constraint.sdc'))).toBe(true);
  }, 5 * 60_000);
});
