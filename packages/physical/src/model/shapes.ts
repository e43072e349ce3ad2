import { boxGap, groupBy, shapeGrid } from '../geometry.ts';
import { routingStatements } from './def.ts';
import type { RoutingLayer, ViaDef } from './lef.ts';

/**
 * The routed shapes of a DEF (pure): every wire and via pad of every net as rectangles in DEF units, the
 * overlaps between nets, and clearance queries the passes share.
 */

export interface NetShape {
  readonly net: string;
  readonly layer: string;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * Every wire and via pad of every net in a routed DEF, in DEF units: NETS wires reach half their width past
 * their end points, SPECIALNETS wires (qrouter's own patches, the power straps, our bridges) end flush, as
 * KLayout's DEF reader draws them.
 */
export function routedShapes(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number): NetShape[] {
  const out: NetShape[] = [];
  for (const s of [...routingStatements(def, 'NETS'), ...routingStatements(def, 'SPECIALNETS')]) {
    const half = (s.widthDbu ?? (layers.get(s.layer)?.widthUm ?? 0) * dbuPerUm) / 2;
    for (let i = 1; i < s.points.length; i++) {
      const a = s.points[i - 1];
      const b = s.points[i];
      const along = s.special ? 0 : half;
      const vertical = a.x === b.x;
      const ex = vertical ? half : along;
      const ey = vertical ? along : half;
      out.push({ net: s.net, layer: s.layer, x0: Math.min(a.x, b.x) - ex, y0: Math.min(a.y, b.y) - ey, x1: Math.max(a.x, b.x) + ex, y1: Math.max(a.y, b.y) + ey });
    }
    for (const p of s.points) {
      for (const pad of (p.via && vias.get(p.via)?.pads) || []) {
        // LEF pads sit on the 0.005 µm grid: whole DEF units (no 25.999… edges in the spacing checks).
        out.push({ net: s.net, layer: pad.layer, ...padBox(pad, p.x, p.y, dbuPerUm) });
      }
    }
  }
  return out;
}

/** A via's LEF pad placed at a point, in whole DEF units (LEF pads sit on the 0.005 µm grid). */

export function padBox(pad: ViaDef['pads'][number], x: number, y: number, dbuPerUm: number): { x0: number; y0: number; x1: number; y1: number } {
  return { x0: x + Math.round(pad.x0Um * dbuPerUm), y0: y + Math.round(pad.y0Um * dbuPerUm), x1: x + Math.round(pad.x1Um * dbuPerUm), y1: y + Math.round(pad.y1Um * dbuPerUm) };
}

/** Euclidean distance between two boxes (0 where they touch or overlap). */

/**
 * Shorts in a routed DEF (pure): pairs of shapes of two different nets on one layer that overlap with positive
 * area (routes, via pads and SPECIALNETS wires, as KLayout draws them). qrouter can leave one: a wire it offsets
 * a few nanometres off its track to reach a pin runs on along the offset through another net's via pad.
 */
export function crossNetOverlaps(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number): { layer: string; a: NetShape; b: NetShape }[] {
  const out: { layer: string; a: NetShape; b: NetShape }[] = [];
  for (const [layer, list] of groupBy(routedShapes(def, vias, layers, dbuPerUm), (s) => s.layer)) {
    const near = shapeGrid(list);
    for (const a of list) {
      for (const b of near(a, 0)) {
        if (b.net <= a.net) continue; // each pair once, and never a net with itself
        if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) out.push({ layer, a, b });
      }
    }
  }
  return out;
}

/**
 * Shorts between routes and the cells' own metal (pure): a routed shape (wire, via pad, patch) overlapping, with
 * positive area, a cell's pin or obstruction rectangle of another net on the same layer. magic's DRC does not
 * see these (the two merge into one shape) and `crossNetOverlaps` compares routes only; LVS does. The ones found
 * so far: a reset net's met1 wire from dfrtp_1's RESET_B pin straight across the flop's internal met1 strip, where
 * the via-jogs pass had collapsed qrouter's met2 hop over the strip (it now sees the cells' metal). `cellShapes`
 * come from `placedCellShapes`; `powerPins` names the net of each power pin (`VPB` → VPWR), whose shapes
 * `placedCellShapes` names `instance/pin`. Each short is reported as { layer, a: the cell's shape, b: the route's }.
 */
export function cellShorts(routed: readonly NetShape[], cellShapes: readonly NetShape[], powerPins: ReadonlyMap<string, string>): { layer: string; a: NetShape; b: NetShape }[] {
  const out: { layer: string; a: NetShape; b: NetShape }[] = [];
  const netOf = (c: NetShape) => powerPins.get(c.net.slice(c.net.lastIndexOf('/') + 1)) ?? c.net;
  for (const [layer, cells] of groupBy(cellShapes, (c) => c.layer)) {
    const routes = routed.filter((r) => r.layer === layer);
    if (routes.length === 0) continue;
    const near = shapeGrid(routes);
    for (const a of cells) {
      const net = netOf(a);
      for (const b of near(a, 0)) {
        if (b.net !== net && a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) out.push({ layer, a: { ...a, net }, b });
      }
    }
  }
  return out;
}

/**
 * Clearance queries over a routed DEF's shapes and `cellShapes` (pure): the box a wire of a layer draws between
 * two points (half its width past each end, as routedShapes draws NETS wires), and how many shapes of other
 * nets come within spacing of a box on its layer.
 */
export function clearance(def: string, vias: ReadonlyMap<string, ViaDef>, layers: ReadonlyMap<string, RoutingLayer>, dbuPerUm: number, cellShapes: readonly NetShape[]) {
  const shapes = [...routedShapes(def, vias, layers, dbuPerUm), ...cellShapes];
  const near = new Map([...groupBy(shapes, (s) => s.layer)].map(([layer, list]) => [layer, shapeGrid(list)]));
  const spacing = (layer: string) => Math.round((layers.get(layer)?.spacingUm ?? 0) * dbuPerUm);
  const wireBox = (layer: string, a: readonly number[], b: readonly number[]) => {
    const h = Math.round(((layers.get(layer)?.widthUm ?? 0) * dbuPerUm) / 2);
    return { layer, x0: Math.min(a[0], b[0]) - h, y0: Math.min(a[1], b[1]) - h, x1: Math.max(a[0], b[0]) + h, y1: Math.max(a[1], b[1]) + h };
  };
  const intruders = (net: string, b: { layer: string; x0: number; y0: number; x1: number; y1: number }) =>
    (near.get(b.layer)?.(b, spacing(b.layer)) ?? []).filter((s) => s.net !== net && boxGap(s, b) < spacing(b.layer)).length;
  return { wireBox, intruders };
}
