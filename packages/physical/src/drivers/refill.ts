/**
 * Step 3, rows refilled (ours; reads and writes files): flops destacked for pin access, rows refilled with well
 * taps and fill (no antenna diodes or decaps), power straps across the rows, routing tracks clipped to the die;
 * writes placed.def (`writePlacement`, again after a placement ECO).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TileRun } from './tileRun.ts';
import { clipTracksToDie, componentLine, type DefComponent, type DefSummary, defTracks, destackFlops, isPhysicalCell, parseDef, powerGrid, refillRows, replaceSection } from '../model/def.ts';
import { lefMacros } from '../model/lef.ts';

/** The placement the later steps work from: qflow's DEF, its summary, the logic cells where they stand and the cells' widths. */
export interface Placement {
  readonly qflowDef: string;
  readonly def: DefSummary;
  /** Logic cells (no taps or fill), after destacking and any placement ECO. */
  logic: readonly DefComponent[];
  readonly widthDbu: (macro: string) => number;
  readonly cellAreaUm2: number;
}

export function refillStep(r: TileRun, cellAreaUm2: number): Placement {
  const { tech, metrics } = r;
  const macros = lefMacros(readFileSync(r.cellLef, 'utf8'));
  const qflowDef = readFileSync(join(r.layoutDir, `${r.tile.top}.def`), 'utf8');
  const def = parseDef(qflowDef);
  const widthDbu = (macro: string) => {
    const m = macros.get(macro);
    if (!m) throw new Error(`${r.cellLef} has no macro ${macro}`);
    return Math.round(m.widthUm * def.dbuPerUm);
  };
  const siteDbu = Math.round(tech.siteUm * def.dbuPerUm);
  const destacked = destackFlops(def.components.filter((c) => !isPhysicalCell(c.macro)), widthDbu, tech.flopRules(siteDbu, def.dbuPerUm));
  metrics['physical__destack__moved__count'] = destacked.moved;
  metrics['physical__destack__stacked_before__count'] = destacked.stackedBefore;
  metrics['physical__destack__stacked_after__count'] = destacked.stackedLeft;
  const placement = { qflowDef, def, logic: destacked.components, widthDbu, cellAreaUm2 };
  writePlacement(r, placement);
  return placement;
}

/** placed.def from the logic cells: rows refilled with taps and fill, power straps, tracks clipped to the die. */
export function writePlacement(r: TileRun, p: Placement): void {
  const { tech, o, metrics } = r;
  const { qflowDef, def, widthDbu, cellAreaUm2 } = p;
  const dbu = (um: number) => Math.round(um * def.dbuPerUm);
  const siteDbu = dbu(tech.siteUm);
  const refill = refillRows(p.logic, widthDbu, { siteDbu, tapSpacingUm: o.tapSpacingUm, dbuPerUm: def.dbuPerUm, tapMacro: tech.cells.tap, fills: tech.cells.fills });
  const strapTracks = defTracks(qflowDef).find((t) => t.axis === 'X' && t.layer === tech.power.strapLayer);
  if (!strapTracks) throw new Error(`qflow DEF has no ${tech.power.strapLayer} TRACKS line`);
  const grid = powerGrid(refill.components, widthDbu, {
    dbuPerUm: def.dbuPerUm,
    rowHeightDbu: dbu(tech.rowHeightUm),
    trackX0Dbu: Math.round(strapTracks.startDbu),
    trackStepDbu: strapTracks.stepDbu,
    strapPitchUm: o.strapPitchUm,
    strapWidthDbu: dbu(tech.power.strapWidthUm),
    powerNet: tech.power.net,
    groundNet: tech.power.ground,
    via: tech.power.strapVia,
  });
  let placed = replaceSection(qflowDef, 'COMPONENTS', refill.components.map(componentLine));
  placed = replaceSection(placed, 'SPECIALNETS', grid.lines, 2);
  const tracks = clipTracksToDie(placed);
  placed = tracks.text;
  metrics['physical__route__tracks_outside_die__count'] = tracks.dropped;
  writeFileSync(join(r.layoutDir, 'placed.def'), placed);
  const dieUm = { w: (def.die.x1 - def.die.x0) / def.dbuPerUm, h: (def.die.y1 - def.die.y0) / def.dbuPerUm };
  metrics['finish__design__die__area'] = Number((dieUm.w * dieUm.h).toFixed(2));
  metrics['finish__design__instance__utilization'] = Number((cellAreaUm2 / (dieUm.w * dieUm.h)).toFixed(4));
  metrics['physical__taps__count'] = refill.taps;
  metrics['physical__taps__worst_span_um'] = Number(refill.worstTapSpanUm.toFixed(2));
  metrics['physical__power__straps__count'] = grid.straps.length;
}
