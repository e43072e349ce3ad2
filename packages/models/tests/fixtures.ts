/** Fixtures written at test time from the real stories260K weights (never committed). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureFile } from '@hardwire/core';
import {
  MODEL_CATALOG,
  WeightReader,
  buildGguf,
  buildSafetensors,
  floatToBf16Bits,
  floatToHalfBits,
  hfToGgufName,
  matrixDims,
  openWeights,
  type StoredDType,
} from '../src/index.ts';

export const STORIES = fixtureFile('stories260K.bin');
export const STORIES_CONFIG = MODEL_CATALOG['stories-260k'];

/** Every stories tensor in Hugging Face layout, as float32, read from the llama2.c checkpoint. */
export function storiesTensors(): Array<{ name: string; shape: number[]; data: Float32Array }> {
  const index = openWeights(STORIES!, STORIES_CONFIG);
  const reader = new WeightReader();
  try {
    return index.tensors.map((t) => {
      const { rows, cols } = matrixDims(t.shape);
      const data = new Float32Array(rows * cols);
      reader.readRows(t, 0, rows, data);
      return { name: t.name, shape: [...t.shape], data };
    });
  } finally {
    reader.close();
  }
}

/** The same tensor in Meta (llama2.c/GGUF) row order for q/k: inverse of the HF permutation. */
export function toMetaOrder(name: string, shape: number[], data: Float32Array, headDim: number): Float32Array {
  if (!/self_attn\.[qk]_proj\.weight$/.test(name)) return data;
  const [rows, cols] = shape;
  const out = new Float32Array(data.length);
  const half = headDim / 2;
  for (let r = 0; r < rows; r++) {
    const h = Math.floor(r / headDim);
    const j = Math.floor((r % headDim) / half);
    const i = r % half;
    out.set(data.subarray(r * cols, (r + 1) * cols), (h * headDim + 2 * i + j) * cols);
  }
  return out;
}

/** Encode float32 values in a stored dtype. */
export function encode(dtype: StoredDType, data: Float32Array): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const bits = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) bits[i] = dtype === 'BF16' ? floatToBf16Bits(data[i]) : floatToHalfBits(data[i]);
  return new Uint8Array(bits.buffer);
}

/** What reading `dtype` should give for these float32 values (BF16/F16 rounding). */
export function expectedAfter(dtype: StoredDType, data: Float32Array): Float32Array {
  if (dtype === 'F32') return data;
  const encoded = new Uint16Array(encode(dtype, data).buffer);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (dtype === 'BF16') out[i] = new Float32Array(new Uint32Array([encoded[i] << 16]).buffer)[0];
    else {
      const h = encoded[i];
      const sign = h & 0x8000 ? -1 : 1;
      const exp = (h >> 10) & 0x1f;
      const frac = h & 0x3ff;
      out[i] = exp === 0 ? sign * frac * 2 ** -24 : sign * (1 + frac / 1024) * 2 ** (exp - 15);
    }
  }
  return out;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A safetensors file (HF layout) of the stories weights. `pad: false` leaves offsets unaligned. */
export function writeStoriesSafetensors(dir: string, dtype: StoredDType, options: { pad?: boolean } = {}): string {
  const tensors = storiesTensors().map((t) => ({ name: t.name, dtype, shape: t.shape, data: encode(dtype, t.data) }));
  let bytes = buildSafetensors(tensors, { format: 'pt' });
  if (options.pad === false) bytes = unpadSafetensors(bytes);
  const path = join(dir, `stories-${dtype}.safetensors`);
  writeFileSync(path, bytes);
  return path;
}

/** Strip the header's trailing spaces and add one odd byte, so data starts at an odd offset. */
function unpadSafetensors(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const n = Number(view.getBigUint64(0, true));
  let text = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
  text += ' ';
  if ((8 + text.length) % 2 === 0) text += ' ';
  const header = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + header.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(bytes.subarray(8 + n), 8 + header.length);
  return out;
}

/** A two-shard safetensors folder with an index; layer 2 is split between the shards. */
export function writeStoriesShardedFolder(dir: string, dtype: StoredDType): string {
  const folder = join(dir, 'sharded');
  mkdirSync(folder, { recursive: true });
  const tensors = storiesTensors().map((t) => ({ name: t.name, dtype, shape: t.shape, data: encode(dtype, t.data) }));
  const cut = tensors.findIndex((t) => t.name === 'model.layers.2.self_attn.v_proj.weight');
  const shards = [tensors.slice(0, cut), tensors.slice(cut)];
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, i) => {
    const file = `model-0000${i + 1}-of-00002.safetensors`;
    writeFileSync(join(folder, file), buildSafetensors(shard));
    for (const t of shard) weightMap[t.name] = file;
  });
  writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  return folder;
}

/** A GGUF file (llama.cpp names, Meta q/k row order) of the stories weights. */
export function writeStoriesGguf(dir: string, dtype: StoredDType): string {
  const headDim = STORIES_CONFIG.headDim;
  const tensors = storiesTensors().map((t) => ({ name: hfToGgufName(t.name), dtype, shape: t.shape, data: encode(dtype, toMetaOrder(t.name, t.shape, t.data, headDim)) }));
  const path = join(dir, `stories-${dtype}.gguf`);
  writeFileSync(path, buildGguf([['general.architecture', 'llama'], ['llama.block_count', 5], ['general.alignment', 32]], tensors));
  return path;
}

/** Read every catalog tensor of a weights path as float32, by name. */
export function readAll(path: string): Map<string, Float32Array> {
  const index = openWeights(path, STORIES_CONFIG);
  const reader = new WeightReader();
  try {
    return new Map(
      index.tensors.map((t) => {
        const { rows, cols } = matrixDims(t.shape);
        const data = new Float32Array(rows * cols);
        reader.readRows(t, 0, rows, data);
        return [t.name, data];
      }),
    );
  } finally {
    reader.close();
  }
}
