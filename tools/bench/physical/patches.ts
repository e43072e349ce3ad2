/**
 * The repair passes' speed: every routed DEF kept in packages/physical/tests/fixtures/repro/ patched once per pass list
 * run (what each route round costs besides qrouter), with the time of each pass.
 *
 *   npx tsx tools/bench/physical/patches.ts
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { REPO_ROOT } from '@hardwire/core';
import { REPAIR_PASSES, parseDef, repairContext } from '@hardwire/physical';

const root = join(REPO_ROOT, 'packages', 'physical', 'tests', 'fixtures', 'repro');
for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  const routed = gunzipSync(readFileSync(join(dir, 'routed.def.gz'))).toString('utf8');
  const o = { techLef: readFileSync(join(dir, 'route.tlef'), 'utf8'), cellLef: gunzipSync(readFileSync(join(dir, 'cells.lef.gz'))).toString('utf8'), dbuPerUm: parseDef(routed).dbuPerUm };
  const t0 = performance.now();
  const context = repairContext(routed, o);
  const times: string[] = [`context ${((performance.now() - t0) / 1000).toFixed(2)}`];
  let text = routed;
  for (const pass of REPAIR_PASSES) {
    const t = performance.now();
    text = pass.run(text, context).text;
    times.push(`${pass.id} ${((performance.now() - t) / 1000).toFixed(2)}`);
  }
  console.log(`${name}: ${(routed.length / 1e6).toFixed(2)} MB DEF patched in ${((performance.now() - t0) / 1000).toFixed(2)} s (${times.join(', ')})`);
}
