import type { NetShape } from './model/shapes.ts';

/**
 * Rectangle geometry the repair passes share (pure, DEF units): gaps between boxes, a grid index for
 * neighbourhood queries, grouping, coverage, union area, touching groups and the holes a set of rectangles encloses.
 */

export function boxGap(a: { x0: number; y0: number; x1: number; y1: number }, b: { x0: number; y0: number; x1: number; y1: number }): number {
  return Math.hypot(Math.max(0, b.x0 - a.x1, a.x0 - b.x1), Math.max(0, b.y0 - a.y1, a.y0 - b.y1));
}

/** Shapes bucketed on a square grid (DEF units) for neighbourhood queries: every shape within `reach` of a box. */

export function shapeGrid<T extends { x0: number; y0: number; x1: number; y1: number }>(shapes: readonly T[], cell = 400): (box: { x0: number; y0: number; x1: number; y1: number }, reach: number) => T[] {
  const buckets = new Map<string, T[]>();
  for (const s of shapes) {
    for (let i = Math.floor(s.x0 / cell); i <= Math.floor(s.x1 / cell); i++) {
      for (let j = Math.floor(s.y0 / cell); j <= Math.floor(s.y1 / cell); j++) {
        const k = `${i},${j}`;
        const b = buckets.get(k);
        if (b) b.push(s);
        else buckets.set(k, [s]);
      }
    }
  }
  return (box, reach) => {
    const out = new Set<T>();
    for (let i = Math.floor((box.x0 - reach) / cell); i <= Math.floor((box.x1 + reach) / cell); i++) {
      for (let j = Math.floor((box.y0 - reach) / cell); j <= Math.floor((box.y1 + reach) / cell); j++) for (const s of buckets.get(`${i},${j}`) ?? []) out.add(s);
    }
    return [...out];
  };
}

/** Shapes grouped by a key, in their order. */

export function groupBy(shapes: readonly NetShape[], key: (s: NetShape) => string): Map<string, NetShape[]> {
  const out = new Map<string, NetShape[]>();
  for (const s of shapes) {
    const k = key(s);
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push(s);
  }
  return out;
}

export const netLayerKey = (s: { net: string; layer: string }) => `${s.net}\u0000${s.layer}`;

/** Whether the union of `shapes` covers `slot` (their overlaps with it fill its whole area). */

export function covered(slot: { x0: number; y0: number; x1: number; y1: number }, shapes: readonly NetShape[]): boolean {
  const parts: NetShape[] = [];
  for (const r of shapes) {
    const x0 = Math.max(slot.x0, r.x0);
    const y0 = Math.max(slot.y0, r.y0);
    const x1 = Math.min(slot.x1, r.x1);
    const y1 = Math.min(slot.y1, r.y1);
    if (x0 < x1 && y0 < y1) parts.push({ net: r.net, layer: r.layer, x0, y0, x1, y1 });
  }
  return parts.length > 0 && unionArea(parts) >= (slot.x1 - slot.x0) * (slot.y1 - slot.y0);
}

export function unionArea(rects: readonly NetShape[]): number {
  // Exact area of a union of axis-parallel rectangles by coordinate compression (a handful of rectangles).
  const xs = [...new Set(rects.flatMap((r) => [r.x0, r.x1]))].sort((a, b) => a - b);
  const ys = [...new Set(rects.flatMap((r) => [r.y0, r.y1]))].sort((a, b) => a - b);
  let area = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    for (let j = 0; j + 1 < ys.length; j++) {
      const cx = (xs[i] + xs[i + 1]) / 2;
      const cy = (ys[j] + ys[j + 1]) / 2;
      if (rects.some((r) => r.x0 <= cx && cx <= r.x1 && r.y0 <= cy && cy <= r.y1)) area += (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j]);
    }
  }
  return area;
}

export function touchingGroups(shapes: readonly NetShape[]): NetShape[][] {
  const order = [...shapes].sort((a, b) => a.x0 - b.x0 || a.y0 - b.y0);
  const parent = order.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length && order[j].x0 <= order[i].x1; j++) {
      const a = order[i];
      const b = order[j];
      if (b.y0 <= a.y1 && a.y0 <= b.y1) parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, NetShape[]>();
  order.forEach((s, i) => {
    const r = find(i);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(s);
  });
  return [...groups.values()];
}

/** Holes of a union of rectangles: each as the grid cells (on the rectangles' own coordinates) it is made of. */

export function holesOf(rects: readonly NetShape[]): { x0: number; y0: number; x1: number; y1: number }[][] {
  const xs = [...new Set(rects.flatMap((r) => [r.x0, r.x1]))].sort((a, b) => a - b);
  const ys = [...new Set(rects.flatMap((r) => [r.y0, r.y1]))].sort((a, b) => a - b);
  const nx = xs.length - 1;
  const ny = ys.length - 1;
  if (nx < 3 || ny < 3) return [];
  const xi = new Map(xs.map((v, i) => [v, i]));
  const yi = new Map(ys.map((v, i) => [v, i]));
  const full = new Uint8Array(nx * ny);
  for (const r of rects) {
    for (let i = xi.get(r.x0)!; i < xi.get(r.x1)!; i++) for (let j = yi.get(r.y0)!; j < yi.get(r.y1)!; j++) full[i * ny + j] = 1;
  }
  // Empty cells reachable from the border are outside; the rest are holes.
  const seen = new Uint8Array(nx * ny);
  const flood = (start: number): number[] => {
    const cells: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const c = stack.pop()!;
      cells.push(c);
      const i = Math.floor(c / ny);
      const j = c % ny;
      for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const a = i + di;
        const b = j + dj;
        if (a < 0 || b < 0 || a >= nx || b >= ny) continue;
        const k = a * ny + b;
        if (!full[k] && !seen[k]) {
          seen[k] = 1;
          stack.push(k);
        }
      }
    }
    return cells;
  };
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const k = i * ny + j;
      if ((i === 0 || j === 0 || i === nx - 1 || j === ny - 1) && !full[k] && !seen[k]) flood(k);
    }
  }
  const holes: { x0: number; y0: number; x1: number; y1: number }[][] = [];
  for (let k = 0; k < nx * ny; k++) {
    if (full[k] || seen[k]) continue;
    holes.push(flood(k).sort((p, q) => p - q).map((c) => {
      const i = Math.floor(c / ny);
      const j = c % ny;
      return { x0: xs[i], y0: ys[j], x1: xs[i + 1], y1: ys[j + 1] };
    }));
  }
  return holes;
}

/** One routing statement of a NETS chunk: `+ ROUTED`/`NEW`, layer, points, optional via, and the `;` if it ends the net. */
