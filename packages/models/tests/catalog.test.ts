import { readFileSync } from 'node:fs';
import { fixtureFile } from '@hardwire/core';
import { describe, expect, it } from 'vitest';
import {
  LAYER_MATRIX_ROLES,
  MODEL_ALIASES,
  MODEL_CATALOG,
  activeParameterCount,
  buildInventory,
  elementCount,
  llama2cModelConfig,
  modelTensors,
  parameterCount,
  parseLlama2cHeader,
  parseModelName,
  resolveModelId,
} from '../src/index.ts';

describe('model catalog', () => {
  it('Llama 3.1 8B has exactly 8,030,261,248 parameters in 291 tensors with the published shapes', () => {
    const config = MODEL_CATALOG['llama-3.1-8b'];
    const tensors = modelTensors(config);
    expect(parameterCount(config)).toBe(8_030_261_248);
    expect(tensors).toHaveLength(291);
    expect(parameterCount(config) * 2).toBe(16_060_522_496);
    const shape = (name: string) => tensors.find((t) => t.name === name)?.shape;
    expect(shape('model.layers.0.self_attn.q_proj.weight')).toEqual([4096, 4096]);
    expect(shape('model.layers.31.self_attn.k_proj.weight')).toEqual([1024, 4096]);
    expect(shape('model.layers.7.mlp.down_proj.weight')).toEqual([4096, 14336]);
    expect(shape('model.layers.7.mlp.gate_proj.weight')).toEqual([14336, 4096]);
    expect(shape('lm_head.weight')).toEqual([128256, 4096]);
    expect(new Set(tensors.map((t) => t.name)).size).toBe(291);
  });

  it('every model matches its published total at the published precision', () => {
    const expected: Record<string, [number, number]> = {
      'stories-260k': [260_032, 47],
      // From the checkpoint's size: (60,816,028 − 28 header bytes − 256 x 48 x 4 RoPE-table bytes) / 4.
      'stories-15m': [15_191_712, 56],
      'use-lite': [6_975_744, 29],
      'llama-3.2-1b': [1_235_814_400, 146],
      'llama-3.2-3b': [3_212_749_824, 254],
      'llama-3.1-8b': [8_030_261_248, 291],
      'llama-3.1-70b': [70_553_706_496, 723],
      'llama-3.1-405b': [405_853_388_800, 1137],
      'gpt-oss-20b': [20_914_757_184, 411],
      'gpt-oss-120b': [116_829_156_672, 615],
    };
    expect(Object.keys(MODEL_CATALOG).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, [params, tensors]] of Object.entries(expected)) {
      const config = MODEL_CATALOG[id];
      expect(parameterCount(config), id).toBe(params);
      expect(modelTensors(config), id).toHaveLength(tensors);
      expect(Math.abs(params - config.published.params), id).toBeLessThanOrEqual(config.published.precision / 2);
    }
  });

  it('gpt-oss counts sinks and biases, and active parameters match the model card (3.61 B, 5.13 B)', () => {
    const small = MODEL_CATALOG['gpt-oss-20b'];
    const sinks = modelTensors(small).filter((t) => t.role === 'attn.sinks');
    expect(sinks).toHaveLength(24);
    expect(sinks[0].shape).toEqual([64]);
    expect(modelTensors(small).find((t) => t.name === 'model.layers.0.mlp.experts.gate_up_proj')?.shape).toEqual([32, 5760, 2880]);
    expect(activeParameterCount(small) / 1e9).toBeCloseTo(3.61, 2);
    expect(activeParameterCount(MODEL_CATALOG['gpt-oss-120b']) / 1e9).toBeCloseTo(5.13, 2);
  });

  it('stories-260k: 226,560 coefficients in the layer matrices', () => {
    const inv = buildInventory(MODEL_CATALOG['stories-260k']);
    const layerMatrices = inv.tensors.filter((t) => LAYER_MATRIX_ROLES.includes(t.role));
    expect(layerMatrices.reduce((s, t) => s + elementCount(t.shape), 0)).toBe(226_560);
    expect(inv.tensors.some((t) => t.role === 'head')).toBe(false);
  });

  it('resolves aliases and lists known ids for unknown ones', () => {
    expect(resolveModelId('llama-8b')).toBe('llama-3.1-8b');
    expect(resolveModelId('LLAMA-70B')).toBe('llama-3.1-70b');
    for (const target of Object.values(MODEL_ALIASES)) expect(MODEL_CATALOG[target]).toBeDefined();
    const error = parseModelName('llama-9b');
    expect(error).toEqual({ error: expect.stringContaining("unknown model 'llama-9b'; known: stories-260k, stories-15m, use-lite, llama-3.2-1b") });
  });

  const storiesPath = fixtureFile('stories260K.bin');
  if (!storiesPath) console.log('skip: test/fixtures/stories260K.bin is absent, header check not run');
  it.runIf(storiesPath)('stories-260k shapes equal those read from the real checkpoint header', () => {
    const header = parseLlama2cHeader(readFileSync(storiesPath!));
    expect('error' in header).toBe(false);
    const fromHeader = llama2cModelConfig(header as Exclude<typeof header, { error: string }>, 'stories-260k', 'stories', MODEL_CATALOG['stories-260k'].published);
    expect(modelTensors(fromHeader)).toEqual(modelTensors(MODEL_CATALOG['stories-260k']));
    expect(parameterCount(fromHeader)).toBe(260_032);
  });

  it('rejects impossible headers', () => {
    expect(parseLlama2cHeader(new Uint8Array(10))).toEqual({ error: 'header needs 28 bytes, file has 10' });
    const bad = new Int32Array([64, 172, 5, 7, 4, 512, 512]);
    expect(parseLlama2cHeader(new Uint8Array(bad.buffer))).toEqual({ error: 'header dim 64 is not a multiple of n_heads 7' });
  });
});
