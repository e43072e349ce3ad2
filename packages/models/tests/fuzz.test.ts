/**
 * Header fuzzing: mutate the headers of real fixtures (safetensors, GGUF, llama2.c) and require a clean
 * UserError or a correct read, never a crash (TypeError, RangeError, ...) or a hang.
 */
import { join } from 'node:path';
import { UserError, mulberry32 } from '@hardwire/core';
import { describe, expect, it } from 'vitest';
import { WeightReader, indexWeights, matrixDims } from '../src/index.ts';
import { STORIES, STORIES_CONFIG, tempDir, writeStoriesGguf, writeStoriesSafetensors } from './fixtures.ts';
import { readFileSync, writeFileSync } from 'node:fs';

/** Uniform [0, 1) from the project's seeded PRNG. */
function prng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

function mutate(original: Uint8Array, headerBytes: number, rand: () => number): Uint8Array {
  const bytes = original.slice();
  const kind = Math.floor(rand() * 6);
  if (kind === 0) return bytes.subarray(0, Math.floor(rand() * Math.min(bytes.length, headerBytes + 64)));
  if (kind === 1) {
    // Overwrite a length/count/offset-like field with an extreme value.
    const at = Math.floor(rand() * Math.max(1, headerBytes - 8));
    const view = new DataView(bytes.buffer);
    const extremes = [0, 1, 0xffffffff, 0x7fffffff, 2 ** 31, 0x10000];
    view.setUint32(at, extremes[Math.floor(rand() * extremes.length)], true);
    return bytes;
  }
  const flips = 1 + Math.floor(rand() * 8);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(rand() * headerBytes);
    if (kind === 2) bytes[at] ^= 1 << Math.floor(rand() * 8);
    else if (kind === 3) bytes[at] = Math.floor(rand() * 256);
    else if (kind === 4) bytes[at] = '0123456789[]{},:"'.charCodeAt(Math.floor(rand() * 17));
    else bytes[at] = 0;
  }
  return bytes;
}

function tryRead(path: string): 'ok' | 'user-error' {
  try {
    const index = indexWeights(path, STORIES_CONFIG);
    const reader = new WeightReader();
    try {
      for (const t of index.tensors.slice(0, 64)) {
        const { rows, cols } = matrixDims(t.shape);
        if (rows * cols > 1 << 22) continue;
        const out = new Float32Array(Math.min(rows, 2) * cols);
        reader.readRows(t, 0, Math.min(rows, 2), out);
      }
    } finally {
      reader.close();
    }
    return 'ok';
  } catch (error) {
    if (error instanceof UserError && !error.message.includes('\n')) return 'user-error';
    throw error;
  }
}

describe.runIf(STORIES)('header fuzzing', () => {
  it('1,200 mutated headers give a clean error or a read, never a crash', () => {
    const dir = tempDir('hw-fuzz-');
    const fixtures: Array<{ name: string; bytes: Uint8Array; headerBytes: number }> = [];
    const st = new Uint8Array(readFileSync(writeStoriesSafetensors(dir, 'BF16'))); // a copy: Buffer.slice would be a view
    fixtures.push({ name: 'st.safetensors', bytes: st, headerBytes: 8 + Number(new DataView(st.buffer, st.byteOffset).getBigUint64(0, true)) });
    const gg = new Uint8Array(readFileSync(writeStoriesGguf(dir, 'F16')));
    fixtures.push({ name: 'gg.gguf', bytes: gg, headerBytes: 4096 });
    const l2 = new Uint8Array(readFileSync(STORIES!));
    fixtures.push({ name: 'l2.bin', bytes: l2, headerBytes: 28 });
    const rand = prng(20261126);
    const outcomes = { ok: 0, 'user-error': 0 };
    for (let i = 0; i < 1200; i++) {
      const fixture = fixtures[i % fixtures.length];
      const path = join(dir, `case-${i % 7}-${fixture.name}`);
      writeFileSync(path, mutate(fixture.bytes, fixture.headerBytes, rand));
      outcomes[tryRead(path)]++;
    }
    expect(outcomes.ok + outcomes['user-error']).toBe(1200);
    // Both outcomes occur: mutations of names or data still read, broken structure is refused.
    expect(outcomes['user-error']).toBeGreaterThan(300);
    expect(outcomes.ok).toBeGreaterThan(50);
    console.log(`fuzz: ${outcomes.ok} read, ${outcomes['user-error']} clean errors`);
  }, 120_000);
});
