/**
 * `Render.Report`: `DIR/report.html` for design reviews (edge). It reads the run folder as it stands when
 * it runs (last in a flow): `run.json`, `metrics.json`, `findings.json`, every stage's `config.json`, the
 * wafer and field images, each tile's layout picture, and draws the charts the data allows (block kinds of
 * layer 0 and of the whole model, floorplan area by category). Every image is inlined, so the file
 * opens offline by itself.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineStage, defineVars, int, writeFileAtomic } from '@hardwire/core';
import { barChartSvg, type Bar } from '../charts.ts';
import { svgToPng } from '../io/toPng.ts';
import { reportHtml, type ReportFinding, type ReportImage, type ReportRule } from '../report.ts';

const ROLE_COLORS: Record<string, string> = { attn: '#60a5fa', mlp: '#1d4ed8', kv: '#f59e0b', embed: '#10b981', head: '#ef4444', norm: '#9ca3af' };

/** Category of a floorplan tile role (`attn.q`, `mlp.down`, `kv`, `embed`, `head`, ...). */
export function roleCategory(role: string): string {
  const r = role.split('.')[0];
  if (r === 'attn' || r === 'mlp' || r === 'embed' || r === 'head' || r === 'kv') return r;
  if (r.startsWith('moe')) return 'mlp';
  return r;
}

export const reportStage = defineStage({
  id: 'Render.Report',
  summary: 'Write DIR/report.html: images (wafer map, fields, tile layouts, charts), checks, metrics with units, settings and the command to reproduce; self-contained.',
  version: '1',
  inputs: [],
  outputs: ['report'],
  publish: { report: 'report.html' },
  cacheable: false,
  readsWholeRun: true,
  vars: defineVars({ chartPx: int({ default: 1200, min: 400, max: 4000, unit: 'px', doc: 'Width of the report charts.' }) }),
  async run(ctx) {
    const runDir = ctx.runDir;
    const readJson = <T>(path: string, fallback: T): T => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : fallback);
    const run = readJson<{ flow: string; command: string; rules?: Record<string, ReportRule>; stageDirs?: string[] }>(join(runDir, 'run.json'), { flow: ctx.flow.name, command: `npx nx run flow:${ctx.flow.name}` });
    const metrics = readJson<Record<string, number | string>>(join(runDir, 'metrics.json'), {});
    const findings = readJson<ReportFinding[]>(join(runDir, 'findings.json'), []);
    const stageDirs = readdirSync(runDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && /^\d\d-/.test(d.name) && !d.name.endsWith('.partial') && (!run.stageDirs || run.stageDirs.includes(d.name)))
      .map((d) => d.name)
      .sort();
    const find = (suffix: string, file: string) => stageDirs.filter((d) => d.endsWith(suffix)).map((d) => join(runDir, d, file)).find((p) => existsSync(p));
    const charts = join(ctx.stageDir, 'charts');
    mkdirSync(charts, { recursive: true });
    const images: ReportImage[] = [];
    const dataUri = (path: string) => `data:image/png;base64,${readFileSync(path).toString('base64')}`;
    const chart = async (name: string, section: string, title: string, caption: string, bars: Bar[], valueLabel: string) => {
      const path = join(charts, `${name}.png`);
      await svgToPng(barChartSvg({ title, bars, valueLabel, widthPx: ctx.config.chartPx, heightPx: Math.round(ctx.config.chartPx / 2), showValues: bars.length <= 24 }), path);
      images.push({ section, title, caption, src: dataUri(path) });
    };
    const model = String(metrics['run__model__id'] ?? '');

    // Wafer map and fields.
    const imagesDir = join(runDir, 'images');
    if (existsSync(imagesDir)) {
      const pngs = readdirSync(imagesDir).filter((f) => f.endsWith('.png')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      for (const f of pngs.filter((p) => p.startsWith('wafer'))) images.push({ section: 'Wafer', title: f.replace('.png', ''), caption: 'tiles coloured by layer and role; dashed ring: edge exclusion; grid: reticle fields', src: dataUri(join(imagesDir, f)) });
      for (const f of pngs.filter((p) => p.startsWith('field-'))) images.push({ section: 'Reticle fields', title: f.replace('.png', ''), caption: 'tiles with ids, stitch crossings on the edges, utilization', src: dataUri(join(imagesDir, f)) });
      if (pngs.includes('schedule.png')) images.push({ section: 'Capacity', title: "One layer's schedule", caption: 'every step of a token through one layer on its unit (lanes, area per layer, cycles), laid out by ELK (layered); the critical path in red (estimate.json schedule)', src: dataUri(join(imagesDir, 'schedule.png')) });
      if (pngs.includes('cycles-by-step.png')) images.push({ section: 'Capacity', title: 'Cycles per token by step', caption: 'the critical path over all layers and the steps around them: where a token\'s time goes', src: dataUri(join(imagesDir, 'cycles-by-step.png')) });
      if (pngs.includes('sensitivity.png')) images.push({ section: 'Capacity', title: 'Which assumption the answer hangs on', caption: 'each assumption of the constants table moved alone to its low and high value: change of the silicon area and of tokens/s (sensitivity.csv)', src: dataUri(join(imagesDir, 'sensitivity.png')) });
      if (pngs.includes('arch.png')) images.push({ section: 'Tile micro-architectures', title: 'Transistors per coefficient against tile size', caption: 'every architecture and tile size of the sweep, synthesized on SKY130 (kit CDL transistor counts) and proven bit-exact; arch.csv and where.csv hold the numbers', src: dataUri(join(imagesDir, 'arch.png')) });
    }
    // Tile layouts.
    const tilesDir = join(runDir, 'tiles');
    if (existsSync(tilesDir)) {
      for (const id of readdirSync(tilesDir).sort()) {
        const png = join(tilesDir, id, 'tile.png');
        if (!existsSync(png)) continue;
        const q = `__tile:${id}`;
        const facts = [
          metrics[`physical__design__instance__count${q}`] !== undefined ? `${metrics[`physical__design__instance__count${q}`]} cells` : '',
          metrics[`finish__design__die__area${q}`] !== undefined ? `die ${Number(metrics[`finish__design__die__area${q}`]).toLocaleString('en-US')} µm²` : '',
          metrics[`route__net__unrouted__count${q}`] !== undefined ? `${metrics[`route__net__unrouted__count${q}`]} of ${metrics[`route__net__count${q}`]} nets unrouted` : '',
          metrics[`drc__error__count${q}`] !== undefined ? `${metrics[`drc__error__count${q}`]} DRC errors` : '',
          metrics[`lvs__mismatch__count${q}`] !== undefined ? (metrics[`lvs__mismatch__count${q}`] === 0 ? 'LVS clean' : `LVS ${metrics[`lvs__mismatch__count${q}`]} mismatches`) : '',
          metrics[`timing__setup__ws${q}`] !== undefined ? `WNS ${metrics[`timing__setup__ws${q}`]} ns` : '',
        ].filter(Boolean);
        images.push({ section: 'Sample tile layouts (SKY130, routed GDS rendered by KLayout)', title: id, caption: facts.join(', '), src: dataUri(png) });
        const zoom = join(tilesDir, id, 'tile-zoom.png');
        if (existsSync(zoom)) images.push({ section: 'Sample tile layouts (SKY130, routed GDS rendered by KLayout)', title: `${id}, middle 40 µm`, caption: 'cells in rows with their rails; met1 and met2 routes', src: dataUri(zoom) });
      }
    }
    // Block kinds.
    const blocksJson = find('-quant-stats', 'blocks.json');
    if (blocksJson) {
      const stats = JSON.parse(readFileSync(blocksJson, 'utf8')) as {
        quant: string;
        block: number;
        overall: { histogram: number[]; kindsUsed: number; blocks: number };
        layers: { layer: number; topKinds: { rank: number; levels: number[]; count: number }[]; kindsUsed: number; blocks: number }[];
      };
      const l0 = stats.layers.find((l) => l.layer === 0) ?? stats.layers[0];
      if (l0) {
        await chart('kinds-layer0', 'Block statistics', `Block kinds, layer ${l0.layer}: the ten most used of ${l0.kindsUsed}`, `${stats.quant}, k = ${stats.block}; bars labelled with the kind's sorted levels; ${l0.blocks.toLocaleString('en-US')} blocks in the layer`, l0.topKinds.map((k) => ({ label: `${k.levels.join(' ')}`, value: k.count })), 'blocks');
      }
      const sorted = stats.overall.histogram.map((count, rank) => ({ rank, count })).filter((k) => k.count > 0).sort((a, b) => b.count - a.count || a.rank - b.rank);
      await chart('kinds-model', 'Block statistics', `Block kinds, whole model: ${stats.overall.kindsUsed} kinds used, by frequency`, `share of the ${stats.overall.blocks.toLocaleString('en-US')} blocks per kind, most used first (kind rank on the axis)`, sorted.map((k) => ({ label: `#${k.rank}`, value: (100 * k.count) / stats.overall.blocks })), 'share of blocks (%)');
    }
    // Area by category.
    const floorplanJson = find('-floorplan-wafer', 'floorplan.json');
    if (floorplanJson) {
      const plan = JSON.parse(readFileSync(floorplanJson, 'utf8')) as { node: string; tiles: { role: string; w: number; h: number }[] };
      const byRole = new Map<string, number>();
      for (const t of plan.tiles) byRole.set(roleCategory(t.role), (byRole.get(roleCategory(t.role)) ?? 0) + t.w * t.h);
      const bars = [...byRole.entries()].sort((a, b) => b[1] - a[1]).map(([role, area]) => ({ label: role, value: Number(area.toFixed(2)), color: ROLE_COLORS[role] }));
      const total = bars.reduce((s, b) => s + b.value, 0);
      await chart('area-by-category', 'Area', `Tile area by category at ${plan.node}: ${total.toFixed(0)} mm² in tiles`, 'attention and MLP matrices, KV-cache SRAM, embeddings, head; from the floorplan', bars, 'area (mm²)');
    }
    // Capacity: the estimate's area by category, the study's chart.
    const estimateJson = find('-capacity-estimate', 'estimate.json');
    if (estimateJson) {
      const e = (JSON.parse(readFileSync(estimateJson, 'utf8')) as { estimate: { model: string; node: string; arch: string; areaMm2: number; areaByCategoryMm2: Record<string, number>; reticles: number; wafers: number } }).estimate;
      const bars = Object.entries(e.areaByCategoryMm2).sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ label: k.replace(/_/g, ' '), value: Number(v.toFixed(2)) }));
      await chart('capacity-area', 'Capacity', `${e.model} at ${e.node}, ${e.arch}: ${e.areaMm2.toFixed(0)} mm², ${e.reticles} reticle field(s), ${e.wafers} wafer(s)`, 'area by category from the calibrated tile model and the constants table (see estimate.json)', bars, 'area (mm²)');
    }
    const assemblyDir = join(runDir, 'assembly');
    if (existsSync(assemblyDir)) {
      for (const f of readdirSync(assemblyDir).filter((p) => /^field-\d+\.png$/.test(p)).sort()) {
        images.push({ section: 'Assembly', title: f.replace('.png', ''), caption: 'tile footprints as placed in the field DEF/GDS; routed tiles at true scale and enlarged', src: dataUri(join(assemblyDir, f)) });
      }
    }
    const studyPng = join(runDir, 'study', 'images', 'study.png');
    if (existsSync(studyPng)) images.push({ section: 'Capacity', title: 'Largest model per wafer', caption: 'per node and architecture at the throughput floor, llama-shaped models interpolated between catalog shapes (study/study.csv)', src: dataUri(studyPng) });
    const studyImages = join(runDir, 'study', 'images');
    if (existsSync(studyImages)) {
      for (const f of readdirSync(studyImages).filter((p) => /^front-.*\.png$/.test(p)).sort()) images.push({ section: 'Capacity', title: `Area against speed, ${f.slice(6, -4)}`, caption: 'every model, architecture and configuration of the study; Taalas HC1 ringed on N6', src: dataUri(join(studyImages, f)) });
    }
    const summary = [
      model ? { label: 'model', value: model } : undefined,
      metrics['run__model__params'] !== undefined ? { label: 'parameters', value: Number(metrics['run__model__params']).toLocaleString('en-US') } : undefined,
      metrics['floorplan__tile__count'] !== undefined ? { label: 'tiles', value: String(metrics['floorplan__tile__count']) } : undefined,
      metrics['floorplan__reticle__count'] !== undefined ? { label: 'reticle fields', value: String(metrics['floorplan__reticle__count']) } : undefined,
      metrics['floorplan__wafer__count'] !== undefined ? { label: 'wafers', value: String(metrics['floorplan__wafer__count']) } : undefined,
      metrics['quant__blocks__kinds_used'] !== undefined ? { label: 'block kinds used', value: `${metrics['quant__blocks__kinds_used']} of ${metrics['quant__blocks__kinds_possible']}` } : undefined,
      metrics['capacity__area__mm2'] !== undefined ? { label: 'silicon (estimate)', value: `${Math.round(Number(metrics['capacity__area__mm2'])).toLocaleString('en-US')} mm²` } : undefined,
      metrics['capacity__calibration__error_pct'] !== undefined ? { label: 'calibration error (held out)', value: `${metrics['capacity__calibration__error_pct']} %` } : undefined,
      metrics['arch__best__transistors_per_coefficient'] !== undefined ? { label: 'fewest transistors per coefficient', value: `${metrics['arch__best__transistors_per_coefficient']} (${metrics['arch__best__arch']}, ${metrics['arch__best__size']})` } : undefined,
    ].filter((s): s is { label: string; value: string } => Boolean(s));
    const settings = stageDirs
      .filter((d) => existsSync(join(runDir, d, 'config.json')))
      .map((d) => ({ stage: d, config: JSON.parse(readFileSync(join(runDir, d, 'config.json'), 'utf8')) as Record<string, unknown> }));
    const answer = estimateJson ? ((JSON.parse(readFileSync(estimateJson, 'utf8')) as { answer?: string[] }).answer ?? []) : [];
    const html = reportHtml({
      answer,
      title: `Hardwire ${run.flow}${model ? `: ${model}` : ''}`,
      flow: run.flow,
      command: run.command,
      summary,
      images,
      metrics,
      findings,
      rules: run.rules ?? (ctx.flow.rules as Record<string, ReportRule>),
      settings,
    });
    await writeFileAtomic(join(ctx.stageDir, 'report.html'), html);
    return { views: { report: 'report.html' }, metrics: { render__report__images: images.length } };
  },
});
