/**
 * The route-repair rounds as a pure solver. qrouter routes the tile; every cross-net via spacing conflict in
 * its result blocks the upper via's site, and the tile is routed again with every block so far. Each round is
 * patched (the repair passes) and judged by what the patches leave: fewest unrouted nets, then shorts, then
 * via conflicts after the patches, then before. The driver asks `blockSites` after each route whether another
 * round is worth routing (it starts it at once, on the other core) and `judge` after the patches whether this
 * round is the best so far and whether the rounds stop (the next one, if started, is then canceled).
 *
 * Blocking can cost a net its way in: a round may leave a net unrouted that the round before routed, and a
 * later round route it again (qrouter's order changes with every block), so the rounds wait `patience`
 * rounds for a better one.
 */
export interface RoundOutcome {
  readonly round: number;
  readonly unrouted: number;
  readonly shorts: number;
  /** Via spacing conflicts after the patches, and before them. */
  readonly conflictsLeft: number;
  readonly conflicts: number;
}

export class RouteRounds {
  readonly blocked = new Set<string>();
  best: RoundOutcome | undefined;

  /** `patience`: rounds in a row that may fail to beat the best before the rounds stop. */
  constructor(
    readonly maxRepairRounds: number,
    readonly patience = 2,
  ) {}

  /** Add round `round`'s blocks (qrouter obstruction lines); true when another round is worth routing (something new is blocked, rounds left). */
  blockSites(round: number, lines: readonly string[]): boolean {
    const before = this.blocked.size;
    for (const line of lines) this.blocked.add(line);
    return this.blocked.size > before && round < this.maxRepairRounds;
  }

  /**
   * Judge a patched round: `best` when it beats every round before; `stop` once the best round leaves nothing
   * (0 unrouted, 0 shorts, 0 conflicts after the patches) or `patience` rounds in a row did not beat it.
   */
  judge(r: RoundOutcome): { best: boolean; stop: boolean } {
    const b = this.best;
    const better = !b || (r.unrouted - b.unrouted || r.shorts - b.shorts || r.conflictsLeft - b.conflictsLeft || r.conflicts - b.conflicts) < 0;
    if (better) this.best = r;
    const kept = this.best!;
    return { best: better, stop: (kept.unrouted === 0 && kept.shorts === 0 && kept.conflictsLeft === 0) || r.round - kept.round >= this.patience };
  }
}
