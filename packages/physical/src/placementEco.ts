/**
 * Placement ECO for pin access (pure): where a tile still fails after its repair rounds and DRC re-routes (a net
 * qrouter cannot reach, an li1 error at a pin, a via pad one track from a pin tap whose site is already blocked),
 * the failure sits at a pin that qrouter reaches the same way in every route, because the cell stands where it
 * stands. The cells at the failures move instead of the wires: each one slides a few sites along its row into
 * the free sites beside it (new neighbours, new routes past it) or is mirrored in place (its pins on the other
 * side of the tracks), wherever the move keeps the pin-access rules `destackFlops` placed the cells by. The
 * driver re-routes the new placement and keeps it only when it is better.
 */
import type { DefComponent, PinAccessRules } from './model/def.ts';

/** A rectangle in DEF units. */
export interface BoxDbu {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Cells whose outline (width × row height) comes within `marginDbu` of any box, names sorted. */
export function cellsAtBoxes(components: readonly DefComponent[], widthDbu: (macro: string) => number, rowHeightDbu: number, boxes: readonly BoxDbu[], marginDbu: number): string[] {
  const hit = new Set<string>();
  for (const c of components) {
    const x1 = c.xDbu + widthDbu(c.macro);
    const y1 = c.yDbu + rowHeightDbu;
    if (boxes.some((b) => b.x0 - marginDbu < x1 && b.x1 + marginDbu > c.xDbu && b.y0 - marginDbu < y1 && b.y1 + marginDbu > c.yDbu)) hit.add(c.name);
  }
  return [...hit].sort();
}

/** One cell moved: where it was and where it went. */
export interface EcoMove {
  readonly name: string;
  readonly fromXDbu: number;
  readonly toXDbu: number;
  readonly fromOrient: string;
  readonly toOrient: string;
}

export interface EcoResult {
  /** Every component given, the moved ones at their new place, in the input order. */
  readonly components: DefComponent[];
  readonly moves: EcoMove[];
  /** Cells asked for that had no legal move. */
  readonly stuck: string[];
}

/** The orientation mirrored about the cell's vertical axis (N ↔ FN, S ↔ FS): same footprint, pins on the other side. */
export function mirrored(orient: string): string {
  return ({ N: 'FN', FN: 'N', S: 'FS', FS: 'S' } as Record<string, string>)[orient] ?? orient;
}

/**
 * The moves tried for attempt `attempt` (1, 2, …), nearest first: odd attempts slide (1 to `maxSites` sites,
 * right first on attempts 1, 5, …, left first on 3, 7, …), even attempts mirror (in place, then mirrored and slid).
 */
export function ecoCandidates(attempt: number, maxSites: number): { sites: number; mirror: boolean }[] {
  const out: { sites: number; mirror: boolean }[] = [];
  const mirror = attempt % 2 === 0;
  const rightFirst = attempt % 4 !== 3;
  if (mirror) out.push({ sites: 0, mirror });
  for (let s = 1; s <= maxSites; s++) {
    const pair = rightFirst ? [s, -s] : [-s, s];
    for (const sites of pair) out.push({ sites, mirror });
  }
  return out;
}

/**
 * Move each named cell (names in sorted order, each seeing the moves before it) to the first of
 * `ecoCandidates(attempt, maxSites)` that is legal: inside the placement's x extent, overlapping no other cell
 * of its row, and keeping the pin-access rules against the rows above and below (no flop, widened by the
 * halo, over a flop; no cell over a flop's D-pin window; a flop's own window free).
 */
export function ecoMoves(components: readonly DefComponent[], widthDbu: (macro: string) => number, cells: readonly string[], rules: PinAccessRules, attempt: number, maxSites = 4): EcoResult {
  const state = components.map((c) => ({ ...c }));
  const byName = new Map(state.map((c, i) => [c.name, i]));
  let x0 = Infinity;
  let x1 = -Infinity;
  const rows = new Map<number, number[]>();
  for (const [i, c] of state.entries()) {
    x0 = Math.min(x0, c.xDbu);
    x1 = Math.max(x1, c.xDbu + widthDbu(c.macro));
    const row = rows.get(c.yDbu);
    if (row) row.push(i);
    else rows.set(c.yDbu, [i]);
  }
  const ys = [...rows.keys()].sort((a, b) => a - b);
  let rowHeight = Infinity;
  for (let i = 1; i < ys.length; i++) rowHeight = Math.min(rowHeight, ys[i] - ys[i - 1]);
  const overlaps = (a: number, b: number, s: number, e: number) => a < e && b > s;
  const legal = (i: number, x: number, orient: string): boolean => {
    const c = state[i];
    const w = widthDbu(c.macro);
    if (x < x0 || x + w > x1) return false;
    for (const j of rows.get(c.yDbu)!) if (j !== i && overlaps(x, x + w, state[j].xDbu, state[j].xDbu + widthDbu(state[j].macro))) return false;
    const flop = rules.isFlop(c.macro);
    const [pa, pb] = flop ? rules.pinWindow({ ...c, xDbu: x, orient }, w) : [0, 0];
    for (const y of [c.yDbu - rowHeight, c.yDbu + rowHeight]) {
      for (const j of rows.get(y) ?? []) {
        const o = state[j];
        const ow = widthDbu(o.macro);
        if (rules.isFlop(o.macro)) {
          const [wa, wb] = rules.pinWindow(o, ow);
          if (overlaps(x, x + w, wa, wb)) return false;
          if (flop && overlaps(x - rules.haloDbu, x + w + rules.haloDbu, o.xDbu, o.xDbu + ow)) return false;
        }
        if (flop && overlaps(pa, pb, o.xDbu, o.xDbu + ow)) return false;
      }
    }
    return true;
  };
  const moves: EcoMove[] = [];
  const stuck: string[] = [];
  for (const name of [...new Set(cells)].sort()) {
    const i = byName.get(name);
    if (i === undefined) continue;
    const c = state[i];
    const found = ecoCandidates(attempt, maxSites)
      .map((m) => ({ x: c.xDbu + m.sites * rules.siteDbu, orient: m.mirror ? mirrored(c.orient) : c.orient }))
      .find((m) => (m.x !== c.xDbu || m.orient !== c.orient) && legal(i, m.x, m.orient));
    if (!found) {
      stuck.push(name);
      continue;
    }
    moves.push({ name, fromXDbu: c.xDbu, toXDbu: found.x, fromOrient: c.orient, toOrient: found.orient });
    state[i] = { ...c, xDbu: found.x, orient: found.orient };
  }
  return { components: state, moves, stuck };
}
