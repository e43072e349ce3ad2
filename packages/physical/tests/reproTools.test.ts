/**
 * The repair passes re-checked by tools that share no code with them: each repro fixture's routed DEF (from a
 * real run) and the DEF the passes make of it go through KLayout (GDS with the kit's cells), magic DRC and magic
 * extraction + netgen LVS against the netlist the DEF declares. What the passes claim (via conflicts left, no
 * shorts) is held to what magic and netgen find.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sha256Hex } from '@hardwire/core';
import { findKit, kitAvailable, missingPhysicalTools } from '@hardwire/eda';
import { describe, expect, it } from 'vitest';
import { defNetlist, parseDef } from '../src/model/def.ts';
import { lefRoutingLayers, lefVias } from '../src/model/lef.ts';
import { routedVias, viaSpacingConflicts, type ViaConflict } from '../src/passes/viaRepair.ts';
import { replayRouteRepro } from '../src/routeRepro.ts';
import { checkDef } from './layoutCheck.ts';

const REPRO = join(import.meta.dirname, 'fixtures', 'repro');
const folders = readdirSync(REPRO).filter((d) => !d.startsWith('.') && !d.endsWith('.md')).sort();
const missing = await missingPhysicalTools();
const ready = kitAvailable() && missing.length === 0;
if (!ready) console.log(`skip: the repro fixtures' magic DRC and netgen LVS need the kit and ${missing.join(', ') || 'the tools'} (bash tools/setup.sh installs them)`);

/** Within `marginUm` of a box (µm). */
function near(xUm: number, yUm: number, b: { x0Um: number; y0Um: number; x1Um: number; y1Um: number }, marginUm: number): boolean {
  return xUm > b.x0Um - marginUm && xUm < b.x1Um + marginUm && yUm > b.y0Um - marginUm && yUm < b.y1Um + marginUm;
}

describe('defNetlist (the connectivity a DEF declares)', () => {
  it('reads cells, ports and nets, leaves out fill and power pins, and rejects a pin on two nets', () => {
    const def = [
      'DESIGN t ;',
      'UNITS DISTANCE MICRONS 1000 ;',
      'DIEAREA ( 0 0 ) ( 1000 1000 ) ;',
      'COMPONENTS 3 ;',
      '- u1 sky130_fd_sc_hd__inv_1 + PLACED ( 0 0 ) N ;',
      '- u2 sky130_fd_sc_hd__buf_1 + PLACED ( 500 0 ) N ;',
      '- f1 sky130_fd_sc_hd__fill_1 + PLACED ( 900 0 ) N ;',
      'END COMPONENTS',
      'PINS 3 ;',
      '- a + NET a + DIRECTION INPUT + USE SIGNAL',
      '  + LAYER met1 ( -14 -14 ) ( 14 14 ) ;',
      '- y + NET y + DIRECTION OUTPUT + USE SIGNAL ;',
      '- VPWR + NET VPWR + DIRECTION INOUT + USE POWER ;',
      'END PINS',
      'NETS 3 ;',
      '- a ( PIN a ) ( u1 A ) ;',
      '- n1 ( u1 Y ) ( u2 A )\n  + ROUTED met1 ( 0 0 ) ( 500 0 ) ;',
      '- y ( u2 X ) ( PIN y ) ;',
      'END NETS',
      'END DESIGN',
      '',
    ].join('\n');
    const n = defNetlist(def);
    expect(Object.keys(n.cells).sort()).toEqual(['u1', 'u2']);
    expect(n.cells.u1).toEqual({ type: 'sky130_fd_sc_hd__inv_1', connections: { A: n.netnames.a.bits, Y: n.netnames.n1.bits } });
    expect(n.cells.u2.connections).toEqual({ A: n.netnames.n1.bits, X: n.netnames.y.bits });
    expect(n.ports).toEqual({ a: { direction: 'input', bits: n.netnames.a.bits }, y: { direction: 'output', bits: n.netnames.y.bits } });
    expect(new Set(Object.values(n.netnames).map((x) => x.bits[0])).size).toBe(3);
    expect(() => defNetlist(def.replace('( u2 X )', '( u1 A )'))).toThrow(/u1\/A is on two nets/);
    expect(() => defNetlist(def.replace('( u2 X )', '( u9 X )'))).toThrow(/instance u9/);
  });
});

describe.runIf(ready)('repro fixtures through magic DRC and netgen LVS (the passes checked by other tools)', () => {
  const kit = ready ? findKit() : undefined;
  for (const name of folders) {
    it(`${name}: the routed input is the recorded one; the patched DEF is LVS-clean and DRC-better, and what is left is what the passes report`, async () => {
      const dir = join(REPRO, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { routedSha256: string };
      const routed = gunzipSync(readFileSync(join(dir, 'routed.def.gz'))).toString('utf8');
      const techLef = readFileSync(join(dir, 'route.tlef'), 'utf8');
      const cellLef = gunzipSync(readFileSync(join(dir, 'cells.lef.gz'))).toString('utf8');
      // The fixture is the run's routed DEF, byte for byte.
      expect(sha256Hex(routed)).toBe(expected.routedSha256);
      const patched = replayRouteRepro({ routed, techLef, cellLef }).patched;
      const work = mkdtempSync(join(tmpdir(), `hw-repro-${name}-`));
      const [before, after] = await Promise.all([checkDef(kit!, join(work, 'routed'), routed, techLef, cellLef), checkDef(kit!, join(work, 'patched'), patched, techLef, cellLef)]);

      // Connectivity: the patches move metal, never a connection. Both layouts extract to the declared netlist.
      const declared = defNetlist(routed);
      expect(Object.keys(declared.cells).length).toBeGreaterThan(400);
      for (const [label, c] of [['routed', before], ['patched', after]] as const) {
        expect(c.lvs.matched, `${label}: ${c.lvs.verdict}`).toBe(true);
        expect(c.lvs.layoutDevices, label).toBe(c.lvs.schematicDevices);
      }

      // DRC: the raw route breaks rules (the passes have work to do); no rule gets worse and the total drops.
      expect(before.drc.total).toBeGreaterThan(0);
      expect(after.drc.total).toBeLessThan(before.drc.total);
      const countBefore = new Map(before.drc.byRule.map((r) => [r.rule, r.count]));
      for (const r of after.drc.byRule) expect(r.count, r.rule).toBeLessThanOrEqual(countBefore.get(r.rule) ?? 0);

      // What is left, and why: the passes' own account (via pads of two nets closer than the layer's spacing,
      // found by viaSpacingConflicts) against magic's error boxes.
      const dbuPerUm = parseDef(patched).dbuPerUm;
      const vias = lefVias(techLef, ['li1', 'met1', 'met2', 'met3', 'met4', 'met5']);
      const spacings = new Map([...lefRoutingLayers(techLef)].map(([layer, l]) => [layer, l.spacingUm]));
      const conflicts: ViaConflict[] = viaSpacingConflicts(routedVias(patched, new Set(vias.keys())), vias, spacings, dbuPerUm);
      const um = (v: { xDbu: number; yDbu: number }) => [v.xDbu / dbuPerUm, v.yDbu / dbuPerUm] as const;
      if (conflicts.length === 0) {
        // The kept rounds of real runs: the passes leave nothing, and magic agrees.
        expect(after.drc.total).toBe(0);
        return;
      }
      // A round-0 route (before the re-routes that block the conflicts' sites): every conflict the passes report
      // is a real error (a magic box at both vias), and every error box magic lists lies at a conflict's via,
      // except rules the passes did not touch at all (the same count before and after).
      for (const c of conflicts) {
        const confirmed = after.drc.boxes.some((b) => [c.a, c.b].every((v) => near(...um(v), b, 0.5)));
        expect(confirmed, `${c.layer} conflict at ${um(c.a).join(',')} has no magic box`).toBe(true);
      }
      const untouched = new Set(after.drc.byRule.filter((r) => countBefore.get(r.rule) === r.count).map((r) => r.rule));
      const unexplained = after.drc.boxes.filter((b) => !untouched.has(b.rule) && !conflicts.some((c) => [c.a, c.b].some((v) => near(...um(v), b, 0.5))));
      expect(unexplained.map((b) => `${b.rule} at ${b.x0Um},${b.y0Um}`)).toEqual([]);
      expect(after.drc.boxes.length).toBeGreaterThan(0);
    }, 10 * 60_000);
  }
});
