/**
 * Keep a routed DEF from a real run as a regression repro for the post-route patches (no tools needed to
 * check it): the raw qrouter DEF (gzip), the routing tech LEF it was routed with, the cell LEF the patches
 * read (the kit's, from --pdk-root, PDK_ROOT or pdk/sky130hd) cut down to the macros the DEF places (gzip), and expected.json with the patched DEF's SHA-256 and every patch
 * metric. `packages/physical/tests/routeRepro.test.ts` replays each folder through `patchRoutedDef`.
 *
 *   npx tsx tools/physical/make-repro.ts --tile-dir OUT/NN-physical-tiles/work/TILE --def routed-round0.def --name NAME [--note TEXT] [--pdk-root DIR]
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT, sha256Hex } from '@hardwire/core';
import { findKit } from '@hardwire/eda';
import { replayRouteRepro, subsetCellLef } from '@hardwire/physical';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i], process.argv[i + 1]);
const tileDir = args.get('--tile-dir');
const name = args.get('--name');
if (!tileDir || !name) {
  console.error('usage: make-repro.ts --tile-dir DIR --name NAME [--def routed-round0.def] [--note TEXT]');
  process.exit(2);
}
const layout = join(tileDir, 'qflow', 'layout');
const defName = args.get('--def') ?? 'routed-round0.def';
const kit = findKit(args.get('--pdk-root'));
const kitCellLef = kit.cellLefRouting ?? kit.cellLef;
for (const f of [join(layout, defName), join(layout, 'route.tlef')]) {
  if (!existsSync(f)) {
    console.error(`--tile-dir ${tileDir}: no ${f} (expected a Physical.Tiles tile folder)`);
    process.exit(2);
  }
}
const routed = readFileSync(join(layout, defName), 'utf8');
const techLef = readFileSync(join(layout, 'route.tlef'), 'utf8');
const cellLef = subsetCellLef(readFileSync(kitCellLef, 'utf8'), routed);
const replay = replayRouteRepro({ routed, techLef, cellLef });
const dest = join(REPO_ROOT, 'packages', 'physical', 'tests', 'fixtures', 'repro', name);
const temp = `${dest}.partial`;
rmSync(temp, { recursive: true, force: true });
mkdirSync(temp, { recursive: true });
writeFileSync(join(temp, 'routed.def.gz'), gzipSync(routed, { level: 9 }));
writeFileSync(join(temp, 'route.tlef'), techLef);
writeFileSync(join(temp, 'cells.lef.gz'), gzipSync(cellLef, { level: 9 }));
const expected = { source: args.get('--note') ?? `${tileDir} ${defName}`, routedSha256: sha256Hex(routed), patchedSha256: replay.patchedSha256, metrics: replay.metrics };
writeFileSync(join(temp, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
rmSync(dest, { recursive: true, force: true });
renameSync(temp, dest);
console.log(`${dest}: patched ${replay.patchedSha256.slice(0, 12)}, ${replay.metrics.physical__repro__shorts__count} shorts, ${replay.metrics.physical__repro__via_conflicts_left__count} via conflicts left`);
