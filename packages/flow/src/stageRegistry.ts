/** Every stage Hardwire knows, by id. Flow files pick from these. */
import { checkRulesStage, type AnyStage } from '@hardwire/core';
import { inventoryStage } from '@hardwire/models';

const ALL_STAGES: AnyStage[] = [inventoryStage as AnyStage, checkRulesStage as AnyStage];

/** Stage id -> stage. */
export const STAGES: ReadonlyMap<string, AnyStage> = new Map(ALL_STAGES.map((stage) => [stage.id, stage]));
