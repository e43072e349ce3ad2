/**
 * The OpenROAD-flow-scripts backend of Physical.Tiles (`--backend openroad`, edge: make in FLOW_HOME): each
 * tile's ORFS design (config.mk, constraint.sdc, the RTL), run through ORFS's Makefile, its metadata read into
 * the same metric names as the qflow backend. No OpenROAD exists on the machines this was built on; without
 * ORFS the run stops with a one-line error naming what is missing (the design files are still written).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, type Finding, type StageContext } from '@hardwire/core';
import { orfsDesignFiles, parseOrfsMetadata } from '@hardwire/eda';

/** Where OpenROAD-flow-scripts lives: FLOW_HOME (with its Makefile), else undefined. */
export function orfsHome(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.FLOW_HOME && existsSync(join(env.FLOW_HOME, 'Makefile')) ? env.FLOW_HOME : undefined;
}

/**
 * `--backend openroad`: write each tile's ORFS design (config.mk, constraint.sdc, the RTL) and run it through
 * `make` in FLOW_HOME, then read ORFS's metadata into the same metric names. Without OpenROAD-flow-scripts the
 * run stops with a clear error naming what is missing (the design files are still written).
 */
export async function runOpenroadBackend(ctx: StageContext<unknown>, ids: readonly string[], inputDir: string, outRoot: string, clockNs: number, density: number) {
  for (const id of ids) {
    const golden = JSON.parse(readFileSync(join(inputDir, id, 'golden.json'), 'utf8')) as { top: string };
    const dir = join(outRoot, id, 'orfs');
    mkdirSync(dir, { recursive: true });
    const files = orfsDesignFiles({ top: golden.top, verilog: join(outRoot, id, 'rtl.v'), sdc: join(dir, 'constraint.sdc'), clockNs, coreUtilizationPct: Math.round(density * 100), placeDensity: Math.min(0.9, density + 0.1) });
    writeFileSync(join(dir, 'config.mk'), files.configMk);
    writeFileSync(join(dir, 'constraint.sdc'), files.constraintSdc);
  }
  const home = orfsHome();
  if (!home) {
    const { execa } = await import('execa');
    const onPath = (await execa('which', ['openroad'], { reject: false })).exitCode === 0;
    throw new UserError(`--backend openroad: OpenROAD-flow-scripts not found (set FLOW_HOME to a checkout with its Makefile${onPath ? '; openroad is on PATH but the flow scripts are needed' : '; openroad is not on PATH either'}); the ORFS design files are written under ${outRoot}/<tile>/orfs/`);
  }
  const metrics: Record<string, number> = {};
  for (const id of ids) {
    const dir = join(outRoot, id, 'orfs');
    await ctx.exec('make', ['-C', home, `DESIGN_CONFIG=${join(dir, 'config.mk')}`], { timeoutMs: 6 * 3600_000 });
    await ctx.exec('make', ['-C', home, `DESIGN_CONFIG=${join(dir, 'config.mk')}`, 'metadata'], { timeoutMs: 600_000 });
    const golden = JSON.parse(readFileSync(join(inputDir, id, 'golden.json'), 'utf8')) as { top: string };
    const meta = join(home, 'reports', 'sky130hd', golden.top, 'base', 'metadata.json');
    for (const [k, v] of Object.entries(parseOrfsMetadata(readFileSync(meta, 'utf8')))) metrics[`${k}__tile:${id}`] = v;
  }
  return { views: { tilesPhysical: 'tiles' }, metrics, findings: [] as Finding[] };
}
