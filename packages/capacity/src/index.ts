/** @hardwire/capacity: calibrated silicon estimates per model, node and architecture, and the largest model per wafer. */
export * from './constants.ts';
export * from './calibrate.ts';
export * from './estimate.ts';
export * from './instances.ts';
export * from './largest.ts';
export * from './answer.ts';
export * from './sensitivity.ts';
export { calibrateStage } from './stages/calibrateStage.ts';
export { estimateStage, routedUtilization, studyStage } from './stages/studyStages.ts';
export * from './schedule/schedule.ts';
export * from './schedule/search.ts';
export * from './power.ts';
