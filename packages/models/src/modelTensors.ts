/** Every tensor of a model in Hugging Face naming and order (pure). */
import type { ModelConfig, TensorInfo } from './types.ts';

/** The tensors of one model: embeddings, then each layer, then final norm and head. */
export function modelTensors(config: ModelConfig): TensorInfo[] {
  if (config.family === 'use-lite') return useLiteTensors(config);
  const h = config.hiddenSize;
  const qOut = config.heads * config.headDim;
  const kvOut = config.kvHeads * config.headDim;
  const tensors: TensorInfo[] = [{ name: 'model.embed_tokens.weight', shape: [config.vocab, h], role: 'embed', layer: null }];
  for (let layer = 0; layer < config.layers; layer++) {
    const p = `model.layers.${layer}`;
    const t = (name: string, shape: number[], role: TensorInfo['role']) => tensors.push({ name: `${p}.${name}`, shape, role, layer });
    t('input_layernorm.weight', [h], 'norm.attn');
    t('self_attn.q_proj.weight', [qOut, h], 'attn.q');
    if (config.attentionBias) t('self_attn.q_proj.bias', [qOut], 'attn.q_bias');
    t('self_attn.k_proj.weight', [kvOut, h], 'attn.k');
    if (config.attentionBias) t('self_attn.k_proj.bias', [kvOut], 'attn.k_bias');
    t('self_attn.v_proj.weight', [kvOut, h], 'attn.v');
    if (config.attentionBias) t('self_attn.v_proj.bias', [kvOut], 'attn.v_bias');
    t('self_attn.o_proj.weight', [h, qOut], 'attn.o');
    if (config.attentionBias) t('self_attn.o_proj.bias', [h], 'attn.o_bias');
    if (config.attentionSinks) t('self_attn.sinks', [config.heads], 'attn.sinks');
    t('post_attention_layernorm.weight', [h], 'norm.mlp');
    if (config.moe) {
      const { experts, expertIntermediate: ff } = config.moe;
      t('mlp.router.weight', [experts, h], 'moe.router');
      t('mlp.router.bias', [experts], 'moe.router_bias');
      // Stored as MXFP4 `_blocks` + `_scales` in the release; listed here as the logical [experts, out, in] tensor.
      t('mlp.experts.gate_up_proj', [experts, 2 * ff, h], 'moe.gate_up');
      t('mlp.experts.gate_up_proj_bias', [experts, 2 * ff], 'moe.gate_up_bias');
      t('mlp.experts.down_proj', [experts, h, ff], 'moe.down');
      t('mlp.experts.down_proj_bias', [experts, h], 'moe.down_bias');
    } else {
      t('mlp.gate_proj.weight', [config.intermediateSize, h], 'mlp.gate');
      t('mlp.up_proj.weight', [config.intermediateSize, h], 'mlp.up');
      t('mlp.down_proj.weight', [h, config.intermediateSize], 'mlp.down');
    }
  }
  tensors.push({ name: 'model.norm.weight', shape: [h], role: 'norm.final', layer: null });
  if (!config.tiedEmbeddings) tensors.push({ name: 'lm_head.weight', shape: [config.vocab, h], role: 'head', layer: null });
  return tensors;
}

/** Number of elements of a shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Exact total parameter count. */
export function parameterCount(config: ModelConfig): number {
  return modelTensors(config).reduce((sum, t) => sum + elementCount(t.shape), 0);
}

/**
 * Parameters used per token: everything but the embedding table (a lookup, unless tied to the head),
 * with only top-k of the experts' weights (OpenAI's "active" convention for gpt-oss).
 */
export function activeParameterCount(config: ModelConfig): number {
  let sum = 0;
  for (const t of modelTensors(config)) {
    if (t.role === 'embed' && !config.tiedEmbeddings) continue; // a lookup; tied, it is also the head
    const n = elementCount(t.shape);
    sum += config.moe && t.role.startsWith('moe.') && t.role !== 'moe.router' && t.role !== 'moe.router_bias' ? (n / config.moe.experts) * config.moe.topK : n;
  }
  return sum;
}

/** USE-Lite: two Transformer encoder layers (layer 0 widens 256 -> 512), tied embeddings, a tanh head. */
function useLiteTensors(config: ModelConfig): TensorInfo[] {
  const embed = 256;
  const h = config.hiddenSize;
  const ff = config.intermediateSize;
  const tensors: TensorInfo[] = [{ name: 'model.embed_tokens.weight', shape: [config.vocab, embed], role: 'embed', layer: null }];
  for (let layer = 0; layer < config.layers; layer++) {
    const p = `encoder.layers.${layer}`;
    const inDim = layer === 0 ? embed : h;
    const t = (name: string, shape: number[], role: TensorInfo['role']) => tensors.push({ name: `${p}.${name}`, shape, role, layer });
    t('attn_norm.weight', [inDim], 'norm.attn');
    t('attn_norm.bias', [inDim], 'norm.attn_bias');
    t('attn.qkv.weight', [3 * inDim, inDim], 'attn.qkv');
    t('attn.qkv.bias', [3 * inDim], 'attn.qkv_bias');
    t('attn.o.weight', [h, inDim], 'attn.o');
    t('attn.o.bias', [h], 'attn.o_bias');
    if (inDim !== h) {
      t('proj_in.weight', [h, inDim], 'proj.in');
      t('proj_in.bias', [h], 'proj.in_bias');
    }
    t('mlp_norm.weight', [h], 'norm.mlp');
    t('mlp_norm.bias', [h], 'norm.mlp_bias');
    t('mlp.up.weight', [ff, h], 'mlp.up');
    t('mlp.up.bias', [ff], 'mlp.up_bias');
    t('mlp.down.weight', [h, ff], 'mlp.down');
    t('mlp.down.bias', [h], 'mlp.down_bias');
  }
  tensors.push({ name: 'head.dense.weight', shape: [h, h], role: 'head', layer: null });
  tensors.push({ name: 'head.dense.bias', shape: [h], role: 'head_bias', layer: null });
  return tensors;
}
