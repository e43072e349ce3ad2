/**
 * llama2.c checkpoint header (pure): 7 little-endian int32 — dim, hidden_dim, n_layers, n_heads,
 * n_kv_heads, vocab_size (negative: unshared classifier), seq_len.
 */
import type { ModelConfig } from './types.ts';

export interface Llama2cHeader {
  dim: number;
  hiddenDim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocab: number;
  seqLen: number;
  sharedClassifier: boolean;
}

export const LLAMA2C_HEADER_BYTES = 28;

/** Parse the header; returns an error text when the numbers cannot describe a model. */
export function parseLlama2cHeader(bytes: Uint8Array): Llama2cHeader | { error: string } {
  if (bytes.byteLength < LLAMA2C_HEADER_BYTES) return { error: `header needs ${LLAMA2C_HEADER_BYTES} bytes, file has ${bytes.byteLength}` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, LLAMA2C_HEADER_BYTES);
  const [dim, hiddenDim, layers, heads, kvHeads, vocabRaw, seqLen] = Array.from({ length: 7 }, (_, i) => view.getInt32(i * 4, true));
  const header = { dim, hiddenDim, layers, heads, kvHeads, vocab: Math.abs(vocabRaw), seqLen, sharedClassifier: vocabRaw > 0 };
  for (const [key, value] of Object.entries(header)) {
    if (typeof value === 'number' && (value <= 0 || value > 1 << 24)) return { error: `header field ${key} = ${value} is out of range` };
  }
  if (dim % heads !== 0) return { error: `header dim ${dim} is not a multiple of n_heads ${heads}` };
  if (heads % kvHeads !== 0) return { error: `header n_heads ${heads} is not a multiple of n_kv_heads ${kvHeads}` };
  return header;
}

/** The catalog-style config a llama2.c header describes. */
export function llama2cModelConfig(header: Llama2cHeader, id: string, displayName: string, paramsSource: ModelConfig['published']): ModelConfig {
  return {
    id,
    displayName,
    family: 'llama',
    hiddenSize: header.dim,
    intermediateSize: header.hiddenDim,
    layers: header.layers,
    heads: header.heads,
    kvHeads: header.kvHeads,
    headDim: header.dim / header.heads,
    vocab: header.vocab,
    tiedEmbeddings: header.sharedClassifier,
    attentionBias: false,
    attentionSinks: false,
    published: paramsSource,
    source: `checkpoint header: dim ${header.dim}, hidden_dim ${header.hiddenDim}, n_layers ${header.layers}, n_heads ${header.heads}, n_kv_heads ${header.kvHeads}, vocab ${header.vocab}${header.sharedClassifier ? ' (shared classifier)' : ''}`,
  };
}
