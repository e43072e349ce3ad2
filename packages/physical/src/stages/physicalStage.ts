/**
 * `Physical.Tiles`: each synthesized sample tile to routed, checked GDS in SKY130 with real open tools
 * (edge). Per tile: fanout buffering, graywolf placement through qflow, rows refilled with well taps and
 * power straps, qrouter, KLayout GDS + PNG, magic DRC, magic extraction + netgen LVS, OpenSTA. The
 * buffered netlist that is placed is proven again against the golden model with our gate simulator, so the
 * chain RTL = netlist (GateSim.Check) = placed netlist (here) = layout (LVS) is closed.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bool, type ConfigOf, defineStage, defineVars, executorConfig, executorVars, forEachBounded, int, num, oneOf, runScriptItems, writeJsonAtomic, type ExecutorConfig, type Finding, type StageContext } from '@hardwire/core';
import { chooseYosys, findKit, pdkRootVar, physicalToolVersions, writeTileLiberty } from '@hardwire/eda';
import { checkSeedVar } from '@hardwire/tiles';
import { readTileItemResult, runTileItem, type TileItemResult, type TileItemSpec } from '../drivers/tileItem.ts';
import { runOpenroadBackend } from '../drivers/openroad.ts';
import type { PhysicalOptions } from '../drivers/tileRun.ts';

const PHYSICAL_VARS = defineVars({
  density: num({ default: 0.32, min: 0.05, max: 0.9, doc: 'Initial cell density graywolf spreads the tile to (qflow initial_density); sets the die size. 0.32 gives a cell utilization of about 0.30 (the density curve is in docs/physical-flow.md).' }),
  maxFanout: int({ default: 12, min: 2, max: 64, doc: 'Largest fanout left after buffering (clock, tied resets and control nets become buffer trees).' }),
  tapSpacingUm: num({ default: 14, min: 2, max: 28, unit: 'µm', doc: 'Well-tap spacing in each row (sky130 latch-up rules).' }),
  strapPitchUm: num({ default: 50, min: 10, unit: 'µm', doc: 'Distance between power-strap pairs.' }),
  clockNs: num({ default: 10, min: 0.1, unit: 'ns', doc: 'Clock period for static timing.' }),
  placeSeed: int({ default: 12345, min: 0, doc: 'graywolf random seed.' }),
  imagePx: int({ default: 1600, min: 200, max: 8000, unit: 'px', doc: 'Side of the tile layout PNG.' }),
  drcStyle: oneOf(['drc(full)', 'drc(fast)'] as const, { default: 'drc(full)', doc: "magic DRC style of the kit's tech file." }),
  routeLayers: int({ default: 5, min: 3, max: 6, doc: 'qrouter layers from li1 up (5: li1 to met4; 4 stops at met3, 6 adds met5).' }),
  routeCleanup: bool({ default: false, doc: "Run qrouter's stage-3 cleanup rounds after the routes close (about twice the route time)." }),
  routeRepairRounds: int({ default: 7, min: 0, max: 20, doc: 'Re-routes with the sites of cross-net via spacing conflicts blocked (qrouter drops an li1–met1 via beside a met1–met2 via of another net); the best round is kept. 0: route once.' }),
  routePatience: int({ default: 2, min: 1, max: 20, doc: 'Repair rounds in a row that may fail to beat the best round (fewest unrouted, shorts, conflicts left) before the rounds stop.' }),
  drcReroutes: int({ default: 2, min: 0, max: 10, doc: "Where magic's DRC still finds errors, re-route with the routed vias at the error boxes blocked, up to this many times; a re-route is kept only when it is better (unrouted, shorts, DRC errors). 0: none." }),
  placementEcos: int({ default: 2, min: 0, max: 10, doc: 'Where the layout still fails after the DRC re-routes (unrouted nets, shorts, DRC errors), move the logic cells at the failures (slid a few sites along the row, or mirrored, keeping the flop pin-access rules) and route again, up to this many times; kept only when better. 0: none.' }),
  placeGlobalRoute: bool({ default: false, doc: "Let graywolf run its own global router (feedthroughs and channel routes qrouter never uses; ~97% of graywolf's time). false: graywolf places only and the flow writes the net file place2def reads." }),
  routeTimeoutS: int({ default: 3600, min: 60, unit: 's', doc: 'Longest qrouter run per tile before it counts as a tool failure.' }),
  physicalJobs: int({ default: 2, min: 1, max: 64, doc: 'Tiles implemented at once.' }),
  physical: bool({ default: true, doc: 'Run the physical flow (false: skip it, for quick logic-only runs).' }),
  backend: oneOf(['qflow', 'openroad'] as const, { default: 'qflow', doc: 'Physical backend: qflow (graywolf, qrouter, KLayout, magic, netgen, OpenSTA; Debian) or openroad (OpenROAD-flow-scripts at FLOW_HOME, or openroad on PATH).' }),
  checkSeed: checkSeedVar,
  pdkRoot: pdkRootVar,
  ...executorVars,
});

/** The options of one tile's physical run from the stage's config (`onStep` for progress lines). */
export function physicalOptions(c: ConfigOf<typeof PHYSICAL_VARS>, onStep?: (step: string) => void): PhysicalOptions {
  return {
    density: c.density,
    maxFanout: c.maxFanout,
    tapSpacingUm: c.tapSpacingUm,
    strapPitchUm: c.strapPitchUm,
    clockNs: c.clockNs,
    seed: c.placeSeed,
    imagePx: c.imagePx,
    drcStyle: c.drcStyle,
    routeTimeoutS: c.routeTimeoutS,
    routeLayers: c.routeLayers,
    placeGlobalRoute: c.placeGlobalRoute,
    routeCleanup: c.routeCleanup,
    routeRepairRounds: c.routeRepairRounds,
    routePatience: c.routePatience,
    drcReroutes: c.drcReroutes,
    placementEcos: c.placementEcos,
    onStep,
  };
}

/** The stage's defaults as tile options, for other stages that harden a tile (the assembly's sample tiles). */
export function defaultPhysicalOptions(): PhysicalOptions {
  const defaults = Object.fromEntries(Object.entries(PHYSICAL_VARS).map(([name, spec]) => [name, spec.default])) as ConfigOf<typeof PHYSICAL_VARS>;
  return physicalOptions(defaults);
}

export const physicalStage = defineStage({
  id: 'Physical.Tiles',
  summary: 'Place, route and check each sample tile in SKY130: qflow/graywolf, qrouter, KLayout GDS and PNG, magic DRC, netgen LVS, OpenSTA.',
  version: '1',
  inputs: ['tilesSynth'],
  outputs: ['tilesPhysical'],
  publish: { tilesPhysical: 'tiles' },
  vars: PHYSICAL_VARS,
  async cacheSalt(config) {
    const { backend, version } = await chooseYosys('auto');
    return { yosys: `${backend}-${version}`, tools: JSON.stringify(await physicalToolVersions()), kit: findKit(config.pdkRoot).liberty };
  },
  async run(ctx) {
    const c = ctx.config;
    const inputDir = ctx.inputPath('tilesSynth');
    const ids = readdirSync(inputDir).sort();
    const outRoot = join(ctx.stageDir, 'tiles');
    mkdirSync(outRoot, { recursive: true });
    const metrics: Record<string, number> = {};
    const findings: Finding[] = [];
    // Every tile keeps its synthesis files; the physical outputs join them.
    for (const id of ids) {
      mkdirSync(join(outRoot, id), { recursive: true });
      for (const f of readdirSync(join(inputDir, id))) copyFileSync(join(inputDir, id, f), join(outRoot, id, f));
    }
    if (!c.physical) {
      findings.push({ type: 'physical_skipped_warning', severity: 'warning', message: '--physical false: no layout was made' });
      return { views: { tilesPhysical: 'tiles' }, metrics, findings };
    }
    if (c.backend === 'openroad') return runOpenroadBackend(ctx, ids, inputDir, outRoot, c.clockNs, c.density);
    const { backend } = await chooseYosys('auto');
    const work = join(ctx.stageDir, 'work');
    const { libPath: libertyPath } = writeTileLiberty(findKit(c.pdkRoot), work);
    const options = physicalOptions(c);
    const specs: TileItemSpec[] = ids.map((id) => ({ id, inputDir: join(inputDir, id), outDir: join(outRoot, id), work: join(work, id), pdkRoot: c.pdkRoot, yosys: backend, libertyPath, options, checkSeed: c.checkSeed }));
    ctx.progress.start(ids.length, 'tiles', 'place, route, check');
    const results = await runTileItems(ctx, executorConfig(c, c.physicalJobs), specs);
    ctx.progress.finish();
    // Merged in tile order, whichever finished first.
    const summary: Record<string, unknown>[] = [];
    for (const { id, arch, metrics: m } of results) {
      for (const [k, v] of Object.entries(m)) {
        const [base, ...quals] = k.split('__step:');
        const key = quals.length ? `${base}__step:${quals[0]}__tile:${id}` : `${k}__tile:${id}`;
        metrics[key] = v;
      }
      for (const k of ['route__net__unrouted__count', 'drc__error__count', 'lvs__mismatch__count', 'physical__gatesim__mismatch__count']) {
        metrics[`${k}__arch:${arch}`] = (metrics[`${k}__arch:${arch}`] ?? 0) + m[k];
      }
      summary.push({ id, arch, ...m });
    }
    await writeJsonAtomic(join(ctx.stageDir, 'physical.json'), summary);
    return { views: { tilesPhysical: 'tiles' }, metrics, findings };
  },
});

/**
 * Every tile through `runTileItem`: in this process's bounded pool (`--executor local`, progress per step) or as
 * one Slurm job array of `tileItemMain.ts` items (`--executor slurm`). Results in tile order.
 */
async function runTileItems(ctx: StageContext<unknown>, executor: ExecutorConfig, specs: readonly TileItemSpec[]): Promise<TileItemResult[]> {
  const STEP = 'physical__step__wall_s__step:';
  const line = (r: TileItemResult) => {
    const m = r.metrics;
    const steps = Object.fromEntries(Object.entries(m).filter(([k]) => k.startsWith(STEP)).map(([k, v]) => [k.slice(STEP.length), v]));
    return `${r.id}: ${m.physical__design__instance__count} cells, ${m.route__net__unrouted__count}/${m.route__net__count} nets unrouted, ${m.drc__error__count} DRC errors, LVS ${m.lvs__match ? 'clean' : `${m.lvs__mismatch__count} mismatches`}, WNS ${m.timing__setup__ws} ns; steps ${JSON.stringify(steps)}`;
  };
  if (executor.executor === 'local') {
    const results: TileItemResult[] = new Array(specs.length);
    await forEachBounded(specs, executor.jobs, async (spec, index) => {
      results[index] = await runTileItem(ctx, spec, (step) => ctx.progress.note(step));
      ctx.log(line(results[index]));
      ctx.progress.advance(1);
    });
    return results;
  }
  const items = specs.map((spec) => ({ dir: spec.work, specFile: 'tile-item.json', spec }));
  await runScriptItems({ log: (l) => ctx.log(l), progress: ctx.progress }, 'physical-tiles', ctx.stageDir, 'packages/physical/src/drivers/tileItemMain.ts', items, executor);
  return specs.map((spec) => {
    const r = readTileItemResult(spec.outDir);
    ctx.log(line(r));
    return r;
  });
}
