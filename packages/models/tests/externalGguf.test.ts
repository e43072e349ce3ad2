/**
 * GGUF against software that is not ours: Hugging Face's GGUF library (`@huggingface/gguf`, npm). Its parser reads
 * the files our fixture writer makes; its writer (`buildGgufHeader`, the header rewrite it offers for editing a
 * file's metadata) rewrites one with metadata of every value type, and our reader reads that file: metadata value by
 * value, every tensor bit for bit. Safetensors has no writer from other software reachable here (the npm packages
 * are readers; Debian bookworm has no python3-safetensors; PyPI is refused), so it is only checked against our
 * own writer and the format's text (weights.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GGUFValueType, gguf, buildGgufHeader } from '@huggingface/gguf';
import { describe, expect, it } from 'vitest';
import { parseGgufHeader } from '../src/index.ts';
import { STORIES, readAll, tempDir, writeStoriesGguf } from './fixtures.ts';

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe.runIf(STORIES)('GGUF with Hugging Face\'s GGUF library', () => {
  const dir = tempDir('hw-gguf-ext-');

  it('its parser reads our file as we do: metadata, names, shapes, types, offsets', async () => {
    const path = writeStoriesGguf(dir, 'F16');
    const bytes = readFileSync(path);
    const ours = parseGgufHeader(bytes, bytes.length, path);
    const theirs = await gguf(path, { allowLocalFile: true });
    expect(theirs.metadata['general.architecture']).toBe('llama');
    expect(Number((theirs.metadata as Record<string, unknown>)['llama.block_count'])).toBe(ours.metadata.get('llama.block_count'));
    expect(theirs.tensorDataOffset).toBe(BigInt(ours.dataStart));
    expect(theirs.tensorInfos.map((t) => t.name)).toEqual(ours.tensors.map((t) => t.name));
    theirs.tensorInfos.forEach((t, i) => {
      const mine = ours.tensors[i];
      // GGUF stores dims innermost first; ours are [out, in].
      expect(t.shape.map(Number).reverse(), t.name).toEqual(mine.shape);
      expect(t.dtype, t.name).toBe(1); // GGML_TYPE_F16
      expect(Number(theirs.tensorDataOffset + t.offset), t.name).toBe(mine.offset);
    });
  });

  it('a file whose header their writer rewrote reads back with every metadata value and every tensor bit', async () => {
    const path = writeStoriesGguf(dir, 'F32');
    const original = readFileSync(path);
    const parsed = await gguf(path, { allowLocalFile: true, typedMetadata: true });
    const typed = {
      ...parsed.typedMetadata,
      'general.name': { type: GGUFValueType.STRING, value: 'stories260K, header by @huggingface/gguf' },
      'test.u8': { type: GGUFValueType.UINT8, value: 200 },
      'test.i16': { type: GGUFValueType.INT16, value: -12345 },
      'test.u32': { type: GGUFValueType.UINT32, value: 4_000_000_000 },
      'test.i32': { type: GGUFValueType.INT32, value: -2_000_000_000 },
      'test.f32': { type: GGUFValueType.FLOAT32, value: 0.5 },
      'test.f64': { type: GGUFValueType.FLOAT64, value: Math.PI },
      'test.bool': { type: GGUFValueType.BOOL, value: true },
      'test.u64': { type: GGUFValueType.UINT64, value: 2n ** 40n + 3n },
      'test.i64': { type: GGUFValueType.INT64, value: -(2n ** 40n) },
      'test.tokens': { type: GGUFValueType.ARRAY, subType: GGUFValueType.STRING, value: ['<s>', 'once', 'ü', ''] },
      'test.scores': { type: GGUFValueType.ARRAY, subType: GGUFValueType.FLOAT32, value: [0, -1.5, 2.25] },
    } as typeof parsed.typedMetadata;
    const header = new Uint8Array(await (await buildGgufHeader(new Blob([original]), typed, { littleEndian: true, tensorInfoByteRange: parsed.tensorInfoByteRange, alignment: 32 })).arrayBuffer());
    const rewritten = join(dir, 'rewritten.gguf');
    writeFileSync(rewritten, Buffer.concat([header, original.subarray(Number(parsed.tensorDataOffset))]));
    // The header really changed (more metadata), so the tensor data moved.
    expect(header.length).toBeGreaterThan(Number(parsed.tensorDataOffset));

    const bytes = readFileSync(rewritten);
    const ours = parseGgufHeader(bytes, bytes.length, rewritten);
    const meta = ours.metadata;
    expect(meta.get('general.name')).toBe('stories260K, header by @huggingface/gguf');
    expect([meta.get('test.u8'), meta.get('test.i16'), meta.get('test.u32'), meta.get('test.i32')]).toEqual([200, -12345, 4_000_000_000, -2_000_000_000]);
    expect([meta.get('test.f32'), meta.get('test.f64'), meta.get('test.bool')]).toEqual([0.5, Math.PI, true]);
    expect([meta.get('test.u64'), meta.get('test.i64')]).toEqual([2n ** 40n + 3n, -(2n ** 40n)]);
    expect(meta.get('test.tokens')).toEqual(['<s>', 'once', 'ü', '']);
    expect(meta.get('test.scores')).toEqual([0, -1.5, 2.25]);
    expect(meta.get('llama.block_count')).toBe(5);
    // Every tensor, bit for bit, equal to the file before the rewrite.
    const before = readAll(path);
    const after = readAll(rewritten);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, data] of before) expect(bits(after.get(name)!), name).toEqual(bits(data));
  });
});
