/**
 * Wafer map and field images as SVG (pure). Wafer coordinates are mm with the origin at the centre and
 * y up; SVG y grows down. Tiles are coloured by layer (hue runs over the layers) and role (attention light,
 * MLP dark; embeddings, KV and head fixed colours). Labels are drawn only where they fit, so they never
 * overlap.
 */

export interface PlanForImages {
  readonly wafers: ReadonlyArray<{ id: number; diameter: number; edgeExclusion: number; reticles: ReadonlyArray<{ id: number; x: number; y: number; w: number; h: number; used?: boolean }> }>;
  readonly tiles: ReadonlyArray<{ id: string; wafer: number; reticle: number; x: number; y: number; w: number; h: number; layer: number | null; role: string; busBits?: number }>;
}

/** Wires crossing each edge of a field: dataflow hops between consecutive tiles in different fields of one wafer. */
export function stitchCrossings(plan: PlanForImages, waferId: number, fieldId: number): { left: number; right: number; top: number; bottom: number } {
  const wafer = plan.wafers.find((w) => w.id === waferId)!;
  const here = wafer.reticles.find((r) => r.id === fieldId)!;
  const out = { left: 0, right: 0, top: 0, bottom: 0 };
  for (let i = 0; i + 1 < plan.tiles.length; i++) {
    const a = plan.tiles[i];
    const b = plan.tiles[i + 1];
    if (a.wafer !== waferId || b.wafer !== waferId || a.reticle === b.reticle) continue;
    if (a.reticle !== fieldId && b.reticle !== fieldId) continue;
    const other = wafer.reticles.find((r) => r.id === (a.reticle === fieldId ? b.reticle : a.reticle))!;
    const dx = other.x + other.w / 2 - (here.x + here.w / 2);
    const dy = other.y + other.h / 2 - (here.y + here.h / 2);
    const side = Math.abs(dx) / here.w >= Math.abs(dy) / here.h ? (dx > 0 ? 'right' : 'left') : dy > 0 ? 'top' : 'bottom';
    out[side] += a.busBits ?? 0;
  }
  return out;
}

const ROLE_FIXED: Record<string, string> = { embed: '#6b7280', head: '#111827', kv: '#f59e0b' };
const FONT = "font-family=\"DejaVu Sans, Lato, Liberation Sans, Arial, sans-serif\"";

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Fill colour of a tile. */
export function tileColor(role: string, layer: number | null, layers: number): string {
  if (ROLE_FIXED[role]) return ROLE_FIXED[role];
  const hue = Math.round((300 * (layer ?? 0)) / Math.max(1, layers - 1));
  return role === 'attention' ? `hsl(${hue},70%,68%)` : `hsl(${hue},65%,42%)`;
}

/** Approximate text width (px) for font size `size` (DejaVu Sans averages ~0.6 em per character). */
export function textWidth(text: string, size: number): number {
  return text.length * size * 0.6;
}

/** The wafer map of one wafer. */
export function waferSvg(plan: PlanForImages, waferId: number, title: string, sizePx = 2000): string {
  const wafer = plan.wafers.find((w) => w.id === waferId)!;
  const radius = wafer.diameter / 2;
  const margin = radius * 0.08;
  const legendW = radius * 0.9;
  const span = 2 * (radius + margin);
  const scale = sizePx / span; // px per mm
  const width = Math.round(sizePx + legendW * scale);
  const height = sizePx;
  const X = (x: number) => (x + radius + margin) * scale;
  const Y = (y: number) => (radius + margin - y) * scale;
  const layers = Math.max(1, ...plan.tiles.map((t) => (t.layer ?? 0) + 1));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  // Wafer outline with its notch (at the bottom), and the edge-exclusion ring.
  const notch = 1.5;
  const a = Math.asin(notch / radius);
  const x1 = X(-radius * Math.sin(a));
  const y1 = Y(-radius * Math.cos(a));
  const x2 = X(radius * Math.sin(a));
  out.push(`<path d="M ${x2.toFixed(1)} ${y1.toFixed(1)} A ${(radius * scale).toFixed(1)} ${(radius * scale).toFixed(1)} 0 1 0 ${x1.toFixed(1)} ${y1.toFixed(1)} L ${X(0).toFixed(1)} ${Y(-radius + notch).toFixed(1)} Z" fill="#f3f4f6" stroke="#374151" stroke-width="${Math.max(2, scale * 0.4).toFixed(1)}"/>`);
  out.push(`<circle cx="${X(0).toFixed(1)}" cy="${Y(0).toFixed(1)}" r="${((radius - wafer.edgeExclusion) * scale).toFixed(1)}" fill="none" stroke="#9ca3af" stroke-dasharray="${(scale * 2).toFixed(1)} ${(scale * 2).toFixed(1)}" stroke-width="${Math.max(1, scale * 0.2).toFixed(1)}"/>`);
  for (const f of wafer.reticles) {
    out.push(`<rect x="${X(f.x).toFixed(1)}" y="${Y(f.y + f.h).toFixed(1)}" width="${(f.w * scale).toFixed(1)}" height="${(f.h * scale).toFixed(1)}" fill="${f.used ? '#e5e7eb' : '#ffffff'}" stroke="#6b7280" stroke-width="${Math.max(1, scale * 0.15).toFixed(1)}"/>`);
  }
  for (const t of plan.tiles.filter((t) => t.wafer === waferId)) {
    out.push(`<rect x="${X(t.x).toFixed(2)}" y="${Y(t.y + t.h).toFixed(2)}" width="${(t.w * scale).toFixed(2)}" height="${(t.h * scale).toFixed(2)}" fill="${tileColor(t.role, t.layer, layers)}"/>`);
  }
  // Field ids, sized to the field, and each used field's fill (tile area over field area).
  for (const f of wafer.reticles) {
    const size = Math.min(f.w, f.h) * scale * 0.18;
    out.push(`<text x="${X(f.x + f.w / 2).toFixed(1)}" y="${Y(f.y + f.h / 2).toFixed(1)}" ${FONT} font-size="${size.toFixed(1)}" text-anchor="middle" dominant-baseline="middle" fill="#111827" fill-opacity="0.55">${f.id}</text>`);
    const inField = plan.tiles.filter((t) => t.wafer === waferId && t.reticle === f.id);
    if (inField.length === 0) continue;
    const fill = inField.reduce((s, t) => s + t.w * t.h, 0) / (f.w * f.h);
    out.push(`<text x="${X(f.x + f.w / 2).toFixed(1)}" y="${(Y(f.y + f.h / 2) + size * 0.85).toFixed(1)}" ${FONT} font-size="${(size * 0.5).toFixed(1)}" text-anchor="middle" dominant-baseline="middle" fill="#111827" fill-opacity="0.7">${(fill * 100).toFixed(1)} %</text>`);
  }
  // Title, scale bar, legend.
  const fs = sizePx / 55;
  out.push(`<text x="${(fs * 0.8).toFixed(1)}" y="${(fs * 1.5).toFixed(1)}" ${FONT} font-size="${fs.toFixed(1)}" font-weight="bold" fill="#111827">${esc(title)}</text>`);
  const barMm = 50;
  const bx = fs;
  const by = height - fs * 1.5;
  out.push(`<rect x="${bx}" y="${by.toFixed(1)}" width="${(barMm * scale).toFixed(1)}" height="${(fs * 0.3).toFixed(1)}" fill="#111827"/>`);
  out.push(`<text x="${bx}" y="${(by - fs * 0.4).toFixed(1)}" ${FONT} font-size="${(fs * 0.8).toFixed(1)}" fill="#111827">${barMm} mm</text>`);
  const lx = sizePx + fs * 0.5;
  let ly = fs * 3;
  const swatch = (color: string, label: string) => {
    out.push(`<rect x="${lx.toFixed(1)}" y="${(ly - fs * 0.8).toFixed(1)}" width="${fs.toFixed(1)}" height="${fs.toFixed(1)}" fill="${color}" stroke="#374151"/>`);
    out.push(`<text x="${(lx + fs * 1.5).toFixed(1)}" y="${ly.toFixed(1)}" ${FONT} font-size="${(fs * 0.8).toFixed(1)}" fill="#111827">${esc(label)}</text>`);
    ly += fs * 1.5;
  };
  out.push(`<text x="${lx.toFixed(1)}" y="${(fs * 1.5).toFixed(1)}" ${FONT} font-size="${fs.toFixed(1)}" font-weight="bold" fill="#111827">Legend</text>`);
  swatch(ROLE_FIXED.embed, 'embeddings');
  swatch(tileColor('attention', 0, layers), 'attention, layer 0');
  swatch(tileColor('mlp', 0, layers), 'MLP, layer 0');
  swatch(tileColor('attention', layers - 1, layers), `attention, layer ${layers - 1}`);
  swatch(tileColor('mlp', layers - 1, layers), `MLP, layer ${layers - 1}`);
  swatch(ROLE_FIXED.kv, 'KV-cache SRAM');
  swatch(ROLE_FIXED.head, 'head');
  swatch('#e5e7eb', 'used reticle field');
  swatch('#ffffff', 'free reticle field');
  // Layer hue bar.
  const barW = legendW * scale - fs * 2;
  for (let i = 0; i < 60; i++) out.push(`<rect x="${(lx + (barW * i) / 60).toFixed(1)}" y="${ly.toFixed(1)}" width="${(barW / 60 + 1).toFixed(1)}" height="${fs.toFixed(1)}" fill="hsl(${Math.round((300 * i) / 59)},65%,50%)"/>`);
  out.push(`<text x="${lx.toFixed(1)}" y="${(ly + fs * 2.2).toFixed(1)}" ${FONT} font-size="${(fs * 0.75).toFixed(1)}" fill="#111827">layer 0</text>`);
  out.push(`<text x="${(lx + barW).toFixed(1)}" y="${(ly + fs * 2.2).toFixed(1)}" ${FONT} font-size="${(fs * 0.75).toFixed(1)}" text-anchor="end" fill="#111827">layer ${layers - 1}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** One field with its tiles and their ids (labels only where they fit), and its utilization. */
export function fieldSvg(plan: PlanForImages, waferId: number, fieldId: number, title: string, sizePx = 1200): string {
  const wafer = plan.wafers.find((w) => w.id === waferId)!;
  const field = wafer.reticles.find((r) => r.id === fieldId)!;
  const tiles = plan.tiles.filter((t) => t.wafer === waferId && t.reticle === fieldId);
  const layers = Math.max(1, ...plan.tiles.map((t) => (t.layer ?? 0) + 1));
  const pad = 2;
  const scale = sizePx / (field.h + 2 * pad);
  const width = Math.round((field.w + 2 * pad) * scale);
  const height = sizePx + Math.round(sizePx * 0.08);
  const top = sizePx * 0.08;
  const X = (x: number) => (x - field.x + pad) * scale;
  const Y = (y: number) => top + (field.y + field.h + pad - y) * scale;
  const used = tiles.reduce((s, t) => s + t.w * t.h, 0) / (field.w * field.h);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${(sizePx * 0.015).toFixed(1)}" y="${(sizePx * 0.045).toFixed(1)}" ${FONT} font-size="${Math.min(sizePx * 0.028, (width * 0.95) / (0.6 * (title.length + 48))).toFixed(1)}" font-weight="bold" fill="#111827">${esc(`${title}: field ${fieldId}, ${tiles.length} tiles, utilization ${(used * 100).toFixed(1)} %`)}</text>`,
    `<rect x="${X(field.x).toFixed(1)}" y="${Y(field.y + field.h).toFixed(1)}" width="${(field.w * scale).toFixed(1)}" height="${(field.h * scale).toFixed(1)}" fill="#f9fafb" stroke="#374151" stroke-width="2"/>`,
  ];
  for (const t of tiles) {
    const x = X(t.x);
    const y = Y(t.y + t.h);
    const w = t.w * scale;
    const h = t.h * scale;
    out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${tileColor(t.role, t.layer, layers)}" stroke="#ffffff" stroke-width="1"/>`);
    const size = Math.min(h * 0.3, 18, (w * 0.9) / (0.6 * t.id.length));
    if (size >= 7) out.push(`<text x="${(x + w / 2).toFixed(1)}" y="${(y + h / 2).toFixed(1)}" ${FONT} font-size="${size.toFixed(1)}" text-anchor="middle" dominant-baseline="middle" fill="#111827">${esc(t.id)}</text>`);
  }
  // Stitch crossings: wires over each field edge (dataflow to tiles in neighbouring fields).
  const crossings = stitchCrossings(plan, waferId, fieldId);
  const cs = sizePx * 0.022;
  const label = (n: number) => `${n.toLocaleString('en-US')} wires`;
  if (crossings.bottom) out.push(`<text x="${X(field.x + field.w / 2).toFixed(1)}" y="${(Y(field.y) + cs * 1.4).toFixed(1)}" ${FONT} font-size="${cs.toFixed(1)}" text-anchor="middle" fill="#b91c1c">${label(crossings.bottom)}</text>`);
  if (crossings.top) out.push(`<text x="${X(field.x + field.w / 2).toFixed(1)}" y="${(Y(field.y + field.h) - cs * 0.5).toFixed(1)}" ${FONT} font-size="${cs.toFixed(1)}" text-anchor="middle" fill="#b91c1c">${label(crossings.top)}</text>`);
  if (crossings.left) out.push(`<text transform="translate(${(X(field.x) - cs * 0.5).toFixed(1)} ${Y(field.y + field.h / 2).toFixed(1)}) rotate(-90)" ${FONT} font-size="${cs.toFixed(1)}" text-anchor="middle" fill="#b91c1c">${label(crossings.left)}</text>`);
  if (crossings.right) out.push(`<text transform="translate(${(X(field.x + field.w) + cs * 1.2).toFixed(1)} ${Y(field.y + field.h / 2).toFixed(1)}) rotate(90)" ${FONT} font-size="${cs.toFixed(1)}" text-anchor="middle" fill="#b91c1c">${label(crossings.right)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}
