/** `Quant.Stats`: quantize every covered weight matrix and measure its block kinds (edge: files, workers). */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, writeFileAtomic, writeJsonAtomic } from '@hardwire/core';
import { LAYER_MATRIX_ROLES, MODEL_CATALOG, modelVar, openWeights, syntheticStd, type Inventory } from '@hardwire/models';
import { FORMATS, levelCount } from './formats.ts';
import { kindCount } from './multisetRank.ts';
import { buildStatsReport, statsCsv, type TensorEntry } from './statsReport.ts';
import type { StatsSpec } from './tensorStats.ts';
import { blockVar, groupVar, includeEmbeddingsVar, jobsVar, quantVar, seedVar, signFoldVar, tailDofVar, tailsVar, weightsVar } from './vars.ts';
import { runStatsPool } from './workers/runStatsPool.ts';
import type { StatsTask } from './workers/protocol.ts';

export const statsStage = defineStage({
  id: 'Quant.Stats',
  summary: 'Quantize the weight matrices (real or synthetic) and count block kinds per tensor and layer.',
  version: '1',
  inputs: ['inventory'],
  outputs: ['blocks', 'blocksCsv'],
  vars: defineVars({
    model: modelVar,
    quant: quantVar,
    block: blockVar,
    group: groupVar,
    signFold: signFoldVar,
    weights: weightsVar,
    seed: seedVar,
    tails: tailsVar,
    tailDof: tailDofVar,
    includeEmbeddings: includeEmbeddingsVar,
    jobs: jobsVar,
  }),
  async cacheSalt(config) {
    return { weights: await weightsFingerprint(config.weights) };
  },
  async run(ctx) {
    const c = ctx.config;
    const inventory = JSON.parse(await readFile(ctx.inputPath('inventory'), 'utf8')) as Inventory;
    const config = MODEL_CATALOG[inventory.model];
    const fixed = FORMATS[c.quant].fixedGroup;
    if (fixed !== undefined && c.group !== 'row' && c.group !== fixed) throw new UserError(`--group ${c.group}: ${c.quant} fixes its scale group at ${fixed}`);
    const spec: StatsSpec = { format: c.quant, group: c.group, k: c.block, signFold: c.signFold };
    const covered = inventory.tensors.filter((t) => LAYER_MATRIX_ROLES.includes(t.role) || (c.includeEmbeddings && (t.role === 'embed' || t.role === 'head')));
    const stored = c.weights ? openWeights(c.weights, config) : undefined;
    const storedByName = new Map(stored?.tensors.map((t) => [t.name, t]));
    const tails = c.tails === 'gaussian' ? ({ kind: 'gaussian' } as const) : ({ kind: 'student-t', dof: c.tailDof } as const);
    const tasks: StatsTask[] = covered.map((t, id) => ({
      id,
      shape: t.shape,
      source: stored ? { kind: 'file', tensor: storedByName.get(t.name)! } : { kind: 'synthetic', name: t.name, seed: c.seed, tails, std: syntheticStd(t) },
    }));
    const total = covered.reduce((s, t) => s + t.params, 0);
    ctx.log(`${covered.length} tensors, ${total} coefficients, ${stored ? `weights ${stored.format} ${stored.path}` : `synthetic seed ${c.seed} ${c.tails}`}`);
    ctx.progress.start(total, 'coefficients', c.quant);
    const results = await runStatsPool(tasks, spec, c.jobs, (n) => ctx.progress.advance(n));
    ctx.progress.finish();
    const entries: TensorEntry[] = covered.map((t, id) => ({ name: t.name, role: t.role, layer: t.layer, shape: t.shape, result: results.get(id)! }));
    const report = buildStatsReport(entries, spec);
    const kindsPossible = kindCount(levelCount(c.quant, c.signFold), c.block);
    await writeJsonAtomic(join(ctx.stageDir, 'blocks.json'), {
      model: inventory.model,
      source: stored ? { kind: stored.format, path: stored.path } : { kind: 'synthetic', seed: c.seed, tails },
      quant: c.quant,
      block: c.block,
      group: c.group,
      signFold: c.signFold,
      levels: levelCount(c.quant, c.signFold),
      kindsPossible,
      ...report,
    });
    await writeFileAtomic(join(ctx.stageDir, 'blocks.csv'), statsCsv(entries, spec));
    const o = report.overall;
    return {
      views: { blocks: 'blocks.json', blocksCsv: 'blocks.csv' },
      metrics: {
        quant__coefficients__count: o.coefficients,
        quant__tensors__count: covered.length,
        quant__blocks__count: o.blocks,
        quant__blocks__kinds_possible: kindsPossible,
        quant__blocks__kinds_used: o.kindsUsed,
        quant__blocks__top10_share: round(o.top10Share),
        quant__blocks__entropy_bits: round(o.entropyBits),
        quant__blocks__distinct_tuples_per_group: round(o.distinctTuplesPerGroup),
        quant__blocks__shared_instance_fraction: round(o.sharedInstanceFraction),
        quant__error__rel_rmse: round(o.relRmse),
        quant__error__snr_db: o.snrDb === null ? 999 : round(o.snrDb),
      },
    };
  },
});

function round(x: number): number {
  return Number(x.toPrecision(6));
}

/** Size and modification time of the weights, for the cache key (hashing GBs would cost more than the stage). */
export async function weightsFingerprint(path: string | undefined): Promise<string> {
  if (!path) return 'synthetic';
  const info = await stat(path).catch(() => undefined);
  if (!info) return `${path}:missing`;
  if (!info.isDirectory()) return `${path}:${info.size}:${info.mtimeMs}`;
  const parts: string[] = [];
  for (const name of (await readdir(path)).sort()) {
    const child = await stat(join(path, name));
    parts.push(`${name}:${child.size}:${child.mtimeMs}`);
  }
  return `${path}/{${parts.join(',')}}`;
}
