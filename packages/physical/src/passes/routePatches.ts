import { crowdedUpperViasPass } from './crowdedUpperVias.ts';
import { floatingPinsPass } from './floatingPins.ts';
import { offsetViasPass } from './offsetVias.ts';
import { offsetWiresPass } from './offsetWires.ts';
import { crowdedPinViasPass, pinViasPass, tapPairsPass } from './pinVias.ts';
import { repairContext, type RepairPass } from './repairPass.ts';
import { sameNetGapsPass } from './sameNetGaps.ts';
import { slideViaSegmentsPass } from './slideViaSegments.ts';
import { smallHolesPass } from './smallHoles.ts';
import { stackMinAreaPass } from './stackMinArea.ts';
import { viaJogsPass } from './viaJogs.ts';

/**
 * The post-route repair passes of the physical flow, as a plain ordered list (pure): what qrouter leaves that
 * breaks a sky130 rule and can be mended in place without routing again. Each pass is declared in its own
 * file with its id, the defect it mends and its metrics; `patchRoutedDef` runs them in this order over a
 * routed DEF and returns the patched DEF and every pass's counts (`physical__route__*`). `techLef` is the
 * routing technology LEF the DEF was routed with, `cellLef` the cell LEF (pins on li1 and met1).
 *
 * Measured on the 8x16 DA tile when they were added: 1,225 magic DRC error tiles after the repair rounds, 214
 * with the stack stubs, 160 with the slot bridges too, 128 with the pin vias pulled in, 80 with the tap
 * pairs separated (and the met4–met5 via gone), 0 with the rest (docs/physical-flow.md tells the history).
 */

export const REPAIR_PASSES: readonly RepairPass[] = [
  viaJogsPass,
  offsetViasPass,
  pinViasPass,
  tapPairsPass,
  crowdedPinViasPass,
  crowdedUpperViasPass,
  offsetWiresPass,
  slideViaSegmentsPass,
  stackMinAreaPass,
  sameNetGapsPass,
  smallHolesPass,
  floatingPinsPass,
];

/** Run every repair pass in order over a routed DEF. */
export function patchRoutedDef(routed: string, o: { techLef: string; cellLef: string; dbuPerUm: number }, passes: readonly RepairPass[] = REPAIR_PASSES): { text: string; metrics: Record<string, number> } {
  const context = repairContext(routed, o);
  const metrics: Record<string, number> = {};
  let text = routed;
  for (const pass of passes) {
    const r = pass.run(text, context);
    text = r.text;
    Object.assign(metrics, r.metrics);
  }
  return { text, metrics };
}
