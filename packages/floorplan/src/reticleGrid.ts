/**
 * Reticle fields on a wafer (pure). Fields of w x h mm repeat every (w + scribe) x (h + scribe) mm; a
 * field counts when all four corners lie inside the usable disc (wafer radius minus edge exclusion).
 * The grid offset is searched: for each vertical offset on a fine grid, the best horizontal offset is
 * found exactly (the count only changes where a field edge meets a row's chord, so those breakpoints
 * are the only candidates); the best vertical offsets are then refined on a finer grid.
 */

export interface WaferSpec {
  readonly diameterMm: number;
  readonly edgeExclusionMm: number;
}

export interface FieldSpec {
  readonly widthMm: number;
  readonly heightMm: number;
  readonly scribeMm: number;
}

export interface FieldRect {
  readonly id: number;
  /** Lower-left corner, wafer coordinates (origin at the centre), mm. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /** Grid column and row. */
  readonly col: number;
  readonly row: number;
}

/** A field on a given wafer: the one field-rectangle type of the floorplan, its checks, the capacity fill and assembly. */
export interface WaferField extends FieldRect {
  readonly wafer: number;
}

export interface FieldGrid {
  readonly offsetXMm: number;
  readonly offsetYMm: number;
  readonly fields: FieldRect[];
}

/** Fields of one row whose lower edge is at y, for horizontal offset x0. */
function rowCount(y: number, h: number, w: number, pitchX: number, r: number, x0: number): { first: number; last: number } | undefined {
  const yMax = Math.max(Math.abs(y), Math.abs(y + h));
  if (yMax > r) return undefined;
  const c = Math.sqrt(r * r - yMax * yMax);
  // Need x0 + i*pitch >= -c and x0 + i*pitch + w <= c.
  const eps = 1e-9;
  const first = Math.ceil((-c - x0) / pitchX - eps);
  const last = Math.floor((c - w - x0) / pitchX + eps);
  return last >= first ? { first, last } : undefined;
}

function countAt(x0: number, y0: number, f: FieldSpec, r: number): number {
  const px = f.widthMm + f.scribeMm;
  const py = f.heightMm + f.scribeMm;
  let total = 0;
  const jMin = Math.floor((-r - y0) / py) - 1;
  const jMax = Math.ceil((r - y0) / py) + 1;
  for (let j = jMin; j <= jMax; j++) {
    const span = rowCount(y0 + j * py, f.heightMm, f.widthMm, px, r, x0);
    if (span) total += span.last - span.first + 1;
  }
  return total;
}

/** Best horizontal offset in [0, pitch) for a vertical offset: exact over the breakpoints. */
function bestX(y0: number, f: FieldSpec, r: number): { x0: number; count: number } {
  const px = f.widthMm + f.scribeMm;
  const py = f.heightMm + f.scribeMm;
  const candidates = new Set<number>([0]);
  const jMin = Math.floor((-r - y0) / py) - 1;
  const jMax = Math.ceil((r - y0) / py) + 1;
  for (let j = jMin; j <= jMax; j++) {
    const y = y0 + j * py;
    const yMax = Math.max(Math.abs(y), Math.abs(y + f.heightMm));
    if (yMax > r) continue;
    const c = Math.sqrt(r * r - yMax * yMax);
    const mod = (v: number) => ((v % px) + px) % px;
    candidates.add(mod(-c));
    candidates.add(mod(c - f.widthMm));
  }
  let best = { x0: 0, count: -1 };
  for (const x0 of [...candidates].sort((a, b) => a - b)) {
    const count = countAt(x0, y0, f, r);
    if (count > best.count) best = { x0, count };
  }
  return best;
}

/** The grid offset with the most full fields, and those fields (ids row-major from the bottom). */
export function bestFieldGrid(wafer: WaferSpec, field: FieldSpec, stepMm = 0.05): FieldGrid {
  const r = wafer.diameterMm / 2 - wafer.edgeExclusionMm;
  const py = field.heightMm + field.scribeMm;
  let best = { x0: 0, y0: 0, count: -1 };
  const consider = (y0: number) => {
    const b = bestX(y0, field, r);
    if (b.count > best.count || (b.count === best.count && Math.abs(y0) + Math.abs(b.x0) < Math.abs(best.y0) + Math.abs(best.x0))) best = { x0: b.x0, y0, count: b.count };
  };
  for (let y0 = 0; y0 < py; y0 += stepMm) consider(Number(y0.toFixed(6)));
  const coarse = best.y0;
  for (let y0 = coarse - stepMm; y0 <= coarse + stepMm; y0 += stepMm / 50) consider(Number(y0.toFixed(6)));
  return { offsetXMm: best.x0, offsetYMm: best.y0, fields: fieldsAt(best.x0, best.y0, field, r) };
}

/** The full fields of the grid at offset (x0, y0). */
export function fieldsAt(x0: number, y0: number, f: FieldSpec, r: number): FieldRect[] {
  const px = f.widthMm + f.scribeMm;
  const py = f.heightMm + f.scribeMm;
  const fields: FieldRect[] = [];
  const jMin = Math.floor((-r - y0) / py) - 1;
  const jMax = Math.ceil((r - y0) / py) + 1;
  for (let j = jMin; j <= jMax; j++) {
    const span = rowCount(y0 + j * py, f.heightMm, f.widthMm, px, r, x0);
    if (!span) continue;
    for (let i = span.first; i <= span.last; i++) fields.push({ id: fields.length, x: x0 + i * px, y: y0 + j * py, w: f.widthMm, h: f.heightMm, col: i, row: j });
  }
  return fields;
}

/** True when all four corners of the rectangle lie within `radius` of the origin (with tolerance `eps`). */
export function rectInsideDisc(x: number, y: number, w: number, h: number, radius: number, eps = 1e-9): boolean {
  return [[x, y], [x + w, y], [x, y + h], [x + w, y + h]].every(([a, b]) => Math.hypot(a, b) <= radius + eps);
}

/** The textbook dies-per-wafer estimate pi d^2 / (4 S) - pi d / sqrt(2 S) (undercounts reticle-size dies). */
export function textbookDiesPerWafer(diameterMm: number, areaMm2: number): number {
  return (Math.PI * diameterMm * diameterMm) / (4 * areaMm2) - (Math.PI * diameterMm) / Math.sqrt(2 * areaMm2);
}
