/** `BlockLib.Synthesize`: every kind of a configuration as Verilog, synthesized with yosys, proven at gate level (edge). */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, executorConfig, executorVars, sha256Hex, stableStringify, writeJsonAtomic } from '@hardwire/core';
import { cellArea, chooseYosys, findKit, flopCellsLiberty, netlistTransistors, parseCellLibrary, readMarkedLiberty, transistorCounts } from '@hardwire/eda';
import { compileNetlist, type YosysNetlistJson } from '@hardwire/gatesim';
import { blockVar, jobsVar, quantVar, signFoldVar } from '@hardwire/quant';
import { blockVerilog } from '../blockVerilog.ts';
import { daOutputBits, enumerateKinds, kindModuleName, parallelOutputBits, type KindSpec } from '../kinds.ts';
import { synthesizeBatches } from '../drivers/synthesizeBatches.ts';
import { blockArchVar, synthBatchVar, inputBitsVar, kindsVar, pdkRootVar, verifySeedVar, verifyVectorsVar, yosysVar } from '../vars.ts';
import { verifyBlock, type VerifyResult } from '../verifyBlock.ts';
import { workerCount } from '@hardwire/quant';

/** Bumped when the synthesis recipe or verification changes: part of every per-kind cache key. */
const RECIPE = 'blocks-synth-2'; // 2: no output-port buffers (a block's sign-extension bits are wires in a tile)

export interface LibraryKind {
  rank: number;
  coefficients: readonly number[];
  module: string;
  cells: number;
  areaUm2: number;
  transistors: number;
  cellsByType: Record<string, number>;
  verified: boolean;
  vectors: number;
  mismatches: number;
  exhaustive: boolean;
  cached: boolean;
}

export const blockLibStage = defineStage({
  id: 'BlockLib.Synthesize',
  summary: 'Generate every block kind (parallel or DA), synthesize it on SKY130 with yosys, count transistors, prove it at gate level.',
  version: '2',
  inputs: [],
  background: true,
  outputs: ['library'],
  publish: { library: 'library.json' },
  vars: defineVars({ quant: quantVar, block: blockVar, signFold: signFoldVar, blockArch: blockArchVar, inputBits: inputBitsVar, yosys: yosysVar, pdkRoot: pdkRootVar, jobs: jobsVar, synthBatch: synthBatchVar, verifyVectors: verifyVectorsVar, verifySeed: verifySeedVar, kinds: kindsVar, ...executorVars }),
  async cacheSalt(config) {
    const { backend, version } = await chooseYosys(config.yosys);
    const kit = findKit(config.pdkRoot);
    return { yosys: `${backend}-${version}`, kit: kit.liberty };
  },
  async run(ctx) {
    const c = ctx.config;
    const spec: KindSpec = { format: c.quant, k: c.block, signFold: c.signFold };
    const kit = findKit(c.pdkRoot);
    const { backend, version } = await chooseYosys(c.yosys);
    ctx.log(`kit ${kit.root}; yosys ${backend} ${version}`);
    const marked = readMarkedLiberty(kit.liberty, kit.dontUseList);
    const cells = parseCellLibrary(marked.text, kit.liberty);
    const perCell = transistorCounts(readFileSync(kit.cdl, 'utf8'));
    const libHash = sha256Hex(marked.text);
    const cdlHash = sha256Hex(readFileSync(kit.cdl));

    const allKinds = enumerateKinds(spec);
    const only = c.kinds ? c.kinds.split(',').map(Number) : undefined;
    const bad = only?.find((rank) => rank >= allKinds.length);
    if (bad !== undefined) throw new UserError(`--kinds: rank ${bad} is out of range (this configuration has ${allKinds.length} kinds, 0..${allKinds.length - 1})`);
    const kinds = only ? allKinds.filter((k) => only.includes(k.rank)) : allKinds;
    const work = join(ctx.stageDir, 'work');
    mkdirSync(join(ctx.stageDir, 'kinds'), { recursive: true });
    mkdirSync(work, { recursive: true });
    const libPath = join(work, 'cells.lib');
    writeFileSync(libPath, marked.text);
    const flopLibPath = join(work, 'cells_flops.lib');
    writeFileSync(flopLibPath, flopCellsLiberty(marked.text).text);

    const itemDir = (key: string) => (ctx.cacheDir ? join(ctx.cacheDir, 'items', 'blocks', key.slice(0, 2), key) : undefined);
    const entries = kinds.map((kind) => {
      const module = kindModuleName(spec, c.blockArch, kind.rank);
      const verilog = blockVerilog(spec, c.blockArch, kind, c.inputBits);
      const key = sha256Hex(stableStringify({ RECIPE, verilog, libHash, cdlHash, yosys: `${backend}-${version}`, verify: [c.verifyVectors, c.verifySeed] }));
      return { kind, module, verilog, key };
    });
    const results = new Map<string, LibraryKind>();
    const finish = (entry: (typeof entries)[number], stat: { cells: number; areaUm2: number; cellsByType: Record<string, number> }, netlistVerilog: string, netlistJson: string, cached: boolean) => {
      const netlist = compileNetlist(JSON.parse(netlistJson) as YosysNetlistJson, entry.module, cells);
      const verify: VerifyResult = verifyBlock(netlist, c.blockArch, entry.kind, c.inputBits, c.verifyVectors, c.verifySeed);
      if (verify.firstMismatch) ctx.log(`MISMATCH ${entry.module}: inputs ${verify.firstMismatch.inputs.join(',')} expected ${verify.firstMismatch.expected} got ${verify.firstMismatch.got}`);
      const { transistors, unknown } = netlistTransistors(stat.cellsByType, perCell);
      if (unknown.length > 0) throw new Error(`${entry.module}: cells missing from the CDL: ${unknown.join(', ')}`);
      const areaUm2 = cellArea(stat.cellsByType, cells);
      writeFileSync(join(ctx.stageDir, 'kinds', `${entry.module}.v`), netlistVerilog);
      writeFileSync(join(ctx.stageDir, 'kinds', `${entry.module}.json`), netlistJson);
      results.set(entry.module, {
        rank: entry.kind.rank,
        coefficients: entry.kind.coefficients,
        module: entry.module,
        cells: stat.cells,
        areaUm2: Number(areaUm2.toFixed(4)),
        transistors,
        cellsByType: stat.cellsByType,
        verified: verify.mismatches === 0,
        vectors: verify.vectors,
        mismatches: verify.mismatches,
        exhaustive: verify.exhaustive,
        cached,
      });
      const dir = itemDir(entry.key);
      if (dir && !cached) {
        mkdirSync(dir + '.partial', { recursive: true });
        writeFileSync(join(dir + '.partial', 'netlist.v'), netlistVerilog);
        writeFileSync(join(dir + '.partial', 'netlist.json'), netlistJson);
        writeFileSync(join(dir + '.partial', 'stat.json'), JSON.stringify(stat));
        rmSync(dir, { recursive: true, force: true });
        renameSync(dir + '.partial', dir);
      }
    };

    ctx.progress.start(kinds.length, 'kinds', `${c.blockArch} synth+verify`);
    const todo: typeof entries = [];
    for (const entry of entries) {
      const dir = itemDir(entry.key);
      if (dir && existsSync(join(dir, 'stat.json'))) {
        finish(entry, JSON.parse(readFileSync(join(dir, 'stat.json'), 'utf8')), readFileSync(join(dir, 'netlist.v'), 'utf8'), readFileSync(join(dir, 'netlist.json'), 'utf8'), true);
        ctx.progress.advance(1);
      } else todo.push(entry);
    }
    ctx.log(`${kinds.length} kinds, ${kinds.length - todo.length} from the per-kind cache, ${todo.length} to synthesize`);
    const byModule = new Map(todo.map((e) => [e.module, e]));
    await synthesizeBatches(ctx, { backend, liberty: libPath, flopLiberty: flopLibPath, workDir: work, jobs: workerCount(c.jobs), batchSize: c.synthBatch, executor: executorConfig(c, workerCount(c.jobs)) }, todo, (batch) => {
      for (const r of batch) finish(byModule.get(r.module)!, r.stat, r.netlistVerilog, r.netlistJson, false);
      ctx.progress.advance(batch.length);
    });
    ctx.progress.finish();
    rmSync(work, { recursive: true, force: true });

    const library = entries.map((e) => results.get(e.module)!);
    const outputBits = c.blockArch === 'parallel' ? parallelOutputBits(spec, c.inputBits) : daOutputBits(spec);
    await writeJsonAtomic(join(ctx.stageDir, 'library.json'), {
      format: c.quant,
      k: c.block,
      kindsPossible: allKinds.length,
      signFold: c.signFold,
      arch: c.blockArch,
      inputBits: c.blockArch === 'parallel' ? c.inputBits : 1,
      outputBits,
      yosys: { backend, version },
      kit: kit.root,
      dontUse: marked.marked.length,
      kinds: library.map(({ cached: _cached, ...rest }) => rest),
    });
    const verified = library.filter((k) => k.verified).length;
    const mean = (f: (k: LibraryKind) => number) => library.reduce((s, k) => s + f(k), 0) / library.length;
    return {
      views: { library: 'library.json' },
      metrics: {
        blocks__library__kinds: library.length,
        blocks__library__synthesized: library.length,
        blocks__library__verified: verified,
        blocks__library__cache_hits: library.filter((k) => k.cached).length,
        blocks__verify__vectors: library.reduce((s, k) => s + k.vectors, 0),
        blocks__verify__mismatch__count: library.reduce((s, k) => s + k.mismatches, 0),
        blocks__area__mean_um2: Number(mean((k) => k.areaUm2).toFixed(3)),
        blocks__cells__mean: Number(mean((k) => k.cells).toFixed(3)),
        blocks__transistors__mean: Number(mean((k) => k.transistors).toFixed(3)),
        blocks__transistors__max: Math.max(...library.map((k) => k.transistors)),
      },
    };
  },
});
