import { describe, expect, it } from 'vitest';
import { RouteRounds, SKY130HD, physicalOnlyCells } from '../src/index.ts';

const outcome = (round: number, unrouted: number, shorts: number, conflictsLeft: number, conflicts: number) => ({ round, unrouted, shorts, conflictsLeft, conflicts });

describe('route repair rounds (pure solver)', () => {
  it('routes again only while a round blocks something new and rounds are left', () => {
    const rounds = new RouteRounds(2);
    expect(rounds.blockSites(0, ['obstruction a', 'obstruction b'])).toBe(true);
    expect(rounds.blockSites(1, ['obstruction a'])).toBe(false); // nothing new
    expect(rounds.blockSites(1, ['obstruction c'])).toBe(true);
    expect(rounds.blockSites(2, ['obstruction d'])).toBe(false); // the last round
    expect([...rounds.blocked].sort()).toEqual(['obstruction a', 'obstruction b', 'obstruction c', 'obstruction d']);
    expect(new RouteRounds(0).blockSites(0, ['x'])).toBe(false);
  });

  it('keeps the round with fewest unrouted nets, then shorts, then conflicts left, then before', () => {
    const rounds = new RouteRounds(7);
    expect(rounds.judge(outcome(0, 0, 0, 18, 37))).toEqual({ best: true, stop: false });
    expect(rounds.judge(outcome(1, 1, 0, 0, 0))).toEqual({ best: false, stop: false }); // an unrouted net outweighs every conflict
    expect(rounds.judge(outcome(2, 0, 0, 7, 9))).toEqual({ best: true, stop: false });
    expect(rounds.judge(outcome(3, 0, 0, 7, 8))).toEqual({ best: true, stop: false }); // ties broken by conflicts before the patches
    expect(rounds.best!.round).toBe(3);
  });

  it('waits as many rounds as its patience for a better one', () => {
    const patient = new RouteRounds(7, 3);
    patient.judge(outcome(0, 0, 0, 19, 35));
    expect(patient.judge(outcome(1, 1, 0, 12, 16)).stop).toBe(false);
    expect(patient.judge(outcome(2, 1, 0, 0, 0)).stop).toBe(false);
    expect(patient.judge(outcome(3, 1, 0, 0, 0)).stop).toBe(true);
  });

  it('stops once the best round leaves nothing, or after two rounds in a row that did not beat it', () => {
    const clean = new RouteRounds(7);
    clean.judge(outcome(0, 0, 0, 3, 30));
    expect(clean.judge(outcome(1, 0, 0, 0, 2))).toEqual({ best: true, stop: true });
    const stuck = new RouteRounds(7);
    stuck.judge(outcome(0, 0, 0, 2, 20));
    expect(stuck.judge(outcome(1, 0, 1, 0, 4)).stop).toBe(false);
    expect(stuck.judge(outcome(2, 0, 0, 5, 6))).toEqual({ best: false, stop: true });
    expect(stuck.best!.round).toBe(0);
  });
});

describe('the sky130hd technology profile', () => {
  it('names the cells netgen ignores (tap, then fills by width) and the flop pin-access windows', () => {
    expect(physicalOnlyCells(SKY130HD)).toEqual(['tapvpwrvgnd_1', 'fill_1', 'fill_2', 'fill_4', 'fill_8'].map((c) => `sky130_fd_sc_hd__${c}`));
    const rules = SKY130HD.flopRules(460, 1000);
    expect(rules.isFlop('sky130_fd_sc_hd__dfrtp_1')).toBe(true);
    expect(rules.isFlop('sky130_fd_sc_hd__nand2_1')).toBe(false);
    // D pin 1.61 µm in from the left edge, 1 µm either side; mirrored cells from the right edge.
    expect(rules.pinWindow({ name: 'f', macro: 'sky130_fd_sc_hd__dfrtp_1', xDbu: 10_000, yDbu: 0, orient: 'N' }, 9_200)).toEqual([10_610, 12_610]);
    expect(rules.pinWindow({ name: 'f', macro: 'sky130_fd_sc_hd__dfrtp_1', xDbu: 10_000, yDbu: 0, orient: 'FN' }, 9_200)).toEqual([16_590, 18_590]);
  });
});
