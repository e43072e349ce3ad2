/** Floorplan checks (pure): overlaps, tiles outside their field, fields outside the usable disc, stitch demand. */
import type { Finding } from '@hardwire/core';
import { rectInsideDisc, type WaferField } from './reticleGrid.ts';

export interface PlanTile {
  readonly id: string;
  readonly wafer: number;
  readonly reticle: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly busBits: number;
}

export interface FloorplanCheck {
  overlaps: number;
  outside: number;
  fieldsOutsideDisc: number;
  stitchOverflows: number;
  crossReticleWires: number;
  findings: Finding[];
}

export function checkFloorplan(tiles: readonly PlanTile[], fields: readonly WaferField[], usableRadiusMm: number, stitchWiresPerMm: number): FloorplanCheck {
  const findings: Finding[] = [];
  const eps = 1e-6;
  const fieldOf = new Map(fields.map((f) => [`${f.wafer}|${f.id}`, f]));
  let outside = 0;
  for (const t of tiles) {
    const f = fieldOf.get(`${t.wafer}|${t.reticle}`);
    if (!f || t.x < f.x - eps || t.y < f.y - eps || t.x + t.w > f.x + f.w + eps || t.y + t.h > f.y + f.h + eps) {
      outside++;
      findings.push({ type: 'floorplan_outside_error', severity: 'error', message: `tile ${t.id} is not inside field ${t.reticle} of wafer ${t.wafer}`, tileIds: [t.id] });
    }
  }
  let overlaps = 0;
  const byField = new Map<string, PlanTile[]>();
  for (const t of tiles) {
    const key = `${t.wafer}|${t.reticle}`;
    if (!byField.has(key)) byField.set(key, []);
    byField.get(key)!.push(t);
  }
  for (const group of byField.values()) {
    const sorted = [...group].sort((a, b) => a.x - b.x);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length && sorted[j].x < sorted[i].x + sorted[i].w - eps; j++) {
        const a = sorted[i];
        const b = sorted[j];
        if (a.y < b.y + b.h - eps && b.y < a.y + a.h - eps) {
          overlaps++;
          findings.push({ type: 'floorplan_overlap_error', severity: 'error', message: `tiles ${a.id} and ${b.id} overlap`, tileIds: [a.id, b.id] });
        }
      }
    }
  }
  let fieldsOutsideDisc = 0;
  for (const f of fields) {
    if (!rectInsideDisc(f.x, f.y, f.w, f.h, usableRadiusMm, eps)) {
      fieldsOutsideDisc++;
      findings.push({ type: 'floorplan_field_outside_error', severity: 'error', message: `field ${f.id} of wafer ${f.wafer} leaves the usable disc`, reticle: f.id });
    }
  }
  // Dataflow edges between consecutive tiles in different fields of one wafer cross the shared field edge.
  const demand = new Map<string, number>();
  let crossReticleWires = 0;
  for (let i = 0; i + 1 < tiles.length; i++) {
    const a = tiles[i];
    const b = tiles[i + 1];
    if (a.wafer !== b.wafer || a.reticle === b.reticle) continue;
    crossReticleWires += a.busBits;
    const fa = fieldOf.get(`${a.wafer}|${a.reticle}`)!;
    const fb = fieldOf.get(`${b.wafer}|${b.reticle}`)!;
    const key = `${a.wafer}|${Math.min(fa.id, fb.id)}|${Math.max(fa.id, fb.id)}`;
    demand.set(key, (demand.get(key) ?? 0) + a.busBits);
  }
  let stitchOverflows = 0;
  for (const [key, wires] of demand) {
    const [wafer, ia, ib] = key.split('|').map(Number);
    const fa = fields.find((f) => f.wafer === wafer && f.id === ia)!;
    const fb = fields.find((f) => f.wafer === wafer && f.id === ib)!;
    const adjacent = (fa.row === fb.row && Math.abs(fa.col - fb.col) === 1) || (fa.col === fb.col && Math.abs(fa.row - fb.row) === 1);
    const edgeMm = !adjacent ? 0 : fa.row === fb.row ? Math.min(fa.h, fb.h) : Math.min(fa.w, fb.w);
    const capacity = edgeMm * stitchWiresPerMm;
    if (wires > capacity) {
      stitchOverflows++;
      findings.push({ type: 'floorplan_stitch_overflow_error', severity: 'error', message: `${wires} wires between fields ${ia} and ${ib} of wafer ${wafer} exceed the stitch capacity ${Math.floor(capacity)}${adjacent ? '' : ' (not adjacent)'}`, reticle: ia });
    }
  }
  return { overlaps, outside, fieldsOutsideDisc, stitchOverflows, crossReticleWires, findings };
}
