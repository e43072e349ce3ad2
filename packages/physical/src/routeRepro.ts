/**
 * Regression repros of the post-route patches (pure): a routed DEF from a real run, replayed through
 * `patchRoutedDef` with the technology and cell LEF it was routed with, judged the way the route rounds
 * judge a patched DEF (shorts between nets, via spacing conflicts left). The repro folders under
 * `packages/physical/tests/fixtures/repro/` keep the expected patched DEF's hash and these metrics, so any change to a
 * pass that alters a real route shows up in the test suite without any tool installed.
 */
import { sha256Hex } from '@hardwire/core';
import { parseDef } from './model/def.ts';
import { lefRoutingLayers, lefVias } from './model/lef.ts';
import { crossNetOverlaps } from './model/shapes.ts';
import { patchRoutedDef } from './passes/routePatches.ts';
import { routedVias, viaSpacingConflicts } from './passes/viaRepair.ts';

const METALS = ['li1', 'met1', 'met2', 'met3', 'met4', 'met5'];

/** Replay one routed DEF: the patched text's hash, the patches' metrics and what they leave. */
export function replayRouteRepro(o: { routed: string; techLef: string; cellLef: string }): { patched: string; patchedSha256: string; metrics: Record<string, number> } {
  const { dbuPerUm } = parseDef(o.routed);
  const patched = patchRoutedDef(o.routed, { techLef: o.techLef, cellLef: o.cellLef, dbuPerUm });
  const vias = lefVias(o.techLef, METALS);
  const layers = lefRoutingLayers(o.techLef);
  const spacings = new Map([...layers].map(([name, l]) => [name, l.spacingUm]));
  const metrics: Record<string, number> = {
    ...patched.metrics,
    physical__repro__via_conflicts_before__count: viaSpacingConflicts(routedVias(o.routed, new Set(vias.keys())), vias, spacings, dbuPerUm).length,
    physical__repro__via_conflicts_left__count: viaSpacingConflicts(routedVias(patched.text, new Set(vias.keys())), vias, spacings, dbuPerUm).length,
    physical__repro__shorts__count: crossNetOverlaps(patched.text, vias, layers, dbuPerUm).length,
  };
  const sorted = Object.fromEntries(Object.keys(metrics).sort().map((k) => [k, metrics[k]]));
  return { patched: patched.text, patchedSha256: sha256Hex(patched.text), metrics: sorted };
}

/** The cell LEF cut down to its header and the macros a DEF places (keeps a repro folder small). */
export function subsetCellLef(lef: string, def: string): string {
  const used = new Set<string>();
  const components = /^\s*-\s+\S+\s+(\S+)/gm;
  const start = def.indexOf('COMPONENTS');
  const end = def.indexOf('END COMPONENTS');
  if (start < 0 || end < 0) throw new Error('subsetCellLef: the DEF has no COMPONENTS section');
  for (const m of def.slice(start, end).matchAll(components)) used.add(m[1]);
  const firstMacro = lef.search(/^MACRO\s/m);
  if (firstMacro < 0) throw new Error('subsetCellLef: the LEF has no MACRO');
  const parts = [lef.slice(0, firstMacro)];
  for (const m of lef.slice(firstMacro).matchAll(/^MACRO\s+(\S+)[\s\S]*?^END\s+\1\s*$/gm)) if (used.has(m[1])) parts.push(`${m[0]}\n\n`);
  return `${parts.join('')}END LIBRARY\n`;
}
