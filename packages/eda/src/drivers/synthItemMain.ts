/**
 * One tile synthesis as a self-contained work item (edge, a process of its own): `tsx synthItemMain.ts ITEM.json`
 * reads the options (tile folder, top, Liberty and CDL paths, fanout, clock), runs `synthesizeTile` there and
 * writes `synth-result.json`. The Slurm executor runs it on any node that sees the shared filesystem.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execLogged, writeFileAtomicSync, type ExecOptions } from '@hardwire/core';
import { transistorCounts } from '../cdl/transistorCounts.ts';
import { parseCellLibrary } from '../liberty/cellLibrary.ts';
import { synthesizeTile } from './synthesizeTile.ts';
import type { SynthItemSpec } from './synthesizeTiles.ts';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as SynthItemSpec;
const targets = { commandsFile: join(spec.workDir, 'COMMANDS'), logFile: join(spec.workDir, 'synth-item.log') };
const ctx = {
  log: (line: string) => appendFileSync(targets.logFile, `${line}\n`),
  exec: (exe: string, argv: readonly string[], options?: ExecOptions) => execLogged(exe, argv, targets, options),
};
const result = await synthesizeTile(ctx, {
  backend: spec.backend,
  workDir: spec.workDir,
  top: spec.top,
  libPath: spec.libPath,
  cells: parseCellLibrary(readFileSync(spec.libPath, 'utf8')),
  perCell: transistorCounts(readFileSync(spec.cdlPath, 'utf8')),
  maxFanout: spec.maxFanout,
  staClockNs: spec.staClockNs,
});
writeFileAtomicSync(join(spec.workDir, 'synth-result.json'), JSON.stringify(result));
