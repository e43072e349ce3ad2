/** `Tile.Generate`: cut a window of a layer matrix, quantize it, plan its blocks and write RTL plus the golden model (edge). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, sha256Hex, tsWorkerReply, writeJsonAtomic } from '@hardwire/core';
import { LAYER_MATRIX_ROLES, MODEL_CATALOG, WeightReader, fillSynthetic, matrixDims, modelVar, openWeights, quantileTable, syntheticStd, tensorStreamKey, type Inventory } from '@hardwire/models';
import { inputBitsVar } from '@hardwire/blocks';
import { FORMATS, blockVar, effectiveGroup, foldedValues, groupVar, quantVar, quantizeRows, seedVar, signFoldVar, tailDofVar, tailsVar, weightsFingerprint, weightsVar } from '@hardwire/quant';
import { planTile, tileOutputBits } from '../planTile.ts';
import { buildTile, shareOptions, type TileArch, type TileStructure } from '../buildTile.ts';
import { expandTileArchs, shareLevelsVar, shareMinUsesVar, tensorVar, tileArchsVar, tileAtVar, tileSizesVar, tileVar, windowsVar } from '../vars.ts';
import { parseWindowsFile, windowSuffix, type TileWindow } from '../windows.ts';

/** `model.layers.0.self_attn.q_proj.weight` -> `l0.q_proj`. */
export function shortTensorName(name: string): string {
  const m = /layers\.(\d+)\.(?:\w+\.)?(\w+?)(?:\.weight)?$/.exec(name);
  return m ? `l${m[1]}.${m[2]}` : name.replace(/\.weight$/, '').replace(/[^A-Za-z0-9_.]/g, '_');
}

/** The vars the tile generator reads (model, weights and quantization): shared by every stage that cuts tiles. */
export const tileGenVars = { model: modelVar, weights: weightsVar, quant: quantVar, block: blockVar, group: groupVar, seed: seedVar, tails: tailsVar, tailDof: tailDofVar, inputBits: inputBitsVar, shareMinUses: shareMinUsesVar, shareLevels: shareLevelsVar, signFold: signFoldVar };

/** Config of the tile generator (the Tile.Generate vars). */
export interface TileGenConfig {
  readonly weights?: string;
  readonly quant: keyof typeof FORMATS;
  readonly block: number;
  readonly group: number | 'row';
  readonly seed: number;
  readonly tails: string;
  readonly tailDof: number;
  readonly inputBits: number;
  /** bitserial-shared: pairs used by at least this many rows; levels of sums (defaults 3 and 2). */
  readonly shareMinUses?: number;
  readonly shareLevels?: number;
  /** da, parallel: kinds as sorted magnitudes, negative coefficients' columns read inverted. */
  readonly signFold?: boolean;
}

/**
 * Cut a window of a matrix (real or synthetic weights), quantize whole rows, plan the blocks and write one
 * tile folder per architecture (`rtl.v`, `golden.json`) under `outRoot` (edge: reads weights).
 */
export interface TileFoldersRequest {
  c: TileGenConfig;
  inventory: Inventory;
  tensorName?: string;
  rows: number;
  cols: number;
  row: number;
  col: number;
  archs: readonly TileArch[];
  outRoot: string;
  idSuffix?: string;
}

export async function writeTileFolders(o: TileFoldersRequest & { onProgress?: (message: string) => void }) {
  const { c, inventory } = o;
  const config = MODEL_CATALOG[inventory.model];
  const tensor = o.tensorName
    ? inventory.tensors.find((t) => t.name === o.tensorName)
    : (inventory.tensors.find((t) => t.role === 'attn.q' && t.layer === 0) ?? inventory.tensors.find((t) => LAYER_MATRIX_ROLES.includes(t.role)));
  if (!tensor) throw new UserError(`--tensor ${o.tensorName}: no such tensor in ${inventory.model} (see inventory.json)`);
  const { rows: R, cols: C } = matrixDims(tensor.shape);
  const { rows, cols, row, col } = o;
  if (row + rows > R || col + cols > C) throw new UserError(`--tile ${rows}x${cols} at --tile-at ${row},${col} does not fit ${tensor.name} [${R}, ${C}]`);
  if (cols % c.block !== 0) throw new UserError(`--tile ${rows}x${cols}: ${cols} columns are not a multiple of --block ${c.block}`);

  // Whole rows are quantized (scales span the input dimension), then the window's columns are kept.
  const values = new Float32Array(rows * C);
  const stored = c.weights ? openWeights(c.weights, config).tensors.find((t) => t.name === tensor.name)! : undefined;
  const reader = new WeightReader();
  const read = (start: number, count: number, out: Float32Array) => {
    if (stored) reader.readRows(stored, start, count, out);
    else {
      const tails = c.tails === 'gaussian' ? ({ kind: 'gaussian' } as const) : ({ kind: 'student-t', dof: c.tailDof } as const);
      fillSynthetic(out.subarray(0, count * C), start * C, syntheticStd(tensor), tensorStreamKey(c.seed, tensor.name), quantileTable(tails));
    }
  };
  read(row, rows, values);
  let tensorAbsMax: number | undefined;
  if (c.quant === 'fp4-nv') {
    tensorAbsMax = 0;
    const chunk = new Float32Array(Math.max(1, Math.floor(65_536 / C)) * C);
    for (let r = 0; r < R; r += chunk.length / C) {
      const n = Math.min(chunk.length / C, R - r);
      read(r, n, chunk);
      for (let i = 0; i < n * C; i++) tensorAbsMax = Math.max(tensorAbsMax, Math.abs(chunk[i]));
    }
  }
  reader.close();
  const levels = new Uint8Array(rows * C);
  const group = effectiveGroup({ format: c.quant, group: c.group, k: c.block, signFold: false }, C);
  quantizeRows(values, rows, C, { format: c.quant, group, tensorAbsMax }, levels, { sumSq: 0, errSq: 0 });
  const levelValues = FORMATS[c.quant].levelValues;
  const codes = new Int32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) codes[r * cols + j] = levelValues[levels[r * C + col + j]];
  const signFold = c.signFold ?? false;
  const magnitudes = foldedValues(c.quant);
  const levelIndex = signFold ? (magnitude: number) => magnitudes.indexOf(magnitude) : (code: number) => levelValues.indexOf(code);
  const plan = planTile(codes, rows, cols, c.block, levelIndex, signFold);
  const outputBits = tileOutputBits(codes, rows, cols, c.inputBits);
  const base = `${shortTensorName(tensor.name)}-r${row}c${col}${o.idSuffix ?? ''}-${rows}x${cols}`;
  const ids: string[] = [];
  const structures: Record<string, TileStructure> = {};
  for (const arch of o.archs) {
    const id = `${base}-${arch}`;
    const top = `tile_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
    const dir = join(o.outRoot, id);
    mkdirSync(dir, { recursive: true });
    o.onProgress?.(`${id}: generating`);
    const built = buildTile(codes, rows, cols, levelIndex, { top, arch, spec: { format: c.quant, k: c.block, signFold }, inputBits: c.inputBits, outputBits, share: shareOptions(c.inputBits, { minUses: c.shareMinUses, maxWidth: c.inputBits + (c.shareLevels ?? 2) }) });
    writeFileSync(join(dir, 'rtl.v'), built.verilog);
    structures[arch] = built.structure;
    await writeJsonAtomic(join(dir, 'golden.json'), {
      top,
      rows,
      cols,
      inputBits: c.inputBits,
      outputBits,
      codes: Array.from({ length: rows }, (_, r) => Array.from(codes.subarray(r * cols, (r + 1) * cols))),
      arch,
      cyclesPerVector: built.structure.cyclesPerVector,
      tensor: tensor.name,
      window: { row, col },
      format: c.quant,
      k: c.block,
      signFold,
      blocks: plan.blocks,
      zeroBlocks: plan.zeroBlocks,
      instances: plan.instances.length,
      kinds: new Set(plan.instances.map((i) => i.kindRank)).size,
      structure: built.structure,
    });
    ids.push(id);
  }
  return { plan, outputBits, ids, tensor, rows, cols, row, col, structures };
}

/**
 * `writeTileFolders` in a worker thread: the same folders, while this thread keeps serving the stages running
 * beside the caller (a 64x1024 tile takes half a minute to generate). Returns the tile ids in arch order; a
 * user error in the worker is a UserError here.
 */
export async function writeTileFoldersOffThread(request: TileFoldersRequest): Promise<{ ids: string[] }> {
  const reply = await tsWorkerReply<{ ok: boolean; ids?: string[]; userError?: boolean; message?: string; stack?: string }>(new URL('../workers/tileFoldersWorker.ts', import.meta.url), request);
  if (!reply.ok) throw reply.userError ? new UserError(reply.message!) : new Error(`tile generation: ${reply.message}\n${reply.stack ?? ''}`);
  return { ids: reply.ids! };
}

/** A --windows file's text; a one-line error naming the flag and path when it cannot be read. */
function readWindowsText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`--windows ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export const tileGenerateStage = defineStage({
  id: 'Tile.Generate',
  summary: 'Cut tile windows from a layer matrix (real or synthetic weights), quantize them, and write RTL and the golden model per micro-architecture.',
  version: '2',
  inputs: ['inventory'],
  outputs: ['tiles'],
  vars: defineVars({ ...tileGenVars, tile: tileVar, sizes: tileSizesVar, tileAt: tileAtVar, tensor: tensorVar, tileArchs: tileArchsVar, windows: windowsVar }),
  async cacheSalt(config) {
    // A windows file is read by content: an edited file misses the cache, a moved one need not.
    return { weights: await weightsFingerprint(config.weights), windows: config.windows ? sha256Hex(readWindowsText(config.windows)) : '' };
  },
  async run(ctx) {
    const c = ctx.config;
    const inventory = JSON.parse(readFileSync(ctx.inputPath('inventory'), 'utf8')) as Inventory;
    const archs = expandTileArchs(c.tileArchs);
    const metrics: Record<string, number> = {};
    if (c.windows && (c.sizes || c.tensor)) throw new UserError('--windows: the file gives each window its tensor and size; drop --sizes and --tensor');
    // One cut per window (from --windows) or per size at --tensor / --tile-at.
    const windows: TileWindow[] = c.windows
      ? parseWindowsFile(readWindowsText(c.windows), c.windows)
      : (c.sizes ?? [c.tile]).map((size) => ({ tensor: c.tensor ?? '', row: c.tileAt.row, col: c.tileAt.col, rows: size.rows, cols: size.cols }));
    ctx.progress.start(windows.length * archs.length, 'tiles', 'generating RTL');
    for (const [i, w] of windows.entries()) {
      const gen = await writeTileFolders({ c: w.seed !== undefined ? { ...c, seed: w.seed } : c, inventory, tensorName: w.tensor || undefined, rows: w.rows ?? c.tile.rows, cols: w.cols ?? c.tile.cols, row: w.row, col: w.col, archs, outRoot: join(ctx.stageDir, 'tiles'), idSuffix: windowSuffix(w, c.seed), onProgress: () => ctx.progress.advance(0) });
      const { plan, outputBits, tensor, rows, cols, row, col } = gen;
      const saved = plan.blocks - plan.zeroBlocks - plan.instances.length;
      ctx.log(`${tensor.name} window ${rows}x${cols} at ${row},${col}${w.seed !== undefined ? ` (seed ${w.seed})` : ''}: ${plan.blocks} blocks, ${plan.zeroBlocks} zero, ${plan.instances.length} instances after sharing (${saved} saved)`);
      // The ids writeTileFolders gave the folders, in architecture order.
      for (const [a, id] of gen.ids.entries()) {
        const st = gen.structures[archs[a]];
        ctx.log(`${id}: ${st.cyclesPerVector} cycles per vector, ${st.rowBits} row-tree bits${st.rowBitsUnshared !== undefined ? ` (${st.rowBitsUnshared} before sharing, ${st.serialAdders} serial adders)` : ''}, ${st.treeFullAdders} tree full adders`);
        metrics[`tiles__cycles_per_vector__tile:${id}`] = st.cyclesPerVector;
        metrics[`tiles__row_bits__tile:${id}`] = st.rowBits;
        metrics[`tiles__tree_full_adders__tile:${id}`] = st.treeFullAdders;
        if (st.rowBitsUnshared !== undefined) {
          metrics[`tiles__row_bits_unshared__tile:${id}`] = st.rowBitsUnshared;
          metrics[`tiles__serial_adders__tile:${id}`] = st.serialAdders;
        }
        ctx.progress.advance(1);
      }
      if (i === 0) {
        Object.assign(metrics, {
          tiles__coefficients__count: rows * cols,
          tiles__blocks__count: plan.blocks,
          tiles__blocks__zero: plan.zeroBlocks,
          tiles__blocks__instances: plan.instances.length,
          tiles__blocks__kinds: new Set(plan.instances.map((inst) => inst.kindRank)).size,
          tiles__sharing__saved: saved,
          tiles__sharing__saved_fraction: Number((saved / plan.blocks).toFixed(4)),
          tiles__output__bits: outputBits,
        });
      }
      metrics.tiles__tile__count = (metrics.tiles__tile__count ?? 0) + gen.ids.length;
    }
    ctx.progress.finish();
    return { views: { tiles: 'tiles' }, metrics };
  },
});
