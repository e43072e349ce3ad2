/**
 * Open a user's weights (edge): a safetensors file or sharded folder, a GGUF file, a llama2.c
 * checkpoint, or a TF.js model folder. Headers are read by position (never whole files), mapped to
 * catalog names, and checked against the catalog shapes.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '@hardwire/core';
import type { ModelConfig } from '../types.ts';
import { modelTensors } from '../modelTensors.ts';
import { parseLlama2cHeader, LLAMA2C_HEADER_BYTES } from '../llama2cHeader.ts';
import { parseSafetensorsHeader, safetensorsHeaderLength } from '../weights/safetensors.ts';
import { NeedMoreBytes, parseGgufHeader } from '../weights/gguf.ts';
import { llama2cTensors } from '../weights/llama2c.ts';
import { parseTfjsManifest } from '../weights/tfjs.ts';
import { ggufToHfName, ropePermutedRole, useLiteToCatalogName } from '../weights/nameMaps.ts';
import { metaToHfRowOrder, type StoredTensor, type WeightIndex } from '../weights/types.ts';

/** Read `length` bytes at `position` (positional read; works past 2 GiB). */
export function readAt(file: string, position: number, length: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    return readAtFd(fd, position, length, file);
  } finally {
    closeSync(fd);
  }
}

/** Positional read from an open descriptor into a fresh (aligned) buffer. */
export function readAtFd(fd: number, position: number, length: number, file: string): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, position + done);
    if (n === 0) throw new UserError(`${file}: unexpected end of file at byte ${position + done}`);
    done += n;
  }
  return out;
}

function fileSize(path: string): number {
  return statSync(path).size;
}

/** Detect the format of PATH and list its tensors under catalog names (no shape check). */
export function indexWeights(path: string, config: ModelConfig): WeightIndex {
  if (!existsSync(path)) throw new UserError(`--weights: ${path} does not exist`);
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'model.safetensors.index.json'))) return indexSafetensorsFolder(path);
    if (existsSync(join(path, 'model.json'))) return indexTfjs(join(path, 'model.json'));
    if (existsSync(join(path, 'model.safetensors'))) return { format: 'safetensors', path, tensors: indexSafetensorsFile(join(path, 'model.safetensors')) };
    throw new UserError(`--weights: ${path} holds no model.safetensors.index.json, model.safetensors or model.json`);
  }
  const size = fileSize(path);
  const head = readAt(path, 0, Math.min(size, 8));
  if (head.byteLength >= 4 && head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46) return indexGguf(path, config);
  if (path.endsWith('.gguf')) return indexGguf(path, config);
  if (path.endsWith('.safetensors')) return { format: 'safetensors', path, tensors: indexSafetensorsFile(path) };
  if (basename(path) === 'model.json') return indexTfjs(path);
  if (path.endsWith('.bin')) return indexLlama2c(path);
  throw new UserError(`--weights: cannot tell the format of ${path} (expected .safetensors, .gguf, a llama2.c .bin, a TF.js model.json or a folder)`);
}

function indexSafetensorsFile(file: string): StoredTensor[] {
  const size = fileSize(file);
  const fd = openSync(file, 'r');
  try {
    const length = safetensorsHeaderLength(readAtFd(fd, 0, Math.min(8, size), file), size, file);
    const entries = parseSafetensorsHeader(readAtFd(fd, 8, length, file), size, file);
    return entries.map((e) => ({ name: e.name, sourceName: e.name, shape: e.shape, dtype: e.dtype, file, offset: e.offset, byteLength: e.byteLength, layout: 'row-major' as const }));
  } finally {
    closeSync(fd);
  }
}

function indexSafetensorsFolder(folder: string): WeightIndex {
  const indexFile = join(folder, 'model.safetensors.index.json');
  let weightMap: Record<string, string>;
  try {
    weightMap = (JSON.parse(readFileSync(indexFile, 'utf8')) as { weight_map: Record<string, string> }).weight_map;
  } catch (error) {
    throw new UserError(`${indexFile}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!weightMap || typeof weightMap !== 'object') throw new UserError(`${indexFile}: no weight_map`);
  const shards = [...new Set(Object.values(weightMap))].sort();
  const tensors: StoredTensor[] = [];
  for (const shard of shards) {
    if (shard.includes('/') || shard.includes('..')) throw new UserError(`${indexFile}: shard name ${shard} must be a file in the same folder`);
    const file = join(folder, shard);
    if (!existsSync(file)) throw new UserError(`${indexFile}: shard ${shard} is missing`);
    for (const t of indexSafetensorsFile(file)) {
      if (weightMap[t.name] !== shard) throw new UserError(`${file}: tensor ${t.name} is not listed for this shard in model.safetensors.index.json`);
      tensors.push(t);
    }
  }
  const found = new Set(tensors.map((t) => t.name));
  for (const name of Object.keys(weightMap)) if (!found.has(name)) throw new UserError(`${indexFile}: tensor ${name} is listed for ${weightMap[name]} but not in that file`);
  return { format: 'safetensors', path: folder, tensors };
}

function indexGguf(file: string, config: ModelConfig): WeightIndex {
  const size = fileSize(file);
  let want = Math.min(size, 1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      try {
        const header = parseGgufHeader(readAtFd(fd, 0, want, file), size, file);
        const tensors: StoredTensor[] = [];
        for (const t of header.tensors) {
          const name = ggufToHfName(t.name);
          if (name === undefined) continue;
          const rope = ropePermutedRole(name);
          const rowOrder = rope ? metaToHfRowOrder(t.shape[0], config.headDim) : undefined;
          tensors.push({ name, sourceName: t.name, shape: t.shape, dtype: t.dtype, file, offset: t.offset, byteLength: t.byteLength, layout: 'row-major', rowOrder });
        }
        return { format: 'gguf', path: file, tensors };
      } catch (error) {
        if (!(error instanceof NeedMoreBytes) || error.needed <= want) throw error;
        want = error.needed;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function indexLlama2c(file: string): WeightIndex {
  const size = fileSize(file);
  const header = parseLlama2cHeader(readAt(file, 0, Math.min(size, LLAMA2C_HEADER_BYTES)));
  if ('error' in header) throw new UserError(`${file}: not a llama2.c checkpoint: ${header.error}`);
  return { format: 'llama2c', path: file, tensors: llama2cTensors(header, file, size) };
}

function indexTfjs(modelJson: string): WeightIndex {
  const manifest = parseTfjsManifest(readFileSync(modelJson, 'utf8'), modelJson);
  const folder = dirname(modelJson);
  const groupFiles = manifest.groups.map((g) =>
    g.paths.map((p) => {
      const file = join(folder, p);
      if (!existsSync(file)) throw new UserError(`${modelJson}: shard ${p} is missing`);
      return { file, size: fileSize(file) };
    }),
  );
  const tensors: StoredTensor[] = [];
  for (const w of manifest.weights) {
    const mapped = useLiteToCatalogName(w.name);
    if (!mapped || w.dtype !== 'float32') continue;
    // Split [groupOffset, +byteLength) over the group's shard files.
    const extents: Array<{ file: string; offset: number; byteLength: number }> = [];
    let start = w.groupOffset;
    let remaining = w.byteLength;
    let base = 0;
    for (const shard of groupFiles[w.group]) {
      if (remaining > 0 && start < base + shard.size) {
        const take = Math.min(remaining, base + shard.size - start);
        extents.push({ file: shard.file, offset: start - base, byteLength: take });
        start += take;
        remaining -= take;
      }
      base += shard.size;
    }
    if (remaining > 0) throw new UserError(`${modelJson}: weight ${w.name} runs past the end of its shard files`);
    const squeezed = w.shape.filter((d, i) => !(d === 1 && i < w.shape.length - 2));
    const shape = mapped.transposed ? [squeezed[1], squeezed[0]] : squeezed;
    tensors.push({ name: mapped.name, sourceName: w.name, shape, dtype: 'F32', file: extents[0]?.file ?? modelJson, offset: extents[0]?.offset ?? 0, byteLength: w.byteLength, layout: mapped.transposed ? 'transposed' : 'row-major', extents });
  }
  return { format: 'tfjs', path: modelJson, tensors };
}

/**
 * Open weights for a catalog model: every catalog tensor must be present with the catalog shape.
 * Returns the stored tensors in catalog order.
 */
export function openWeights(path: string, config: ModelConfig): WeightIndex {
  const index = indexWeights(path, config);
  const byName = new Map(index.tensors.map((t) => [t.name, t]));
  const ordered: StoredTensor[] = [];
  for (const expected of modelTensors(config)) {
    const found = byName.get(expected.name);
    if (!found) throw new UserError(`--weights ${path}: tensor ${expected.name} is missing (model ${config.id} expects shape [${expected.shape.join(', ')}])`);
    if (found.shape.join(',') !== expected.shape.join(',')) {
      throw new UserError(`--weights ${path}: tensor ${expected.name} has shape [${found.shape.join(', ')}], model ${config.id} expects [${expected.shape.join(', ')}]`);
    }
    ordered.push(found);
  }
  return { ...index, tensors: ordered };
}
