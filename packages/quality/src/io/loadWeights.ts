/**
 * A Llama checkpoint into memory as float32 matrices (edge): any format the model readers take (llama2.c,
 * safetensors, GGUF), by catalog name, q and k rows in half-split RoPE order (the readers reorder Meta's
 * interleaved layout). Small models only: a forward pass needs every weight.
 */
import { matrixDims, openWeights, WeightReader, type ModelConfig } from '@hardwire/models';
import type { LlamaShape, LlamaWeights } from '../llama.ts';

export function loadLlamaWeights(path: string, config: ModelConfig, seqLen: number, ropeTheta = 10_000, normEps = 1e-5): LlamaWeights {
  const index = openWeights(path, config);
  const reader = new WeightReader();
  const byName = new Map(index.tensors.map((t) => [t.name, t]));
  const read = (name: string): Float32Array => {
    const t = byName.get(name);
    if (!t) throw new Error(`${path}: no tensor ${name}`);
    const { rows, cols } = t.shape.length === 1 ? { rows: 1, cols: t.shape[0] } : matrixDims(t.shape);
    const out = new Float32Array(rows * cols);
    reader.readRows(t, 0, rows, out);
    return out;
  };
  const shape: LlamaShape = {
    dim: config.hiddenSize,
    hidden: config.intermediateSize,
    layers: config.layers,
    heads: config.heads,
    kvHeads: config.kvHeads,
    headDim: config.headDim,
    vocab: config.vocab,
    seqLen,
    ropeTheta,
    normEps,
  };
  const embed = read('model.embed_tokens.weight');
  const layers = Array.from({ length: config.layers }, (_, l) => {
    const p = `model.layers.${l}.`;
    return {
      attnNorm: read(`${p}input_layernorm.weight`),
      q: read(`${p}self_attn.q_proj.weight`),
      k: read(`${p}self_attn.k_proj.weight`),
      v: read(`${p}self_attn.v_proj.weight`),
      o: read(`${p}self_attn.o_proj.weight`),
      mlpNorm: read(`${p}post_attention_layernorm.weight`),
      gate: read(`${p}mlp.gate_proj.weight`),
      up: read(`${p}mlp.up_proj.weight`),
      down: read(`${p}mlp.down_proj.weight`),
    };
  });
  return { shape, embed, layers, finalNorm: read('model.norm.weight'), head: config.tiedEmbeddings ? embed : read('lm_head.weight') };
}
