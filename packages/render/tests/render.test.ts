import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fieldSvg, inkPixels, stitchCrossings, svgToPng, tileColor, waferSvg, type PlanForImages } from '../src/index.ts';

const plan: PlanForImages = {
  wafers: [{ id: 0, diameter: 300, edgeExclusion: 3, reticles: [{ id: 0, x: -26, y: -16.5, w: 26, h: 33, used: true }, { id: 1, x: 0, y: -16.5, w: 26, h: 33, used: true }] }],
  tiles: [
    { id: 'embed.0', wafer: 0, reticle: 0, x: -25, y: -15, w: 10, h: 10, layer: null, role: 'embed', busBits: 4096 },
    { id: 'l0.attention.0', wafer: 0, reticle: 0, x: -14, y: -15, w: 10, h: 10, layer: 0, role: 'attention', busBits: 4096 },
    { id: 'l0.mlp.0', wafer: 0, reticle: 1, x: 1, y: -15, w: 10, h: 10, layer: 0, role: 'mlp', busBits: 4096 },
  ],
};

describe('review images', () => {
  it('text renders with real glyphs on this machine (ink where a label is, none without it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-render-'));
    const svg = (text: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100"><rect width="400" height="100" fill="#fff"/><text x="10" y="60" font-family="DejaVu Sans, sans-serif" font-size="40" fill="#000">${text}</text></svg>`;
    await svgToPng(svg('Hardwire 330'), join(dir, 'label.png'));
    await svgToPng(svg(''), join(dir, 'empty.png'));
    const ink = await inkPixels(join(dir, 'label.png'));
    expect(ink).toBeGreaterThan(800);
    expect(ink).toBeLessThan(400 * 100 * 0.5); // glyphs, not filled boxes
    expect(await inkPixels(join(dir, 'empty.png'))).toBe(0);
  });

  it('the wafer map has the title, one rectangle per tile and field, and a legend', async () => {
    const svg = waferSvg(plan, 0, 'toy model, int3, da, n5', 1000);
    expect(svg).toContain('toy model, int3, da, n5');
    expect(svg.match(/<rect /g)!.length).toBeGreaterThanOrEqual(2 + 3 + 9);
    expect(svg).toContain('attention, layer 0');
    expect(svg).toContain('50 mm');
    const dir = mkdtempSync(join(tmpdir(), 'hw-render-'));
    const png = join(dir, 'wafer.png');
    await svgToPng(svg, png);
    const meta = await sharp(png).metadata();
    expect(meta.height).toBe(1000);
    expect(statSync(png).size).toBeGreaterThan(5000);
    // The title line carries ink; an empty corner of the canvas does not.
    expect(await inkPixels(png, { left: 5, top: 2, width: 300, height: 30 })).toBeGreaterThan(200);
    expect(tileColor('attention', 0, 32)).not.toBe(tileColor('mlp', 0, 32));
  });

  it('field images show tile ids where they fit and the wires crossing each edge', () => {
    expect(stitchCrossings(plan, 0, 0)).toEqual({ left: 0, right: 4096, top: 0, bottom: 0 });
    expect(stitchCrossings(plan, 0, 1)).toEqual({ left: 4096, right: 0, top: 0, bottom: 0 });
    const svg = fieldSvg(plan, 0, 0, 'toy', 800);
    expect(svg).toContain('>embed.0<');
    expect(svg).toContain('4,096 wires');
    expect(svg).toContain('2 tiles, utilization 23.3 %');
  });
});
