import { lefLayerRects, lefPinRects, netPinShapes, nudgeCrowdedVias, placedCellShapes, pullViasIntoPins, separateTapPairs } from './pinVias.ts';
import { alignOffsetVias, alignOffsetWires, collapseViaJogs, nudgeCrowdedUpperVias, slideCrowdedViaSegments, fillSameNetGaps, fillSmallHoles, lefRoutingLayers, patchStackMinArea, routedShapes } from './stackPatch.ts';
import { lefViaCuts, lefVias } from './viaRepair.ts';
import { growFloatingPins } from './floatingPins.ts';

/**
 * The post-route patches of the physical flow, in order, on a routed DEF (pure): what qrouter leaves that
 * breaks a sky130 rule and can be mended in place without routing again. Returns the patched DEF and one
 * count per patch (`physical__route__*` metrics). `techLef` is the routing technology LEF the DEF was routed
 * with, `cellLef` the cell LEF (pins on li1 and met1).
 */
export function patchRoutedDef(routedIn: string, o: { techLef: string; cellLef: string; dbuPerUm: number }): { text: string; metrics: Record<string, number> } {
  const metrics: Record<string, number> = {};
  let routed = routedIn;
  const vias = lefVias(o.techLef, ['li1', 'met1', 'met2', 'met3', 'met4', 'met5']);
  const routingLayers = lefRoutingLayers(o.techLef);
  // Measured on the 8x16 DA tile: 1,225 magic DRC error tiles after the repair rounds, 214 with the stack
  // stubs, 160 with the slot bridges too, 128 with the pin vias pulled in, 80 with the tap pairs separated
  // (and the met4-met5 via gone); the README lists the later steps.
  // Short up-over-down via jogs (met2 -> met3 -> met2 over 0.34 µm) become a straight wire where it fits.
  const jogs = collapseViaJogs(routed, vias, routingLayers, o.dbuPerUm);
  metrics['physical__route__via_jogs__count'] = jogs.jogs;
  metrics['physical__route__via_jogs_collapsed__count'] = jogs.collapsed;
  routed = jogs.text;
  // Vias qrouter left at a wire's few-nanometre pin offset while the wire above starts on the track go to the track.
  const offsets = alignOffsetVias(routed, vias, routingLayers, o.dbuPerUm);
  metrics['physical__route__offset_vias__count'] = offsets.offset;
  metrics['physical__route__offset_vias_aligned__count'] = offsets.aligned;
  routed = offsets.text;
  const l1m1 = vias.get('L1M1_PR');
  const pinCells = lefPinRects(o.cellLef, 'li1');
  const padOf = (layer: string) => l1m1?.pads.find((p) => p.layer === layer);
  const half = (layer: string): [number, number] => [Math.round((padOf(layer)?.x1Um ?? 0) * o.dbuPerUm), Math.round((padOf(layer)?.y1Um ?? 0) * o.dbuPerUm)];
  const met1Spacing = Math.round(routingLayers.get('met1')!.spacingUm * o.dbuPerUm);
  const cellMet1 = lefLayerRects(o.cellLef, 'met1');
  // The cells' own metal, placed once: the patches never move a cell or change which pin is on which net.
  const cellMet1Shapes = placedCellShapes(routed, cellMet1, 'met1');
  const cellLi1Shapes = placedCellShapes(routed, lefLayerRects(o.cellLef, 'li1'), 'li1');
  // li1–met1 vias whose li1 pad sticks a few nanometres out of their pin are pulled inside it (li.3).
  const pinVias = pullViasIntoPins(routed, pinCells, {
    via: 'L1M1_PR',
    padHalfDbu: half('li1')[0],
    maxShiftDbu: Math.round(0.08 * o.dbuPerUm),
    // Routes and the cells' own met1 (rails, other pins, obstructions) alike.
    met1: { shapes: [...routedShapes(routed, vias, routingLayers, o.dbuPerUm).filter((s) => s.layer === 'met1'), ...cellMet1Shapes], half: half('met1'), spacing: met1Spacing },
  });
  metrics['physical__route__pin_vias_kept_crowded__count'] = pinVias.keptCrowded;
  metrics['physical__route__pin_vias_outside__count'] = pinVias.outside;
  metrics['physical__route__pin_vias_moved__count'] = pinVias.moved;
  metrics['physical__route__pin_vias_kept_li1_wire__count'] = pinVias.keptLi1Wire;
  metrics['physical__route__pin_vias_kept_far__count'] = pinVias.keptFar;
  // Two li1–met1 vias one met1 track apart at one x: one moves the missing few nanometres along its pin.
  // Cut sizes and cut spacing per via (mcon, via, via2, ...) from the tech LEF, with sky130's where it has none.
  const cuts = lefViaCuts(o.techLef, o.dbuPerUm);
  const cutOf = (via: string, halfUm: number, spacingUm: number) => cuts.get(via) ?? { halfDbu: Math.round(halfUm * o.dbuPerUm), spacingDbu: Math.round(spacingUm * o.dbuPerUm) };
  const mcon = cutOf('L1M1_PR', 0.085, 0.19);
  const via1 = cutOf('M1M2_PR', 0.075, 0.17);
  const tapRules = {
    via: 'L1M1_PR',
    li1Half: half('li1'),
    met1Half: half('met1'),
    cutHalf: mcon.halfDbu,
    li1Spacing: Math.round(routingLayers.get('li1')!.spacingUm * o.dbuPerUm),
    met1Spacing,
    cutSpacing: mcon.spacingDbu,
    met1Width: Math.round(routingLayers.get('met1')!.widthUm * o.dbuPerUm),
  };
  // Clearance checks see the cells' met1 too (rails, other pins, obstructions).
  const taps = separateTapPairs(pinVias.text, pinCells, [...routedShapes(pinVias.text, vias, routingLayers, o.dbuPerUm), ...cellMet1Shapes], tapRules);
  metrics['physical__route__tap_pairs__count'] = taps.pairs;
  metrics['physical__route__tap_pairs_separated__count'] = taps.moved;
  metrics['physical__route__tap_pairs_merged__count'] = taps.merged;
  // li1–met1 vias still within met1 spacing of another net (a met1–met2 pad one track over, a rail) are
  // nudged 0.03 or 0.05 µm along their pin where that clears them.
  const nudgeShapes = routedShapes(taps.text, vias, routingLayers, o.dbuPerUm);
  const nudged = nudgeCrowdedVias(
    taps.text,
    pinCells,
    [...nudgeShapes.filter((s) => s.layer === 'met1'), ...cellMet1Shapes],
    [...nudgeShapes.filter((s) => s.layer === 'li1'), ...cellLi1Shapes],
    { ...tapRules, shiftsDbu: [0.03, 0.05].map((um) => Math.round(um * o.dbuPerUm)) },
  );
  metrics['physical__route__crowded_pin_vias__count'] = nudged.crowded;
  metrics['physical__route__crowded_pin_vias_moved__count'] = nudged.moved;
  // met1–met2 vias still crowding another net's met1 (mostly an li1–met1 pad one track over that could not
  // move) slide 0.03–0.05 µm along their met2 column, away from it.
  const upper = nudgeCrowdedUpperVias(nudged.text, 'M1M2_PR', vias, routingLayers, o.dbuPerUm, {
    cellShapes: cellMet1Shapes,
    cutHalfDbu: via1.halfDbu,
    cutSpacingDbu: via1.spacingDbu,
    shiftsDbu: [0.03, 0.05].map((um) => Math.round(um * o.dbuPerUm)),
  });
  metrics['physical__route__crowded_upper_vias__count'] = upper.crowded;
  metrics['physical__route__crowded_upper_vias_moved__count'] = upper.moved;
  // Wires qrouter ran a few nanometres off their track (to reach a pin) and that crowd another net go back on it.
  const tracks = new Map<string, { startDbu: number; stepDbu: number }>();
  for (const [name, layer] of routingLayers) {
    const m = new RegExp(`^TRACKS ${layer.direction === 'VERTICAL' ? 'X' : 'Y'} (\\S+) DO \\d+ STEP (\\d+) LAYER ${name} ;`, 'm').exec(upper.text);
    if (m) tracks.set(name, { startDbu: Math.round(Number(m[1])), stepDbu: Number(m[2]) });
  }
  const wires = alignOffsetWires(upper.text, vias, routingLayers, o.dbuPerUm, {
    cellShapes: cellMet1Shapes,
    tracks,
    maxOffsetDbu: Math.round(0.05 * o.dbuPerUm),
  });
  metrics['physical__route__offset_wires_crowded__count'] = wires.crowded;
  metrics['physical__route__offset_wires_aligned__count'] = wires.aligned;
  // A via still crowded, boxed in where it stands, goes to the next track with the whole segment it ends
  // (met2 between a met1–met2 and a met2–met3 via, say); the wires meeting that segment follow.
  const slides = slideCrowdedViaSegments(wires.text, vias, routingLayers, o.dbuPerUm, {
    cellShapes: [...cellMet1Shapes, ...cellLi1Shapes],
    pitchDbu: new Map([...tracks].map(([name, t]) => [name, t.stepDbu])),
    cuts,
    nudgesDbu: [0.03, 0.05].map((um) => Math.round(um * o.dbuPerUm)),
  });
  metrics['physical__route__crowded_via_segments__count'] = slides.crowded;
  metrics['physical__route__crowded_via_segments_slid__count'] = slides.slid;
  // Via stacks straight through a layer leave pads under its minimum area (met3 between met2 and met4):
  // each gets a wire stub of the layer's width, away from other nets.
  const stacks = patchStackMinArea(slides.text, vias, routingLayers, o.dbuPerUm);
  // Slots narrower than spacing between two shapes of one net (a via pad and the net's next via one track
  // away, or a route and its own pin: the notch qrouter leaves beside dfrtp_1's met1 RESET_B pin) get a
  // bridge of the net's own metal.
  // Only met1 pins take part: li1 pins sit closer than li1 spacing to other pins of their cell, and a
  // bridge to one would come near those (measured: li.3 14 -> 1,036 boxes on the DA tile).
  const met1Pins = netPinShapes(stacks.text, new Map([['met1', lefPinRects(o.cellLef, 'met1')]]));
  const gaps = fillSameNetGaps(stacks.text, vias, routingLayers, o.dbuPerUm, met1Pins, 1, cellMet1Shapes);
  // A bridge (or a route beside its own pin) can close a ring round a hole under MINENCLOSEDAREA (met1.7).
  const holes = fillSmallHoles(gaps.text, vias, routingLayers, o.dbuPerUm, met1Pins);
  metrics['physical__route__same_net_slots_filled__count'] = gaps.filled;
  metrics['physical__route__same_net_slots_diagonal__count'] = gaps.diagonal;
  metrics['physical__route__same_net_slots_diagonal_filled__count'] = gaps.diagonalFilled;
  metrics['physical__route__small_holes_filled__count'] = holes.filled;
  metrics['physical__route__small_holes_blocked__count'] = holes.blocked;
  metrics['physical__route__stack_min_area__count'] = stacks.small;
  metrics['physical__route__stack_min_area_patched__count'] = stacks.patched;
  metrics['physical__route__stack_min_area_blocked__count'] = stacks.blocked;
  // Top-level pins nothing routes (inputs no cell reads) grow to their layer's minimum area.
  const pins = growFloatingPins(holes.text, new Map([...routingLayers].map(([name, l]) => [name, l.minAreaUm2])), o.dbuPerUm);
  metrics['physical__route__floating_pins__count'] = pins.floating;
  metrics['physical__route__floating_pins_grown__count'] = pins.grown;
  return { text: pins.text, metrics };
}
