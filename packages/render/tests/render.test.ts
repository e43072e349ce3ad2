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

describe('charts and the report', () => {
  it('bar charts: a nice axis, one bar per value, labels with ink', async () => {
    const { barChartSvg, niceStep, compactNumber } = await import('../src/index.ts');
    expect([niceStep(7), niceStep(230), niceStep(0.9)]).toEqual([2, 50, 0.2]);
    expect([compactNumber(12_345), compactNumber(5.6e9), compactNumber(0.25), compactNumber(42)]).toEqual(['12.3 K', '5.6 G', '0.25', '42']);
    const svg = barChartSvg({ title: 'Block kinds', bars: [{ label: 'a', value: 3 }, { label: 'b', value: 7 }, { label: 'c', value: 0 }], valueLabel: 'blocks', widthPx: 800, heightPx: 400, showValues: true });
    expect((svg.match(/<rect [^>]*><title>/g) ?? []).length).toBe(3);
    expect(svg).toContain('>8<'); // axis 0, 2, 4, 6, 8
    const png = join(mkdtempSync(join(tmpdir(), 'hw-chart-')), 'c.png');
    await svgToPng(svg, png);
    expect(await inkPixels(png, { left: 0, top: 0, width: 400, height: 40 })).toBeGreaterThan(100); // the title
  });

  it('the report: every image inlined, checks evaluated against the rules, units from names, text escaped', async () => {
    const { reportHtml, metricUnit, checkRows } = await import('../src/index.ts');
    expect(['floorplan__area__tiles_mm2', 'finish__design__die__area__tile:x', 'timing__setup__ws__tile:x', 'run__stage__runtime_s__stage:a', 'quant__error__snr_db', 'route__net__count__tile:x'].map(metricUnit)).toEqual(['mm²', 'µm²', 'ns', 's', 'dB', 'count']);
    const metrics = { 'drc__error__count__tile:a': 3, 'drc__error__count__tile:b': 0, route__net__count: 10 };
    const rows = checkRows({ 'drc__error__count__tile:*': { compare: '==', value: 0 }, lvs__x: { compare: '==', value: 0, optional: true }, need__y: { compare: '>', value: 0 } }, metrics);
    expect(rows.map((r) => [r.metric, r.pass])).toEqual([['drc__error__count__tile:a', false], ['drc__error__count__tile:b', true], ['lvs__x', null], ['need__y', false]]);
    const html = reportHtml({ title: 'T <1>', flow: 'tile', command: 'npx nx run flow:tile -- --model llama-8b', images: [{ section: 'Wafer', title: 'wafer', src: 'data:image/png;base64,AAAA' }], metrics, findings: [{ stage: 'Check.Rules', type: 'metric_rule_error', severity: 'error', message: 'a > b' }], rules: { 'drc__error__count__tile:*': { compare: '==', value: 0 } }, settings: [{ stage: '01-x', config: { model: 'llama-8b' } }] });
    expect(html).toContain('<title>T &lt;1&gt;</title>');
    expect(html).toContain('src="data:image/png;base64,AAAA"');
    expect(html).toContain('1 failed');
    expect(html).toContain('a &gt; b');
    expect(html).not.toMatch(/https?:\/\//); // nothing fetched
  });
});
