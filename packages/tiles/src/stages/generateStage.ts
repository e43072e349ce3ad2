/** `Tile.Generate`: cut a window of a layer matrix, quantize it, plan its blocks and write RTL plus the golden model (edge). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, defineStage, defineVars, writeJsonAtomic } from '@hardwire/core';
import { LAYER_MATRIX_ROLES, MODEL_CATALOG, WeightReader, fillSynthetic, matrixDims, modelVar, openWeights, quantileTable, syntheticStd, tensorStreamKey, type Inventory } from '@hardwire/models';
import { inputBitsVar } from '@hardwire/blocks';
import { FORMATS, blockVar, effectiveGroup, groupVar, quantVar, quantizeRows, seedVar, tailDofVar, tailsVar, weightsFingerprint, weightsVar } from '@hardwire/quant';
import { planTile, tileOutputBits } from '../planTile.ts';
import { tileVerilog } from '../tileVerilog.ts';
import { tensorVar, tileArchsVar, tileAtVar, tileVar } from '../vars.ts';

/** `model.layers.0.self_attn.q_proj.weight` -> `l0.q_proj`. */
export function shortTensorName(name: string): string {
  const m = /layers\.(\d+)\.(?:\w+\.)?(\w+?)(?:\.weight)?$/.exec(name);
  return m ? `l${m[1]}.${m[2]}` : name.replace(/\.weight$/, '').replace(/[^A-Za-z0-9_.]/g, '_');
}

/** The vars the tile generator reads (model, weights and quantization): shared by every stage that cuts tiles. */
export const tileGenVars = { model: modelVar, weights: weightsVar, quant: quantVar, block: blockVar, group: groupVar, seed: seedVar, tails: tailsVar, tailDof: tailDofVar, inputBits: inputBitsVar };

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
}

/**
 * Cut a window of a matrix (real or synthetic weights), quantize whole rows, plan the blocks and write one
 * tile folder per architecture (`rtl.v`, `golden.json`) under `outRoot` (edge: reads weights).
 */
export async function writeTileFolders(o: { c: TileGenConfig; inventory: Inventory; tensorName?: string; rows: number; cols: number; row: number; col: number; archs: ReadonlyArray<'da' | 'parallel'>; outRoot: string }) {
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
  const plan = planTile(codes, rows, cols, c.block, (code) => levelValues.indexOf(code));
  const outputBits = tileOutputBits(codes, rows, cols, c.inputBits);
  const base = `${shortTensorName(tensor.name)}-r${row}c${col}-${rows}x${cols}`;
  const ids: string[] = [];
  for (const arch of o.archs) {
    const id = `${base}-${arch}`;
    const top = `tile_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
    const dir = join(o.outRoot, id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'rtl.v'), tileVerilog(plan, { top, arch, spec: { format: c.quant, k: c.block, signFold: false }, inputBits: c.inputBits, outputBits }));
    await writeJsonAtomic(join(dir, 'golden.json'), {
      top,
      rows,
      cols,
      inputBits: c.inputBits,
      outputBits,
      codes: Array.from({ length: rows }, (_, r) => Array.from(codes.subarray(r * cols, (r + 1) * cols))),
      arch,
      tensor: tensor.name,
      window: { row, col },
      format: c.quant,
      k: c.block,
      blocks: plan.blocks,
      zeroBlocks: plan.zeroBlocks,
      instances: plan.instances.length,
      kinds: new Set(plan.instances.map((i) => i.kindRank)).size,
    });
    ids.push(id);
  }
  return { plan, outputBits, ids, tensor, rows, cols, row, col };
}

export const tileGenerateStage = defineStage({
  id: 'Tile.Generate',
  summary: "Cut a tile from a layer matrix (real or synthetic weights), quantize it, share blocks across rows, and write RTL and the golden model per architecture.",
  version: '1',
  inputs: ['inventory'],
  outputs: ['tiles'],
  vars: defineVars({ ...tileGenVars, tile: tileVar, tileAt: tileAtVar, tensor: tensorVar, tileArchs: tileArchsVar }),
  async cacheSalt(config) {
    return { weights: await weightsFingerprint(config.weights) };
  },
  async run(ctx) {
    const c = ctx.config;
    const inventory = JSON.parse(readFileSync(ctx.inputPath('inventory'), 'utf8')) as Inventory;
    const { plan, outputBits, ids, tensor, rows, cols, row, col } = await writeTileFolders({ c, inventory, tensorName: c.tensor, rows: c.tile.rows, cols: c.tile.cols, row: c.tileAt.row, col: c.tileAt.col, archs: c.tileArchs as Array<'da' | 'parallel'>, outRoot: join(ctx.stageDir, 'tiles') });
    const saved = plan.blocks - plan.zeroBlocks - plan.instances.length;
    ctx.log(`${tensor.name} window ${rows}x${cols} at ${row},${col}: ${plan.blocks} blocks, ${plan.zeroBlocks} zero, ${plan.instances.length} instances after sharing (${saved} saved)`);
    return {
      views: { tiles: 'tiles' },
      metrics: {
        tiles__tile__count: ids.length,
        tiles__coefficients__count: rows * cols,
        tiles__blocks__count: plan.blocks,
        tiles__blocks__zero: plan.zeroBlocks,
        tiles__blocks__instances: plan.instances.length,
        tiles__blocks__kinds: new Set(plan.instances.map((i) => i.kindRank)).size,
        tiles__sharing__saved: saved,
        tiles__sharing__saved_fraction: Number((saved / plan.blocks).toFixed(4)),
        tiles__output__bits: outputBits,
      },
    };
  },
});
