import { defTracks } from '../model/def.ts';
import { type CellPins, lefLayerRects, lefPinRects, lefRoutingLayers, lefViaCuts, lefVias, type RoutingLayer, type ViaDef } from '../model/lef.ts';
import type { NetShape } from '../model/shapes.ts';
import { placedCellShapes, type TapPairRules } from './pinVias.ts';

/**
 * A post-route repair pass, declared (pure): its id, the router defect it mends (one line), the metrics it
 * emits, and its run over a routed DEF's text. `repairContext` derives once, from the technology and cell
 * LEFs and the routed DEF, what every pass reads (vias, routing layers, cut rules, the cells' own metal as
 * placed, the routing tracks), so no pass parses a LEF itself.
 */

export interface RepairContext {
  readonly dbuPerUm: number;
  readonly cellLef: string;
  readonly vias: ReadonlyMap<string, ViaDef>;
  readonly layers: ReadonlyMap<string, RoutingLayer>;
  /** Cut half-size and cut-to-cut spacing per via (DEF units). */
  readonly cuts: ReadonlyMap<string, { cutLayer: string; halfDbu: number; spacingDbu: number }>;
  /** The li1–met1 via and the met1–met2 via's cut rules, with sky130's where the LEF sets none. */
  readonly mcon: { halfDbu: number; spacingDbu: number };
  readonly via1: { halfDbu: number; spacingDbu: number };
  /** li1–met1 via pad half-sizes (x, y) on li1 and on met1 (DEF units). */
  readonly l1m1Half: { li1: [number, number]; met1: [number, number] };
  /** Cells' pins on li1 (cell coordinates, µm). */
  readonly li1Pins: ReadonlyMap<string, CellPins>;
  /** Cells' pins on met1 (for the same-net slot and hole passes). */
  readonly met1Pins: ReadonlyMap<string, CellPins>;
  /** Every cell rectangle on met1 and li1 as placed (rails, pins, obstructions): the patches never move a cell. */
  readonly cellMet1: readonly NetShape[];
  readonly cellLi1: readonly NetShape[];
  /** The li1–met1 via's pads, cut and spacings, as the pin-via passes read them. */
  readonly tapRules: TapPairRules;
  /** Each routing layer's track origin and pitch from the DEF's TRACKS (DEF units). */
  readonly tracks: ReadonlyMap<string, { startDbu: number; stepDbu: number }>;
  /** Distances in µm as DEF units. */
  dbu(um: number): number;
}

export interface RepairPass {
  /** Short kebab-case name (`via-jogs`). */
  readonly id: string;
  /** The router defect it mends, in one line. */
  readonly mends: string;
  /** The metric names it emits (each run emits all of them). */
  readonly metrics: readonly string[];
  run(def: string, c: RepairContext): { text: string; metrics: Record<string, number> };
}

const METALS = ['li1', 'met1', 'met2', 'met3', 'met4', 'met5'];

/** What every pass reads, derived once from the LEFs and the routed DEF. */
export function repairContext(routed: string, o: { techLef: string; cellLef: string; dbuPerUm: number }): RepairContext {
  const dbu = (um: number) => Math.round(um * o.dbuPerUm);
  const vias = lefVias(o.techLef, METALS);
  const layers = lefRoutingLayers(o.techLef);
  const cuts = lefViaCuts(o.techLef, o.dbuPerUm);
  const cutOf = (via: string, halfUm: number, spacingUm: number) => cuts.get(via) ?? { halfDbu: dbu(halfUm), spacingDbu: dbu(spacingUm) };
  const l1m1 = vias.get('L1M1_PR');
  const half = (layer: string): [number, number] => {
    const pad = l1m1?.pads.find((p) => p.layer === layer);
    return [dbu(pad?.x1Um ?? 0), dbu(pad?.y1Um ?? 0)];
  };
  const tracks = new Map<string, { startDbu: number; stepDbu: number }>();
  const statements = defTracks(routed);
  for (const [name, layer] of layers) {
    const t = statements.find((s) => s.layer === name && s.axis === (layer.direction === 'VERTICAL' ? 'X' : 'Y'));
    if (t) tracks.set(name, { startDbu: Math.round(t.startDbu), stepDbu: t.stepDbu });
  }
  const mcon = cutOf('L1M1_PR', 0.085, 0.19);
  const l1m1Half = { li1: half('li1'), met1: half('met1') };
  return {
    dbuPerUm: o.dbuPerUm,
    cellLef: o.cellLef,
    vias,
    layers,
    cuts,
    mcon,
    via1: cutOf('M1M2_PR', 0.075, 0.17),
    l1m1Half,
    tapRules: {
      via: 'L1M1_PR',
      li1Half: l1m1Half.li1,
      met1Half: l1m1Half.met1,
      cutHalf: mcon.halfDbu,
      li1Spacing: dbu(layers.get('li1')!.spacingUm),
      met1Spacing: dbu(layers.get('met1')!.spacingUm),
      cutSpacing: mcon.spacingDbu,
      met1Width: dbu(layers.get('met1')!.widthUm),
    },
    li1Pins: lefPinRects(o.cellLef, 'li1'),
    met1Pins: lefPinRects(o.cellLef, 'met1'),
    cellMet1: placedCellShapes(routed, lefLayerRects(o.cellLef, 'met1'), 'met1'),
    cellLi1: placedCellShapes(routed, lefLayerRects(o.cellLef, 'li1'), 'li1'),
    tracks,
    dbu,
  };
}

/**
 * Declare a pass from the function that mends the DEF: `counts` maps each metric the pass emits to the field of
 * the function's result that holds it, so a metric's name is written once and the declared list is that map's keys.
 */
export function declarePass<R extends { readonly text: string }>(d: {
  readonly id: string;
  readonly mends: string;
  readonly counts: Readonly<Record<string, Exclude<keyof R, 'text'> & string>>;
  fix: (def: string, c: RepairContext) => R;
}): RepairPass {
  const counts = Object.entries(d.counts);
  return {
    id: d.id,
    mends: d.mends,
    metrics: counts.map(([name]) => name),
    run(def, c) {
      const r = d.fix(def, c);
      return { text: r.text, metrics: Object.fromEntries(counts.map(([name, field]) => [name, r[field] as number])) };
    },
  };
}
