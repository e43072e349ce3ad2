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

export function barChartSvg(o: BarChartOptions): string {
  const width = o.widthPx ?? 1200;
  const height = o.heightPx ?? 600;
  const fs = Math.max(11, Math.round(height * 0.026));
  const left = fs * 5.5;
  const right = fs * 1.5;
  const top = fs * 3.2;
  const bottom = fs * 6.5;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
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
