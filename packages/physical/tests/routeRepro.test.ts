import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { replayRouteRepro, subsetCellLef } from '../src/routeRepro.ts';
import { REPAIR_PASSES, patchRoutedDef } from '../src/passes/routePatches.ts';
import { repairContext } from '../src/passes/repairPass.ts';
import { netConnections, netRouting, sectionItems, writeItems } from '../src/model/def.ts';
import { lefPinRects } from '../src/model/lef.ts';

const REPRO = join(import.meta.dirname, 'fixtures', 'repro');
const folders = readdirSync(REPRO).filter((d) => !d.startsWith('.') && !d.endsWith('.md')).sort();

describe('post-route patch repros (routed DEFs from real runs, no tools)', () => {
  it('has the repro folders the physical flow is held to', () => {
    expect(folders.length).toBeGreaterThanOrEqual(3);
  });
  for (const name of folders) {
    it(`${name}: patches to the expected DEF and metrics`, () => {
      const dir = join(REPRO, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { patchedSha256: string; metrics: Record<string, number> };
      const replay = replayRouteRepro({
        routed: gunzipSync(readFileSync(join(dir, 'routed.def.gz'))).toString('utf8'),
        techLef: readFileSync(join(dir, 'route.tlef'), 'utf8'),
        cellLef: gunzipSync(readFileSync(join(dir, 'cells.lef.gz'))).toString('utf8'),
      });
      expect(replay.metrics).toEqual(expected.metrics);
      expect(replay.patchedSha256).toBe(expected.patchedSha256);
    }, 120_000);
  }
});

describe('the repair passes as a declared list', () => {
  it('each pass has its own id, says what it mends, and emits exactly the metrics it declares', () => {
    const dir = join(REPRO, folders.find((f) => f.includes('round0')) ?? folders[0]);
    const routed = gunzipSync(readFileSync(join(dir, 'routed.def.gz'))).toString('utf8');
    const o = { techLef: readFileSync(join(dir, 'route.tlef'), 'utf8'), cellLef: gunzipSync(readFileSync(join(dir, 'cells.lef.gz'))).toString('utf8'), dbuPerUm: 1000 };
    expect(new Set(REPAIR_PASSES.map((p) => p.id)).size).toBe(REPAIR_PASSES.length);
    const context = repairContext(routed, o);
    let text = routed;
    let changed = 0;
    for (const pass of REPAIR_PASSES) {
      expect(pass.mends.length, pass.id).toBeGreaterThan(20);
      expect(pass.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      const r = pass.run(text, context);
      expect(Object.keys(r.metrics).sort(), pass.id).toEqual([...pass.metrics].sort());
      for (const v of Object.values(r.metrics)) expect(Number.isInteger(v) && v >= 0, pass.id).toBe(true);
      if (r.text !== text) changed++;
      text = r.text;
    }
    // Several passes mend something on this route (37 via spacing conflicts before the repair rounds).
    expect(changed).toBeGreaterThanOrEqual(3);
    // No passes: the DEF comes back as it was.
    expect(patchRoutedDef(routed, o, []).text).toBe(routed);
  }, 120_000);
});

describe('the DEF model on real routes', () => {
  it('splits NETS and SPECIALNETS into items once and writes them back byte for byte', () => {
    for (const name of folders) {
      const def = gunzipSync(readFileSync(join(REPRO, name, 'routed.def.gz'))).toString('utf8');
      for (const section of ['NETS', 'SPECIALNETS', 'COMPONENTS']) {
        const items = sectionItems(def, section);
        expect(items.items.length, `${name} ${section}`).toBeGreaterThan(0);
        expect(writeItems(def, items, items.items.map((i) => i.text))).toBe(def);
        expect(items.items.every((i) => i.text.startsWith(`- ${i.name}`))).toBe(true);
      }
      // The count in the section header is the number of items; every routed net has its connections.
      const nets = sectionItems(def, 'NETS');
      expect(nets.items.length).toBe(Number(/^NETS (\d+) ;/m.exec(def)![1]));
      expect(netRouting(def).nets).toBe(nets.items.length);
      const edited = writeItems(def, nets, nets.items.map((i) => (i.name === nets.items[0].name ? i.text.replace(/^- (\S+)/, '- $1 ') : i.text)));
      expect(edited.length).toBe(def.length + 1);
      expect(nets.items.filter((i) => netConnections(i).length >= 2).length).toBeGreaterThan(nets.items.length / 2);
    }
  });
});

describe('subsetCellLef', () => {
  it('keeps the header and exactly the placed macros', () => {
    const lef = 'VERSION 5.7 ;\nSITE unit\nEND unit\n\nMACRO a\n  SIZE 1 BY 2 ;\n  PIN A\n    PORT\n      LAYER li1 ;\n        RECT 0 0 1 1 ;\n    END\n  END A\nEND a\n\nMACRO b\nEND b\n\nMACRO ab\nEND ab\n\nEND LIBRARY\n';
    const def = 'COMPONENTS 2 ;\n - u1 a + PLACED ( 0 0 ) N ;\n - u2 ab + PLACED ( 0 0 ) N ;\nEND COMPONENTS\n';
    const cut = subsetCellLef(lef, def);
    expect(cut).toMatch(/^VERSION 5\.7 ;\nSITE unit/);
    expect(cut).toContain('MACRO a\n');
    expect(cut).toContain('MACRO ab\n');
    expect(cut).not.toContain('MACRO b\n');
    expect(cut.trimEnd().endsWith('END LIBRARY')).toBe(true);
    expect([...lefPinRects(cut, 'li1').keys()]).toEqual(['a']);
  });
});
