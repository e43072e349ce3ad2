/** Step 2, placement (edge: qflow, graywolf): graywolf through qflow's own scripts, in a qflow project with our tech folder. */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QFLOW_TECH, graywolfNetFile, graywolfPar, qflowMagicrc, qflowProjectVars, qflowTechScript } from '@hardwire/eda';
import type { TileRun } from './tileRun.ts';

export async function placeStep(r: TileRun): Promise<void> {
  const { ctx, kit, tile, project, layoutDir, o } = r;
  const techDir = join(project, 'tech', QFLOW_TECH);
  for (const d of [techDir, join(project, 'source'), join(project, 'synthesis'), layoutDir]) mkdirSync(d, { recursive: true });
  writeFileSync(join(techDir, `${QFLOW_TECH}.sh`), qflowTechScript({ cellLef: r.cellLef, techLef: kit.techLef, liberty: r.libertyPath, cdl: kit.cdl, gds: kit.gds, verilog: kit.verilogCells, magicDir: join(r.magicTech, '..') }));
  writeFileSync(join(techDir, `${QFLOW_TECH}.par`), graywolfPar(o.seed, o.placeGlobalRoute));
  writeFileSync(join(techDir, `${QFLOW_TECH}.magicrc`), qflowMagicrc(join(r.magicTech, '..')));
  writeFileSync(join(project, 'project_vars.sh'), qflowProjectVars({ density: o.density }));
  copyFileSync(tile.rtl, join(project, 'source', `${tile.top}.v`));
  copyFileSync(join(r.work, 'placed.blif'), join(project, 'synthesis', `${tile.top}.blif`));
  if (!o.placeGlobalRoute) {
    // graywolf without its global router writes no `<top>.pin`, the net file place2def reads its NETS from
    // (qflow's placement script only checks that the file exists). Write it from the same .cel graywolf reads:
    // qflow's blif2cel, found through the qflow_vars.sh that `qflow` writes for a project with no action.
    await ctx.exec('qflow', ['-T', QFLOW_TECH, tile.top], { cwd: project, timeoutMs: 60_000 });
    const scriptDir = /^set scriptdir=(.+)$/m.exec(readFileSync(join(project, 'qflow_vars.sh'), 'utf8'))?.[1]?.trim();
    if (!scriptDir) throw new Error(`${join(project, 'qflow_vars.sh')} names no scriptdir`);
    const cel = join(layoutDir, `${tile.top}.cel`);
    await ctx.exec(join(scriptDir, 'blif2cel.tcl'), ['--blif', join(project, 'synthesis', `${tile.top}.blif`), '--lef', kit.techLef, '--lef', r.cellLef, '--cel', cel], { cwd: project, timeoutMs: 10 * 60_000 });
    const nets = graywolfNetFile(readFileSync(cel, 'utf8'));
    writeFileSync(join(layoutDir, `${tile.top}.pin`), nets.text);
    r.metrics['physical__place__nets__count'] = nets.nets;
  }
  await ctx.exec('qflow', ['-T', QFLOW_TECH, 'place', tile.top], { cwd: project, timeoutMs: 30 * 60_000 });
  if (!existsSync(join(layoutDir, `${tile.top}.def`))) throw new Error(`qflow place wrote no ${join(layoutDir, `${tile.top}.def`)} (see ${join(project, 'log', 'place.log')})`);
}
