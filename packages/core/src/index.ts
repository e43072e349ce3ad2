/** @hardwire/core: stages, vars, metrics, flow files and the runner. */
export * from './errors.ts';
export * from './didYouMean.ts';
export * from './naming.ts';
export * from './hash.ts';
export * from './vars.ts';
export * from './metrics.ts';
export * from './stage.ts';
export * from './flowSpec.ts';
export * from './checkRules.ts';
export { checkRulesStage } from './stages/checkRulesStage.ts';
export { runFlow, resolveFlowConfig, resolveStageRef, stageEnabled, type RunFlowOptions, type RunFlowResult } from './runner.ts';
export { writeFileAtomic, writeFileAtomicSync, writeJsonAtomic } from './io/atomic.ts';
export { hashFile, hashPath, listFiles, sourceTreeHash } from './io/hashPath.ts';
export { createProgress, type ProgressSink } from './io/progress.ts';
export { execLogged, commandLine, shellQuote } from './io/exec.ts';
export { REPO_ROOT, fixtureFile } from './io/paths.ts';
export { createTsWorker } from './io/tsWorker.ts';
export { mulberry32 } from './random.ts';
