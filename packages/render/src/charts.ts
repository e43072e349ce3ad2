/**
 * Charts as SVG (pure): vertical bar charts with a value axis, for the review report (block-kind
 * histograms, area by category, largest model per node). Text uses the same font stack as the wafer map,
 * and labels that would collide are thinned (every n-th shown) so none overlap.
 */

const FONT = 'font-family="DejaVu Sans, Lato, Liberation Sans, Arial, sans-serif"';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly color?: string;
}

export interface BarChartOptions {
  readonly title: string;
  readonly bars: readonly Bar[];
  /** Axis caption, with unit, e.g. "blocks" or "area (mm²)". */
  readonly valueLabel: string;
  readonly widthPx?: number;
  readonly heightPx?: number;
  /** Print each bar's value above it (when bars are wide enough). */
  readonly showValues?: boolean;
  readonly color?: string;
}

/** A "nice" axis step: 1, 2 or 5 times a power of ten, so that about `ticks` ticks cover `max`. */
export function niceStep(max: number, ticks = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Compact number for labels: 1234 -> "1.2 K", 5.6e9 -> "5.6 G", 0.25 -> "0.25". */
export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(a >= 1e10 ? 0 : 1)} G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(a >= 1e7 ? 0 : 1)} M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(a >= 1e5 ? 0 : 1)} K`;
  if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
  return String(Number(v.toPrecision(3)));
}

/** A chart's canvas and plot area (pure): the font size follows the height, the margins are in font sizes. */
function plotFrame(width: number, height: number, fontPerHeight: number, margins: { left: number; right: number; top: number; bottom: number }) {
  const fs = Math.max(11, Math.round(height * fontPerHeight));
  const left = fs * margins.left;
  const right = fs * margins.right;
  const top = fs * margins.top;
  const bottom = fs * margins.bottom;
  return { width, height, fs, left, right, top, bottom, plotW: width - left - right, plotH: height - top - bottom };
}

export function barChartSvg(o: BarChartOptions): string {
  const { width, height, fs, left, top, plotW, plotH } = plotFrame(o.widthPx ?? 1200, o.heightPx ?? 600, 0.026, { left: 5.5, right: 1.5, top: 3.2, bottom: 6.5 });
  const max = Math.max(0, ...o.bars.map((b) => b.value));
  const step = niceStep(max);
  const axisMax = Math.max(step, Math.ceil(max / step) * step);
  const n = Math.max(1, o.bars.length);
  const slot = plotW / n;
  const barW = Math.max(1, slot * 0.8);
  const y = (v: number) => top + plotH - (v / axisMax) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="${(fs * 1.8).toFixed(1)}" ${FONT} font-size="${(fs * 1.25).toFixed(1)}" font-weight="bold" fill="#111827">${esc(o.title)}</text>`,
  ];
  for (let v = 0; v <= axisMax + step * 1e-9; v += step) {
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb" stroke-width="1"/>`);
    out.push(`<text x="${(left - fs * 0.5).toFixed(1)}" y="${(y(v) + fs * 0.35).toFixed(1)}" ${FONT} font-size="${fs}" text-anchor="end" fill="#374151">${esc(compactNumber(v))}</text>`);
  }
  out.push(`<text transform="translate(${(fs * 1.2).toFixed(1)} ${(top + plotH / 2).toFixed(1)}) rotate(-90)" ${FONT} font-size="${fs}" text-anchor="middle" fill="#374151">${esc(o.valueLabel)}</text>`);
  // Labels: rotated when they would not fit side by side; thinned to every k-th when still too dense.
  const longest = Math.max(1, ...o.bars.map((b) => b.label.length));
  const rotate = longest * fs * 0.6 > slot * 0.95;
  const every = rotate ? Math.max(1, Math.ceil((fs * 1.2) / slot)) : 1;
  o.bars.forEach((b, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    const h = (b.value / axisMax) * plotH;
    out.push(`<rect x="${x.toFixed(2)}" y="${(top + plotH - h).toFixed(2)}" width="${barW.toFixed(2)}" height="${Math.max(0, h).toFixed(2)}" fill="${b.color ?? o.color ?? '#2563eb'}"><title>${esc(`${b.label}: ${b.value}`)}</title></rect>`);
    if (o.showValues && barW > fs * 2.2) {
      out.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${(top + plotH - h - fs * 0.3).toFixed(1)}" ${FONT} font-size="${(fs * 0.85).toFixed(1)}" text-anchor="middle" fill="#111827">${esc(compactNumber(b.value))}</text>`);
    }
    if (i % every !== 0) return;
    const cx = x + barW / 2;
    const ly = top + plotH + fs * 1.1;
    out.push(
      rotate
        ? `<text transform="translate(${cx.toFixed(1)} ${ly.toFixed(1)}) rotate(-45)" ${FONT} font-size="${(fs * 0.85).toFixed(1)}" text-anchor="end" fill="#374151">${esc(b.label)}</text>`
        : `<text x="${cx.toFixed(1)}" y="${ly.toFixed(1)}" ${FONT} font-size="${(fs * 0.9).toFixed(1)}" text-anchor="middle" fill="#374151">${esc(b.label)}</text>`,
    );
  });
  out.push(`<line x1="${left}" x2="${left + plotW}" y1="${(top + plotH).toFixed(1)}" y2="${(top + plotH).toFixed(1)}" stroke="#111827" stroke-width="1.5"/>`);
  out.push('</svg>');
  return out.join('\n');
}

export interface LineSeries {
  readonly name: string;
  readonly color: string;
  /** One value per x label; null where the series has no point. */
  readonly values: readonly (number | null)[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabels: readonly string[];
  readonly xLabel: string;
  readonly valueLabel: string;
  readonly series: readonly LineSeries[];
  readonly widthPx?: number;
  readonly heightPx?: number;
  /** Horizontal reference lines (e.g. a target), drawn dashed with their label. */
  readonly references?: readonly { readonly value: number; readonly label: string }[];
  /** Logarithmic value axis (powers of ten and their 2 and 5 multiples as ticks). */
  readonly logScale?: boolean;
}

/** A line chart over categorical x positions (pure SVG): one polyline and labelled points per series, a legend. */
export function lineChartSvg(o: LineChartOptions): string {
  const { width, height, fs, left, right, top, plotW, plotH } = plotFrame(o.widthPx ?? 1200, o.heightPx ?? 600, 0.026, { left: 5.5, right: 14, top: 3.2, bottom: 5 });
  const values = [...o.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v))), ...(o.references ?? []).map((r) => r.value)];
  const max = Math.max(1e-9, ...values);
  const min = Math.min(...values.filter((v) => v > 0), max);
  let y: (v: number) => number;
  const ticks: number[] = [];
  if (o.logScale) {
    // Axis ends on the 1-2-5 values just outside the data.
    const nice: number[] = [];
    for (let p = 10 ** Math.floor(Math.log10(min)); p <= 10 * 10 ** Math.ceil(Math.log10(max)); p *= 10) nice.push(p, 2 * p, 5 * p);
    const lo = [...nice].reverse().find((v) => v <= min * 1.0001) ?? nice[0];
    const hi = nice.find((v) => v >= max * 0.9999) ?? nice[nice.length - 1];
    y = (v) => top + plotH - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1)) * plotH;
    for (const v of nice) if (v >= lo * 0.9999 && v <= hi * 1.0001) ticks.push(v);
  } else {
    const step = niceStep(max);
    const axisMax = Math.max(step, Math.ceil(max / step) * step);
    y = (v) => top + plotH - (v / axisMax) * plotH;
    for (let v = 0; v <= axisMax + step * 1e-9; v += step) ticks.push(v);
  }
  const n = Math.max(1, o.xLabels.length);
  const x = (i: number) => left + (n === 1 ? plotW / 2 : (i / (n - 1)) * plotW * 0.92 + plotW * 0.04);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="${(fs * 1.8).toFixed(1)}" ${FONT} font-size="${(fs * 1.25).toFixed(1)}" font-weight="bold" fill="#111827">${esc(o.title)}</text>`,
  ];
  for (const v of ticks) {
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb" stroke-width="1"/>`);
    out.push(`<text x="${(left - fs * 0.5).toFixed(1)}" y="${(y(v) + fs * 0.35).toFixed(1)}" ${FONT} font-size="${fs}" text-anchor="end" fill="#374151">${esc(compactNumber(v))}</text>`);
  }
  out.push(`<text transform="translate(${(fs * 1.2).toFixed(1)} ${(top + plotH / 2).toFixed(1)}) rotate(-90)" ${FONT} font-size="${fs}" text-anchor="middle" fill="#374151">${esc(o.valueLabel)}</text>`);
  o.xLabels.forEach((label, i) => {
    out.push(`<text x="${x(i).toFixed(1)}" y="${(top + plotH + fs * 1.4).toFixed(1)}" ${FONT} font-size="${(fs * 0.9).toFixed(1)}" text-anchor="middle" fill="#374151">${esc(label)}</text>`);
  });
  out.push(`<text x="${(left + plotW / 2).toFixed(1)}" y="${(top + plotH + fs * 3.2).toFixed(1)}" ${FONT} font-size="${fs}" text-anchor="middle" fill="#374151">${esc(o.xLabel)}</text>`);
  for (const r of o.references ?? []) {
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(r.value).toFixed(1)}" y2="${y(r.value).toFixed(1)}" stroke="#6b7280" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${(left + fs * 0.4).toFixed(1)}" y="${(y(r.value) - fs * 0.35).toFixed(1)}" ${FONT} font-size="${(fs * 0.85).toFixed(1)}" fill="#4b5563">${esc(r.label)}</text>`);
  }
  o.series.forEach((s, k) => {
    const pts = s.values.map((v, i) => (v === null || !Number.isFinite(v) ? null : ([x(i), y(v), v] as const))).filter((p): p is readonly [number, number, number] => p !== null);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="${(fs * 0.22).toFixed(1)}" points="${pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`);
    for (const [px, py, v] of pts) {
      out.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="${(fs * 0.35).toFixed(1)}" fill="${s.color}"><title>${esc(`${s.name}: ${v}`)}</title></circle>`);
      // Value labels right of the point, spread by series so points at one x keep apart.
      const dy = (k - (o.series.length - 1) / 2) * fs * 0.95;
      out.push(`<text x="${(px + fs * 0.6).toFixed(1)}" y="${(py + fs * 0.35 + dy).toFixed(1)}" ${FONT} font-size="${(fs * 0.8).toFixed(1)}" fill="${s.color}">${esc(compactNumber(v))}</text>`);
    }
    const ly = top + fs * (0.5 + 1.6 * k);
    out.push(`<line x1="${(left + plotW + fs).toFixed(1)}" x2="${(left + plotW + fs * 2.6).toFixed(1)}" y1="${ly.toFixed(1)}" y2="${ly.toFixed(1)}" stroke="${s.color}" stroke-width="${(fs * 0.25).toFixed(1)}"/>`);
    out.push(`<text x="${(left + plotW + fs * 3).toFixed(1)}" y="${(ly + fs * 0.35).toFixed(1)}" ${FONT} font-size="${(fs * 0.9).toFixed(1)}" fill="#111827">${esc(s.name)}</text>`);
  });
  out.push(`<line x1="${left}" x2="${left + plotW}" y1="${(top + plotH).toFixed(1)}" y2="${(top + plotH).toFixed(1)}" stroke="#111827" stroke-width="1.5"/>`);
  out.push('</svg>');
  return out.join('\n');
}

export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  readonly color: string;
  /** Shown beside the point. */
  readonly label?: string;
  /** A reference point (drawn as a ring, labelled in bold). */
  readonly reference?: boolean;
}

/** Log-log scatter chart (pure SVG): points by series colour, a legend of series, reference points ringed. */
export function scatterChartSvg(o: { title: string; xLabel: string; yLabel: string; points: readonly ScatterPoint[]; legend: readonly { name: string; color: string }[]; widthPx?: number; heightPx?: number }): string {
  const { width, height, fs, left, top, plotW, plotH } = plotFrame(o.widthPx ?? 1200, o.heightPx ?? 700, 0.022, { left: 6, right: 14, top: 3.2, bottom: 5 });
  const axis = (values: number[]) => {
    const lo = 10 ** Math.floor(Math.log10(Math.max(1e-12, Math.min(...values))));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
    return { lo, hi: hi > lo ? hi : lo * 10 };
  };
  const ax = axis(o.points.map((p) => p.x));
  const ay = axis(o.points.map((p) => p.y));
  const x = (v: number) => left + ((Math.log10(v) - Math.log10(ax.lo)) / (Math.log10(ax.hi) - Math.log10(ax.lo))) * plotW;
  const y = (v: number) => top + plotH - ((Math.log10(v) - Math.log10(ay.lo)) / (Math.log10(ay.hi) - Math.log10(ay.lo))) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="${(fs * 1.8).toFixed(1)}" ${FONT} font-size="${(fs * 1.25).toFixed(1)}" font-weight="bold" fill="#111827">${esc(o.title)}</text>`,
  ];
  for (let v = ax.lo; v <= ax.hi * 1.0001; v *= 10) {
    out.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${top}" y2="${top + plotH}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${x(v).toFixed(1)}" y="${(top + plotH + fs * 1.3).toFixed(1)}" ${FONT} font-size="${fs}" text-anchor="middle" fill="#374151">${esc(compactNumber(v))}</text>`);
  }
  for (let v = ay.lo; v <= ay.hi * 1.0001; v *= 10) {
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${(left - fs * 0.5).toFixed(1)}" y="${(y(v) + fs * 0.35).toFixed(1)}" ${FONT} font-size="${fs}" text-anchor="end" fill="#374151">${esc(compactNumber(v))}</text>`);
  }
  out.push(`<text x="${(left + plotW / 2).toFixed(1)}" y="${(top + plotH + fs * 3).toFixed(1)}" ${FONT} font-size="${fs}" text-anchor="middle" fill="#374151">${esc(o.xLabel)}</text>`);
  out.push(`<text transform="translate(${(fs * 1.4).toFixed(1)} ${(top + plotH / 2).toFixed(1)}) rotate(-90)" ${FONT} font-size="${fs}" text-anchor="middle" fill="#374151">${esc(o.yLabel)}</text>`);
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#111827"/>`);
  for (const p of o.points) {
    const px = x(p.x);
    const py = y(p.y);
    out.push(p.reference ? `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="${(fs * 0.6).toFixed(1)}" fill="none" stroke="${p.color}" stroke-width="${(fs * 0.2).toFixed(1)}"/>` : `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="${(fs * 0.3).toFixed(1)}" fill="${p.color}"><title>${esc(`${p.label ?? ''} ${p.x} ${p.y}`)}</title></circle>`);
    if (p.label) out.push(`<text x="${(px + fs * 0.7).toFixed(1)}" y="${(py + fs * 0.35).toFixed(1)}" ${FONT} font-size="${(fs * (p.reference ? 0.95 : 0.7)).toFixed(1)}"${p.reference ? ' font-weight="bold"' : ''} fill="${p.reference ? '#111827' : p.color}">${esc(p.label)}</text>`);
  }
  o.legend.forEach((l, k) => {
    const ly = top + fs * (0.6 + 1.6 * k);
    out.push(`<circle cx="${(left + plotW + fs * 1.5).toFixed(1)}" cy="${ly.toFixed(1)}" r="${(fs * 0.35).toFixed(1)}" fill="${l.color}"/>`);
    out.push(`<text x="${(left + plotW + fs * 2.4).toFixed(1)}" y="${(ly + fs * 0.35).toFixed(1)}" ${FONT} font-size="${(fs * 0.9).toFixed(1)}" fill="#111827">${esc(l.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

export interface TornadoRow {
  readonly label: string;
  /** Changes (%) of each panel's quantity at the low and at the high value. */
  readonly panels: readonly { readonly low: number; readonly high: number }[];
}

/** Tornado chart (pure SVG): one row per input, one panel per output, bars from 0 to the change at the low (orange) and high (blue) value. */
export function tornadoChartSvg(o: { title: string; panelTitles: readonly string[]; rows: readonly TornadoRow[]; widthPx?: number }): string {
  const width = o.widthPx ?? 1400;
  const fs = 13;
  const rowH = fs * 1.9;
  const labelW = fs * 18;
  const top = fs * 5;
  const height = Math.round(top + rowH * o.rows.length + fs * 3);
  const panels = o.panelTitles.length;
  const panelW = (width - labelW - fs * 2) / panels;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${fs}" y="${(fs * 1.8).toFixed(1)}" ${FONT} font-size="${(fs * 1.3).toFixed(1)}" font-weight="bold" fill="#111827">${esc(o.title)}</text>`,
    `<text x="${fs}" y="${(fs * 3.3).toFixed(1)}" ${FONT} font-size="${fs}" fill="#374151">orange: the assumption at its low value; blue: at its high value</text>`,
  ];
  for (let p = 0; p < panels; p++) {
    const x0 = labelW + p * panelW;
    const max = Math.max(1, ...o.rows.map((r) => Math.max(Math.abs(r.panels[p].low), Math.abs(r.panels[p].high))));
    const scale = (panelW * 0.45) / max;
    const mid = x0 + panelW / 2;
    out.push(`<text x="${mid.toFixed(1)}" y="${(top - fs * 0.8).toFixed(1)}" ${FONT} font-size="${fs}" font-weight="bold" text-anchor="middle" fill="#111827">${esc(o.panelTitles[p])}</text>`);
    out.push(`<line x1="${mid.toFixed(1)}" x2="${mid.toFixed(1)}" y1="${top}" y2="${(top + rowH * o.rows.length).toFixed(1)}" stroke="#111827"/>`);
    o.rows.forEach((r, i) => {
      const y = top + i * rowH + rowH * 0.2;
      for (const [v, color] of [[r.panels[p].low, '#f59e0b'], [r.panels[p].high, '#2563eb']] as const) {
        if (v === 0) continue;
        const w = Math.abs(v) * scale;
        out.push(`<rect x="${(v < 0 ? mid - w : mid).toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${(rowH * 0.6).toFixed(1)}" fill="${color}" opacity="0.85"><title>${esc(`${r.label}: ${v} %`)}</title></rect>`);
        out.push(`<text x="${(v < 0 ? mid - w - fs * 0.3 : mid + w + fs * 0.3).toFixed(1)}" y="${(y + rowH * 0.45).toFixed(1)}" ${FONT} font-size="${(fs * 0.8).toFixed(1)}" text-anchor="${v < 0 ? 'end' : 'start'}" fill="#374151">${esc(`${v > 0 ? '+' : ''}${v.toFixed(0)} %`)}</text>`);
      }
    });
  }
  o.rows.forEach((r, i) => out.push(`<text x="${fs}" y="${(top + i * rowH + rowH * 0.62).toFixed(1)}" ${FONT} font-size="${fs}" fill="#111827">${esc(r.label)}</text>`));
  out.push('</svg>');
  return out.join('\n');
}
