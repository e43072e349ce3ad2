/**
 * The route-repair rounds as a pure solver. qrouter routes the tile; every cross-net via spacing conflict in
 * its result blocks the upper via's site, and the tile is routed again with every block so far. Each round is
 * patched (the repair passes) and judged by what the patches leave: fewest unrouted nets, then shorts, then
 * via conflicts after the patches, then before. The driver asks `blockSites` after each route whether another
 * round is worth routing (it starts it at once, on the other core) and `judge` after the patches whether this
 * round is the best so far and whether the rounds stop (the next one, if started, is then canceled).
 *
 * Blocking can cost a net its way in: a round may leave a net unrouted that the round before routed. The
 * driver then `release`s the blocked sites near that net's pins (they stay released: a later conflict there
 * does not block them again), and the round after counts as fresh for the stopping rule.
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
  /** Sites unblocked because a net could not be routed with them blocked; never blocked again. */
  readonly released = new Set<string>();
  best: RoundOutcome | undefined;
  private lastRelease = -1;

  constructor(readonly maxRepairRounds: number) {}

  /** Add round `round`'s blocks (qrouter obstruction lines); true when another round is worth routing (something new is blocked, rounds left). */
  blockSites(round: number, lines: readonly string[]): boolean {
    const before = this.blocked.size;
    for (const line of lines) if (!this.released.has(line)) this.blocked.add(line);
    return this.blocked.size > before && round < this.maxRepairRounds;
  }

  /** Unblock every blocked site `near` accepts (round `round` left a net unrouted); how many were released. */
  release(round: number, near: (line: string) => boolean): number {
    let count = 0;
    for (const line of [...this.blocked]) {
      if (!near(line)) continue;
      this.blocked.delete(line);
      this.released.add(line);
      count++;
    }
    if (count > 0) this.lastRelease = round;
    return count;
  }

  /** Whether a round that released sites may route again (rounds left). */
  canRetry(round: number): boolean {
    return round < this.maxRepairRounds;
  }

  /**
   * Judge a patched round: `best` when it beats every round before; `stop` once the best round leaves nothing
   * (0 unrouted, 0 shorts, 0 conflicts after the patches) or two rounds in a row did not beat it (counted from
   * the last release, if later).
   */
  judge(r: RoundOutcome): { best: boolean; stop: boolean } {
    const b = this.best;
    const better = !b || (r.unrouted - b.unrouted || r.shorts - b.shorts || r.conflictsLeft - b.conflictsLeft || r.conflicts - b.conflicts) < 0;
    if (better) this.best = r;
    const kept = this.best!;
    return { best: better, stop: (kept.unrouted === 0 && kept.shorts === 0 && kept.conflictsLeft === 0) || r.round - Math.max(kept.round, this.lastRelease) >= 2 };
  }
}
