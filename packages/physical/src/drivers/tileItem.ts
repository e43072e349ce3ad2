/**
 * One sample tile's physical run as a work item (edge): place, route and check it (`implementTile`), then prove
 * the placed (buffered) netlist against the golden model with our gate simulator, and write the tile's metrics
 * to `physical.json` in its folder. Everything it needs is in a JSON spec (paths and options), so it runs in the
 * stage's own process (`--executor local`) or as a process of its own on any node that sees the files
 * (`tileItemMain.ts`, `--executor slurm`); the stage reads the results in tile order either way.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '@hardwire/core';
import { findKit, parseCellLibrary, type YosysBackend } from '@hardwire/eda';
import { compileNetlist, type YosysNetlistJson } from '@hardwire/gatesim';
import { checkTile, tileVectors } from '@hardwire/tiles';
import { SKY130HD } from '../tech/sky130hd.ts';
import { implementTile } from './implementTile.ts';
import type { PhysicalCtx, PhysicalOptions } from './tileRun.ts';

/** The file a tile item writes its metrics to (in the tile's deliverable folder). */
export const TILE_RESULT = 'physical.json';

interface Golden { top: string; rows: number; cols: number; inputBits: number; outputBits: number; codes: number[][]; arch: string }

export interface TileItemSpec {
  readonly id: string;
  /** The synthesized tile's folder (golden.json, netlist.json, rtl.v). */
  readonly inputDir: string;
  readonly outDir: string;
  readonly work: string;
  readonly pdkRoot?: string;
  readonly yosys: YosysBackend;
  /** The tile Liberty the stage wrote (cells marked, read again by the item). */
  readonly libertyPath: string;
  readonly options: Omit<PhysicalOptions, 'onStep'>;
  readonly checkSeed: number;
}

/** A tile's result: its metrics include each step's wall time (`physical__step__wall_s__step:<step>`). */
export interface TileItemResult {
  readonly id: string;
  readonly arch: string;
  readonly metrics: Record<string, number>;
}

/** The result a tile item wrote to its deliverable folder. */
export function readTileItemResult(outDir: string): TileItemResult {
  const { id, arch, ...metrics } = JSON.parse(readFileSync(join(outDir, TILE_RESULT), 'utf8')) as { id: string; arch: string } & Record<string, number>;
  return { id, arch, metrics };
}

/** Implement and prove one tile; the result is also written to `outDir/physical.json`. */
export async function runTileItem(ctx: PhysicalCtx, spec: TileItemSpec, onStep?: (step: string) => void): Promise<TileItemResult> {
  const { id } = spec;
  const golden = JSON.parse(readFileSync(join(spec.inputDir, 'golden.json'), 'utf8')) as Golden;
  const kit = findKit(spec.pdkRoot);
  const cells = parseCellLibrary(readFileSync(spec.libertyPath, 'utf8'), spec.libertyPath);
  const result = await implementTile(ctx, {
    kit,
    tech: SKY130HD,
    cells,
    libertyPath: spec.libertyPath,
    yosys: spec.yosys,
    tile: { id, top: golden.top, netlistJson: join(spec.inputDir, 'netlist.json'), rtl: join(spec.inputDir, 'rtl.v') },
    work: spec.work,
    outDir: spec.outDir,
    options: { ...spec.options, onStep },
  });
  // The placed (buffered) netlist is the one in the layout: prove it against the golden model too.
  const placed = JSON.parse(readFileSync(join(spec.work, 'placed.json'), 'utf8')) as YosysNetlistJson;
  const netlist = compileNetlist(placed, golden.top, cells);
  const vectors = tileVectors(golden.cols, golden.inputBits, 1000, spec.checkSeed);
  const proof = checkTile(netlist, golden.codes.flat(), golden.rows, golden.cols, golden.inputBits, golden.outputBits, vectors, 32);
  copyFileSync(join(spec.work, 'placed.json'), join(spec.outDir, 'placed.json'));
  const metrics = { ...result.metrics, physical__gatesim__vectors__count: proof.vectors, physical__gatesim__mismatch__count: proof.mismatches };
  await writeJsonAtomic(join(spec.outDir, TILE_RESULT), { id, arch: golden.arch, ...metrics });
  return { id, arch: golden.arch, metrics };
}
