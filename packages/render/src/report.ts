/**
 * The review report as one self-contained HTML file (pure): pictures first, numbers beside them, check
 * results, settings and the command that reproduces the run. Images come in as data URIs, so the file opens
 * offline on any machine; nothing is fetched. A small inline script marks the page `data-images-ok` with
 * the number of images that decoded and reports each broken one on the console.
 */
import { ruleHolds, ruleMatches, type MetricRule } from '@hardwire/core';

export interface ReportImage {
  readonly section: string;
  readonly title: string;
  readonly caption?: string;
  /** `data:image/png;base64,...` (or a relative path beside the report). */
  readonly src: string;
  readonly widthPx?: number;
}

export interface ReportFinding {
  readonly stage?: string;
  readonly type: string;
  readonly severity: string;
  readonly message: string;
}

/** A flow rule as the report shows it (the runner's MetricRule). */
export type ReportRule = MetricRule;

export interface ReportInput {
  readonly title: string;
  readonly flow: string;
  readonly command: string;
  readonly summary?: readonly { label: string; value: string }[];
  /** The run's answer in a few lines (the estimate's), shown first. */
  readonly answer?: readonly string[];
  readonly images: readonly ReportImage[];
  readonly metrics: Readonly<Record<string, number | string>>;
  readonly findings: readonly ReportFinding[];
  readonly rules: Readonly<Record<string, ReportRule>>;
  readonly settings: readonly { stage: string; config: Readonly<Record<string, unknown>> }[];
}

/** The unit a metric's name implies (Hardwire names carry their units). */
export function metricUnit(name: string): string {
  const base = name.split('__').filter((p) => !p.includes(':')).join('__');
  if (/_mm2$|__mm2$/.test(base)) return 'mm²';
  if (/_um2$/.test(base) || /(design__instance__area|die__area)$/.test(base)) return 'µm²';
  if (/_um$/.test(base)) return 'µm';
  if (/(runtime_s|wall_s|_s)$/.test(base)) return 's';
  if (/timing__setup__(ws|tns)$/.test(base)) return 'ns';
  if (/_db$/.test(base)) return 'dB';
  if (/_bits$/.test(base)) return 'bits';
  if (/_pct$/.test(base)) return '%';
  if (/(utilization|share|fraction|rel_rmse)$/.test(base)) return 'ratio';
  if (/(count|tiles|wafers|reticles|params|tensors|kinds_used|kinds_possible|instances|hits|misses)$/.test(base)) return 'count';
  return '';
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function formatValue(v: number | string): string {
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e9) ? v.toExponential(3) : String(Number(v.toPrecision(6)));
}

export interface CheckRow {
  readonly rule: string;
  readonly metric: string;
  readonly value: number | string | undefined;
  readonly pass: boolean | null;
}

/** Every rule of the flow against the metrics: one row per matching metric, or one "absent" row. */
export function checkRows(rules: Readonly<Record<string, ReportRule>>, metrics: Readonly<Record<string, number | string>>): CheckRow[] {
  const rows: CheckRow[] = [];
  for (const [key, rule] of Object.entries(rules)) {
    const names = ruleMatches(metrics, key);
    if (names.length === 0) rows.push({ rule: `${key} ${rule.compare} ${rule.value}`, metric: key, value: undefined, pass: rule.optional ? null : false });
    for (const n of names) {
      const v = metrics[n];
      rows.push({ rule: `${rule.compare} ${rule.value}`, metric: n, value: v, pass: typeof v === 'number' ? ruleHolds(v, rule) : false });
    }
  }
  return rows;
}

export function reportHtml(r: ReportInput): string {
  const checks = checkRows(r.rules, r.metrics);
  const failed = checks.filter((c) => c.pass === false).length;
  const sections = [...new Set(r.images.map((i) => i.section))];
  const groups = new Map<string, string[]>();
  for (const name of Object.keys(r.metrics).sort()) {
    const g = name.split('__')[0];
    groups.set(g, [...(groups.get(g) ?? []), name]);
  }
  const html: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(r.title)}</title>`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<style>',
    'body{font-family:"DejaVu Sans",Lato,"Liberation Sans",Arial,sans-serif;margin:24px auto;max-width:1280px;color:#111827;padding:0 16px}',
    'h1{font-size:26px;margin:0 0 6px}h2{font-size:20px;margin:28px 0 10px;border-bottom:2px solid #e5e7eb;padding-bottom:4px}h3{font-size:15px;margin:14px 0 6px}',
    '.summary{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}.summary div{background:#f3f4f6;border-radius:6px;padding:8px 12px}.summary b{display:block;font-size:18px}',
    'figure{margin:0 0 18px}figure img{max-width:100%;height:auto;border:1px solid #d1d5db;background:#fff}figcaption{font-size:13px;color:#4b5563;margin-top:4px}',
    '.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:16px}',
    'table{border-collapse:collapse;font-size:13px;margin:6px 0 14px}td,th{border:1px solid #e5e7eb;padding:3px 8px;text-align:left;vertical-align:top}td.num{text-align:right;font-variant-numeric:tabular-nums}',
    '.pass{color:#047857;font-weight:bold}.fail{color:#b91c1c;font-weight:bold}.absent{color:#6b7280}',
    'pre{background:#f3f4f6;padding:10px;border-radius:6px;white-space:pre-wrap;word-break:break-all;font-size:13px}',
    'details{margin:4px 0}summary{cursor:pointer}',
    '</style></head>',
    '<body data-images-ok="pending">',
    `<h1>${esc(r.title)}</h1>`,
    `<p>Flow <code>${esc(r.flow)}</code>. Checks: <span class="${failed ? 'fail' : 'pass'}">${failed ? `${failed} failed` : 'all passed'}</span> of ${checks.length}.</p>`,
  ];
  if (r.answer?.length) html.push('<h2>The answer</h2>', `<pre class="answer">${esc(r.answer.join('\n'))}</pre>`);
  if (r.summary?.length) {
    html.push('<div class="summary">', ...r.summary.map((s) => `<div>${esc(s.label)}<b>${esc(s.value)}</b></div>`), '</div>');
  }
  for (const section of sections) {
    html.push(`<h2>${esc(section)}</h2>`, '<div class="grid">');
    for (const img of r.images.filter((i) => i.section === section)) {
      html.push(`<figure><img src="${img.src}" alt="${esc(img.title)}"${img.widthPx ? ` width="${img.widthPx}"` : ''}><figcaption><b>${esc(img.title)}</b>${img.caption ? `. ${esc(img.caption)}` : ''}</figcaption></figure>`);
    }
    html.push('</div>');
  }
  html.push('<h2>Checks</h2>', '<table><tr><th>metric</th><th>rule</th><th>value</th><th>result</th></tr>');
  for (const c of checks) {
    const cls = c.pass === null ? 'absent' : c.pass ? 'pass' : 'fail';
    const word = c.pass === null ? 'absent (optional)' : c.pass ? 'pass' : c.value === undefined ? 'FAIL (absent)' : 'FAIL';
    html.push(`<tr><td><code>${esc(c.metric)}</code></td><td>${esc(c.rule)}</td><td class="num">${c.value === undefined ? '' : esc(formatValue(c.value))}</td><td class="${cls}">${word}</td></tr>`);
  }
  html.push('</table>');
  if (r.findings.length) {
    html.push('<h3>Findings</h3>', '<table><tr><th>stage</th><th>severity</th><th>type</th><th>message</th></tr>');
    for (const f of r.findings) html.push(`<tr><td>${esc(f.stage ?? '')}</td><td class="${f.severity === 'error' ? 'fail' : ''}">${esc(f.severity)}</td><td>${esc(f.type)}</td><td>${esc(f.message)}</td></tr>`);
    html.push('</table>');
  }
  html.push('<h2>Metrics</h2>');
  for (const [g, names] of groups) {
    html.push(`<details${['route', 'drc', 'lvs', 'timing', 'finish', 'floorplan', 'synth', 'capacity', 'study'].includes(g) ? ' open' : ''}><summary><b>${esc(g)}</b> (${names.length})</summary>`, '<table><tr><th>metric</th><th>value</th><th>unit</th></tr>');
    for (const n of names) html.push(`<tr><td><code>${esc(n)}</code></td><td class="num">${esc(formatValue(r.metrics[n]))}</td><td>${esc(metricUnit(n))}</td></tr>`);
    html.push('</table></details>');
  }
  html.push('<h2>Reproduce</h2>', `<pre>${esc(r.command)}</pre>`, '<h3>Settings per stage</h3>');
  for (const s of r.settings) {
    html.push(`<details><summary>${esc(s.stage)}</summary><table>`);
    for (const [k, v] of Object.entries(s.config).sort(([a], [b]) => a.localeCompare(b))) html.push(`<tr><td><code>${esc(k)}</code></td><td>${esc(JSON.stringify(v))}</td></tr>`);
    html.push('</table></details>');
  }
  html.push(
    '<script>',
    "window.addEventListener('load',function(){var ok=0,imgs=document.images;for(var i=0;i<imgs.length;i++){if(imgs[i].complete&&imgs[i].naturalWidth>0){ok++}else{console.error('image did not load: '+imgs[i].alt)}}document.body.setAttribute('data-images-ok',ok+'/'+imgs.length)});",
    '</script>',
    '</body></html>',
    '',
  );
  return html.join('\n');
}
