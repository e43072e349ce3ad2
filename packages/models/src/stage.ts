/** `Model.Inventory`: writes inventory.json (every tensor: name, shape, role) and the model's counts. */
import { defineStage, defineVars, writeJsonAtomic } from '@hardwire/core';
import { join } from 'node:path';
import { MODEL_CATALOG } from './catalog.ts';
import { buildInventory } from './inventory.ts';
import { modelVar } from './modelVar.ts';

export const inventoryStage = defineStage({
  id: 'Model.Inventory',
  summary: 'List every tensor of the model (name, shape, role) with exact parameter counts.',
  version: '1',
  inputs: [],
  outputs: ['inventory'],
  vars: defineVars({ model: modelVar }),
  async run(ctx) {
    const config = MODEL_CATALOG[ctx.config.model];
    const inventory = buildInventory(config);
    const publishedDelta = inventory.params - config.published.params;
    await writeJsonAtomic(join(ctx.stageDir, 'inventory.json'), inventory);
    ctx.log(`${inventory.model}: ${inventory.params} parameters in ${inventory.tensorCount} tensors`);
    return {
      views: { inventory: 'inventory.json' },
      metrics: {
        run__model__id: inventory.model,
        run__model__params: inventory.params,
        run__model__active_params: inventory.activeParams,
        run__model__tensors: inventory.tensorCount,
        run__model__published_params: config.published.params,
        // 1 when the counted total equals the published one at its published precision.
        run__model__published_match: Math.abs(publishedDelta) <= config.published.precision / 2 ? 1 : 0,
      },
    };
  },
});
