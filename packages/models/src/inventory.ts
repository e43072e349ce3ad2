/** The inventory (pure): the single list of tensors later stages iterate over. */
import { activeParameterCount, elementCount, modelTensors } from './modelTensors.ts';
import type { ModelConfig, TensorInfo } from './types.ts';

export interface Inventory {
  model: string;
  displayName: string;
  config: ModelConfig;
  params: number;
  activeParams: number;
  tensorCount: number;
  tensors: Array<TensorInfo & { params: number }>;
}

/** Build a model's inventory. */
export function buildInventory(config: ModelConfig): Inventory {
  const tensors = modelTensors(config).map((t) => ({ ...t, params: elementCount(t.shape) }));
  return {
    model: config.id,
    displayName: config.displayName,
    config,
    params: tensors.reduce((sum, t) => sum + t.params, 0),
    activeParams: activeParameterCount(config),
    tensorCount: tensors.length,
    tensors,
  };
}
