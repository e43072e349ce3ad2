/** Every stage Hardwire knows, by id. Flow files pick from these. */
import { checkRulesStage, type AnyStage } from '@hardwire/core';
import { inventoryStage } from '@hardwire/models';
import { statsStage } from '@hardwire/quant';
import { blockLibStage, placementStage } from '@hardwire/blocks';
import { permuteStage } from '@hardwire/permute';
import { synthesisStage } from '@hardwire/eda';
import { gateSimCheckStage, physicalStage, tileGenerateStage } from '@hardwire/tiles';
import { floorplanCheckStage, waferStage } from '@hardwire/floorplan';
import { reportStage, waferMapStage } from '@hardwire/render';
import { assembleStage } from '@hardwire/assembly';
import { calibrateStage, estimateStage, studyStage } from '@hardwire/capacity';

const ALL_STAGES: AnyStage[] = [inventoryStage, statsStage, blockLibStage, placementStage, permuteStage, tileGenerateStage, synthesisStage, gateSimCheckStage, physicalStage, waferStage, floorplanCheckStage, waferMapStage, assembleStage, calibrateStage, estimateStage, studyStage, reportStage, checkRulesStage].map((stage) => stage as unknown as AnyStage);

/** Stage id -> stage. */
export const STAGES: ReadonlyMap<string, AnyStage> = new Map(ALL_STAGES.map((stage) => [stage.id, stage]));
