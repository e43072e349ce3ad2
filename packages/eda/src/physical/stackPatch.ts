import { sectionBody } from './def.ts';
import type { ViaDef } from './viaRepair.ts';

/**
 * Minimum-area patches for via stacks (pure). Where a net goes straight through a layer (a via from below and
 * one from above at the same point, no wire of its own there), qrouter leaves only the two via pads on that
 * layer: on sky130 met3 that is 0.38 × 0.33 µm, about half of met3.6's 0.24 µm². The patch is a wire of the
 * layer's width along its routing direction from the via point, long enough for the area, toward the side
 * where no other net's shape on that layer comes within spacing; with neither side free the stack is left as
 * it is and counted.
 */

export interface RoutingLayer {
  readonly name: string;
  readonly direction: 'HORIZONTAL' | 'VERTICAL';
  readonly widthUm: number;
  readonly spacingUm: number;
  readonly minAreaUm2: number;
}

/** Routing layers of a technology LEF: direction, width, minimum spacing (first SPACINGTABLE width-0 value, else SPACING) and AREA. */
export function lefRoutingLayers(tlef: string): Map<string, RoutingLayer> {
  const out = new Map<string, RoutingLayer>();
  for (const m of tlef.matchAll(/^LAYER (\S+)\s*\n([\s\S]*?)^END \1\s*$/gm)) {
    const body = m[2];
    if (!/^\s*TYPE ROUTING ;/m.test(body)) continue;
    const direction = /^\s*DIRECTION (HORIZONTAL|VERTICAL) ;/m.exec(body)?.[1] as RoutingLayer['direction'] | undefined;
    const width = /^\s*WIDTH\s+([\d.]+)\s*;/m.exec(body);
    const table = /SPACINGTABLE[\s\S]*?WIDTH\s+0(?:\.0+)?\s+([\d.]+)/.exec(body);
    const plain = /^\s*SPACING\s+([\d.]+)\s*;/m.exec(body);
    const area = /^\s*AREA\s+([\d.]+)\s*;/m.exec(body);
    if (!direction || !width) continue;
    out.set(m[1], { name: m[1], direction, widthUm: Number(width[1]), spacingUm: table ? Number(table[1]) : plain ? Number(plain[1]) : 0, minAreaUm2: area ? Number(area[1]) : 0 });
  }
  return out;
}

export interface NetShape {
  readonly net: string;
  readonly layer: string;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

interface Stmt { net: string; layer: string; widthDbu?: number; points: { x: number; y: number; via?: string }[] }

function statements(def: string): Stmt[] {
  const out: Stmt[] = [];
  const body = sectionBody(def, 'NETS').body;
  for (const chunk of body.split(/^- /m).slice(1)) {
    const net = chunk.slice(0, chunk.search(/\s/));
    for (const stmt of chunk.split(/\+ ROUTED |\bNEW /).slice(1)) {
      const head = /^(\S+)(?:\s+(\d+))?\s*\(/.exec(stmt);
      if (!head) continue;
      const s: Stmt = { net, layer: head[1], widthDbu: head[2] ? Number(head[2]) : undefined, points: [] };
      let x = 0;
      let y = 0;
      for (const t of stmt.matchAll(/\(\s*(\S+)\s+(\S+)(?:\s+\S+)?\s*\)|([A-Za-z_]\w*)/g)) {
        if (t[1] !== undefined) {
          if (t[1] !== '*') x = Math.round(Number(t[1]));
          if (t[2] !== '*') y = Math.round(Number(t[2]));
          s.points.push({ x, y });
        } else if (s.points.length > 0 && t[3] !== 'NEW') s.points[s.points.length - 1].via = t[3];
      }
      out.push(s);
    }
  }
  return out;
}

/** Every wire (with its half-width end extension) and via pad of every net in a routed DEF, in DEF units. */
export function routedShapes(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number): NetShape[] {
  const out: NetShape[] = [];
  for (const s of statements(def)) {
    const half = (s.widthDbu ?? (layers.get(s.layer)?.widthUm ?? 0) * dbuPerUm) / 2;
    for (let i = 1; i < s.points.length; i++) {
      const a = s.points[i - 1];
      const b = s.points[i];
      out.push({ net: s.net, layer: s.layer, x0: Math.min(a.x, b.x) - half, y0: Math.min(a.y, b.y) - half, x1: Math.max(a.x, b.x) + half, y1: Math.max(a.y, b.y) + half });
    }
    for (const p of s.points) {
      for (const pad of (p.via && vias.get(p.via)?.pads) || []) {
        out.push({ net: s.net, layer: pad.layer, x0: p.x + pad.x0Um * dbuPerUm, y0: p.y + pad.y0Um * dbuPerUm, x1: p.x + pad.x1Um * dbuPerUm, y1: p.y + pad.y1Um * dbuPerUm });
      }
    }
  }
  return out;
}

function unionArea(rects: readonly NetShape[]): number {
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

export interface StackPatchResult {
  readonly text: string;
  /** Stacks whose shapes on the middle layer were under the layer's minimum area. */
  readonly small: number;
  readonly patched: number;
  /** Small stacks with another net within spacing on both sides. */
  readonly blocked: number;
}

/** Add a minimum-area wire to every via stack whose shapes on the middle layer are too small. */
export function patchStackMinArea(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number): StackPatchResult {
  const shapes = routedShapes(def, vias, layers, dbuPerUm);
  const byNetLayer = new Map<string, NetShape[]>();
  const byLayer = new Map<string, NetShape[]>();
  for (const s of shapes) {
    const k = `${s.net}\u0000${s.layer}`;
    if (!byNetLayer.has(k)) byNetLayer.set(k, []);
    byNetLayer.get(k)!.push(s);
    if (!byLayer.has(s.layer)) byLayer.set(s.layer, []);
    byLayer.get(s.layer)!.push(s);
  }
  // Via points per net: a stack through layer L has a via with L as upper and one with L as lower at one point.
  const points = new Map<string, { net: string; x: number; y: number; below: Set<string>; above: Set<string> }>();
  for (const s of statements(def)) {
    for (const p of s.points) {
      const d = p.via ? vias.get(p.via) : undefined;
      if (!d) continue;
      const k = `${s.net}\u0000${p.x}\u0000${p.y}`;
      const e = points.get(k) ?? { net: s.net, x: p.x, y: p.y, below: new Set<string>(), above: new Set<string>() };
      e.below.add(d.upper); // the via arrives at d.upper from below
      e.above.add(d.lower); // the via leaves d.lower upwards
      points.set(k, e);
    }
  }
  const patches = new Map<string, string[]>();
  let small = 0;
  let patched = 0;
  let blocked = 0;
  for (const e of [...points.values()].sort((a, b) => a.net.localeCompare(b.net) || a.x - b.x || a.y - b.y)) {
    for (const layer of [...e.below].filter((l) => e.above.has(l)).sort()) {
      const info = layers.get(layer);
      if (!info || info.minAreaUm2 === 0) continue;
      // The net's own shapes on the layer touching the point (pads and any wire through it).
      const own = (byNetLayer.get(`${e.net}\u0000${layer}`) ?? []).filter((r) => r.x0 <= e.x && e.x <= r.x1 && r.y0 <= e.y && e.y <= r.y1);
      const needDbu2 = info.minAreaUm2 * dbuPerUm * dbuPerUm;
      if (unionArea(own) >= needDbu2) continue;
      small += 1;
      const w = info.widthUm * dbuPerUm;
      const length = Math.ceil(needDbu2 / w - w); // centre-line length: the wire is w longer with its end extensions
      const horizontal = info.direction === 'HORIZONTAL';
      const spacing = info.spacingUm * dbuPerUm;
      const others = (byLayer.get(layer) ?? []).filter((r) => r.net !== e.net);
      const options = [1, -1].map((sign) => {
        const tx = horizontal ? e.x + sign * length : e.x;
        const ty = horizontal ? e.y : e.y + sign * length;
        const wire = { x0: Math.min(e.x, tx) - w / 2, y0: Math.min(e.y, ty) - w / 2, x1: Math.max(e.x, tx) + w / 2, y1: Math.max(e.y, ty) + w / 2 };
        let gap = Infinity;
        for (const r of others) {
          const dx = Math.max(0, r.x0 - wire.x1, wire.x0 - r.x1);
          const dy = Math.max(0, r.y0 - wire.y1, wire.y0 - r.y1);
          gap = Math.min(gap, Math.hypot(dx, dy));
        }
        return { tx, ty, gap };
      });
      const free = options.filter((o) => o.gap >= spacing).sort((a, b) => b.gap - a.gap);
      if (free.length === 0) {
        blocked += 1;
        continue;
      }
      patched += 1;
      const list = patches.get(e.net) ?? [];
      list.push(`  NEW ${layer} ( ${e.x} ${e.y} ) ( ${free[0].tx} ${free[0].ty} )`);
      patches.set(e.net, list);
    }
  }
  if (patches.size === 0) return { text: def, small, patched, blocked };
  const section = sectionBody(def, 'NETS');
  const body = section.body.split(/^(?=- )/m).map((chunk) => {
    const net = chunk.startsWith('- ') ? chunk.slice(2, 2 + chunk.slice(2).search(/\s/)) : '';
    const add = patches.get(net);
    if (!add) return chunk;
    const end = chunk.lastIndexOf(';');
    return `${chunk.slice(0, end).replace(/\s+$/, '')}\n${add.join('\n')} ;${chunk.slice(end + 1)}`;
  });
  const head = def.slice(section.start, section.start + def.slice(section.start).indexOf('\n') + 1);
  return { text: def.slice(0, section.start) + head + body.join('') + def.slice(section.end - '\nEND NETS'.length + 1), small, patched, blocked };
}
