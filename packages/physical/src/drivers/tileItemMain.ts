/**
 * One tile's physical run as a process of its own (edge): `tsx tileItemMain.ts tile-item.json` runs `runTileItem`
 * with the spec and logs to `tile-item.log` and `COMMANDS` in the tile's scratch folder. The Slurm executor runs it
 * on any node that sees the shared filesystem.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execLogged, type ExecOptions } from '@hardwire/core';
import { runTileItem, type TileItemSpec } from './tileItem.ts';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as TileItemSpec;
mkdirSync(spec.work, { recursive: true });
const targets = { commandsFile: join(spec.work, 'COMMANDS'), logFile: join(spec.work, 'tile-item.log') };
const ctx = {
  log: (line: string) => appendFileSync(targets.logFile, `${line}\n`),
  exec: (exe: string, argv: readonly string[], options?: ExecOptions) => execLogged(exe, argv, targets, options),
};
await runTileItem(ctx, spec, (step) => ctx.log(step));
