/** `Check.Floorplan`: overlaps, tiles outside fields, fields outside the disc, stitch demand; findings fail the run at the end. */
import { readFileSync } from 'node:fs';
import { defineStage, defineVars, num } from '@hardwire/core';
import { checkFloorplan, type PlanTile } from '../checkFloorplan.ts';
import type { WaferField } from '../reticleGrid.ts';

export const floorplanCheckStage = defineStage({
  id: 'Check.Floorplan',
  summary: 'Check the floorplan: overlaps, tiles outside their field, fields outside the usable disc, field-edge wire demand against stitch capacity.',
  version: '1',
  inputs: ['floorplan'],
  outputs: [],
  vars: defineVars({ stitchWiresPerMm: num({ default: 10_000, min: 0, unit: 'wires/mm', doc: 'Wires a field edge can carry across the scribe lane per mm.' }) }),
  async run(ctx) {
    const plan = JSON.parse(readFileSync(ctx.inputPath('floorplan'), 'utf8')) as { usableRadius: number; wafers: Array<{ id: number; reticles: Array<Omit<WaferField, 'wafer'> & { used: boolean }> }>; tiles: PlanTile[] };
    const fields: WaferField[] = plan.wafers.flatMap((w) => w.reticles.filter((r) => r.used).map((r) => ({ ...r, wafer: w.id })));
    const result = checkFloorplan(plan.tiles, fields, plan.usableRadius, ctx.config.stitchWiresPerMm);
    for (const f of result.findings) ctx.log(`${f.type}: ${f.message}`);
    return {
      metrics: {
        floorplan__overlap__count: result.overlaps,
        floorplan__outside__count: result.outside,
        floorplan__field_outside__count: result.fieldsOutsideDisc,
        floorplan__stitch__overflow__count: result.stitchOverflows,
        floorplan__crossreticle__wires: result.crossReticleWires,
      },
      findings: result.findings,
    };
  },
});
