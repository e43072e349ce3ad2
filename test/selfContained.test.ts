/** A fresh clone answers on its own: the kit and the fixtures are in the repository, and nothing reads a folder beside it. */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, fixtureFile } from '@hardwire/core';
import { REPO_KIT, findKit } from '@hardwire/eda';
import { describe, expect, it } from 'vitest';

/** Every source, flow, script and test file of the project (not run output, dependencies or data). */
function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (['node_modules', 'out', '.git', '.nx', 'data', 'fixtures'].includes(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.(ts|mjs|js|yaml|sh|json)$/.test(name) || name === 'run') out.push(path);
  }
  return out;
}

describe('self-contained checkout', () => {
  it('no source reads the ../shared folder beside the checkout', () => {
    const files = ['packages', 'tools', 'flows', 'test', '.ci'].flatMap((d) => sources(join(REPO_ROOT, d)));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.filter((f) => /\.\.\/shared\b|HARDWIRE_SHARED|['"]shared['"]\s*,\s*['"](pdk|models|bench)/.test(readFileSync(f, 'utf8')) && !f.endsWith('selfContained.test.ts'));
    expect(offenders.map((f) => relative(REPO_ROOT, f))).toEqual([]);
  });

  it('the sky130hd kit is found in pdk/sky130hd with its licence and provenance when no PDK_ROOT is set', () => {
    const saved = process.env.PDK_ROOT;
    delete process.env.PDK_ROOT;
    try {
      const kit = findKit();
      expect(kit.root).toBe(REPO_KIT);
      for (const f of [kit.liberty, kit.techLef, kit.cellLef, kit.gds, kit.verilogCells, kit.verilogPrimitives, kit.cdl, kit.magicTech!, kit.klayoutTech!]) expect(existsSync(f), f).toBe(true);
    } finally {
      if (saved !== undefined) process.env.PDK_ROOT = saved;
    }
    expect(readFileSync(join(REPO_KIT, 'LICENSE'), 'utf8')).toMatch(/Apache License/);
    const readme = readFileSync(join(REPO_KIT, 'README.md'), 'utf8');
    for (const f of ['sky130_fd_sc_hd__tt_025C_1v80.lib', 'sky130_fd_sc_hd.tlef', 'sky130_fd_sc_hd.gds', 'sky130hd.cdl', 'sky130A.tech']) expect(readme).toContain(f);
    expect(readme).toMatch(/@ [0-9a-f]{8}/); // source commits
  });

  it('the real stories260K checkpoint is a fixture with its licence noted', () => {
    const path = fixtureFile('stories260K.bin');
    expect(statSync(path).size).toBe(1_056_540);
    expect(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'README.md'), 'utf8')).toMatch(/stories260K\.bin.*MIT/);
  });
});
