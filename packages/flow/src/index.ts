/** @hardwire/flow: the flows and the command line behind `npx nx run flow:<flow>`. */
export { main, runCli, loadFlow, listFlows, flowVars, flowHelp } from './cli.ts';
export { parseArgs } from './parseArgs.ts';
export { STAGE_IDS, loadStages, loadedStage } from './stageRegistry.ts';
