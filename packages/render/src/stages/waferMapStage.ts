/** `Render.WaferMap`: one PNG per wafer and per used field, from floorplan.json (edge: sharp). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineStage, defineVars, int } from '@hardwire/core';
import { fieldSvg, waferSvg, type PlanForImages } from '../waferSvg.ts';
import { svgToPng } from '../io/toPng.ts';

export const waferMapStage = defineStage({
  id: 'Render.WaferMap',
  summary: 'Draw the wafer map (outline, notch, edge exclusion, field grid, tiles by layer and role, legend, scale bar) and one image per used field.',
  version: '1',
  inputs: ['floorplan'],
  outputs: ['images'],
  publish: { images: 'images' },
  vars: defineVars({ waferImagePx: int({ default: 2000, min: 400, max: 8000, unit: 'px', doc: 'Height of the wafer map.' }), fieldImagePx: int({ default: 1200, min: 300, max: 6000, unit: 'px', doc: 'Height of each field image.' }) }),
  async run(ctx) {
    const plan = JSON.parse(readFileSync(ctx.inputPath('floorplan'), 'utf8')) as PlanForImages & { model: string; format: string; arch: string; node: string };
    const dir = join(ctx.stageDir, 'images');
    mkdirSync(dir, { recursive: true });
    const caption = `${plan.model}, ${plan.format}, ${plan.arch}, ${plan.node}`;
    let count = 0;
    const used = plan.wafers.flatMap((w) => w.reticles.filter((r) => r.used).map((r) => ({ wafer: w.id, field: r.id })));
    ctx.progress.start(plan.wafers.length + used.length, 'images');
    for (const w of plan.wafers) {
      const svg = waferSvg(plan, w.id, `${caption}: wafer ${w.id + 1} of ${plan.wafers.length}`, ctx.config.waferImagePx);
      const name = w.id === 0 ? 'wafer' : `wafer-${w.id}`;
      writeFileSync(join(dir, `${name}.svg`), svg);
      await svgToPng(svg, join(dir, `${name}.png`));
      count++;
      ctx.progress.advance(1);
    }
    for (const u of used) {
      await svgToPng(fieldSvg(plan, u.wafer, u.field, caption, ctx.config.fieldImagePx), join(dir, `field-${u.wafer}-${u.field}.png`));
      count++;
      ctx.progress.advance(1);
    }
    ctx.progress.finish();
    return { views: { images: 'images' }, metrics: { render__images__count: count } };
  },
});
