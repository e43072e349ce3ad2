/** Names in other formats mapped to catalog (Hugging Face) names (pure). */

const GGUF_LAYER: Readonly<Record<string, string>> = {
  attn_norm: 'input_layernorm.weight',
  attn_q: 'self_attn.q_proj.weight',
  attn_k: 'self_attn.k_proj.weight',
  attn_v: 'self_attn.v_proj.weight',
  attn_output: 'self_attn.o_proj.weight',
  ffn_norm: 'post_attention_layernorm.weight',
  ffn_gate: 'mlp.gate_proj.weight',
  ffn_up: 'mlp.up_proj.weight',
  ffn_down: 'mlp.down_proj.weight',
};
const GGUF_GLOBAL: Readonly<Record<string, string>> = { 'token_embd.weight': 'model.embed_tokens.weight', 'output_norm.weight': 'model.norm.weight', 'output.weight': 'lm_head.weight' };

/** llama.cpp GGUF tensor name -> Hugging Face name, or undefined for names outside the catalog (e.g. rope_freqs). */
export function ggufToHfName(name: string): string | undefined {
  if (name in GGUF_GLOBAL) return GGUF_GLOBAL[name];
  const m = /^blk\.(\d+)\.([a-z_]+)\.weight$/.exec(name);
  if (!m || !(m[2] in GGUF_LAYER)) return undefined;
  return `model.layers.${m[1]}.${GGUF_LAYER[m[2]]}`;
}

/** Hugging Face name -> llama.cpp GGUF name (for writers). */
export function hfToGgufName(name: string): string {
  for (const [g, h] of Object.entries(GGUF_GLOBAL)) if (h === name) return g;
  const m = /^model\.layers\.(\d+)\.(.+)$/.exec(name);
  if (m) for (const [g, h] of Object.entries(GGUF_LAYER)) if (h === m[2]) return `blk.${m[1]}.${g}.weight`;
  throw new Error(`no GGUF name for ${name}`);
}

/** True for the q/k projections, whose rows llama2.c and GGUF store in Meta's interleaved-rope order. */
export function ropePermutedRole(hfName: string): 'q' | 'k' | undefined {
  if (hfName.endsWith('self_attn.q_proj.weight')) return 'q';
  if (hfName.endsWith('self_attn.k_proj.weight')) return 'k';
  return undefined;
}

/**
 * USE-Lite TF.js weight name -> catalog name and whether the stored kernel is [in, out] (transposed),
 * or undefined for graph constants (shapes, timing signal) that are not weights.
 */
export function useLiteToCatalogName(tfName: string): { name: string; transposed: boolean } | undefined {
  if (tfName === 'module/Embeddings_en') return { name: 'model.embed_tokens.weight', transposed: false };
  if (tfName === 'module/Encoder_en/hidden_layers/tanh_layer_0/weights') return { name: 'head.dense.weight', transposed: true };
  if (tfName === 'module/Encoder_en/hidden_layers/tanh_layer_0/bias') return { name: 'head.dense.bias', transposed: false };
  const layer = /Layer_(\d+)\/TransformerLayer\/(.+)$/.exec(tfName);
  if (!layer) return undefined;
  const [, n, rest] = layer;
  const p = `encoder.layers.${n}`;
  const table: Array<[RegExp, string, boolean]> = [
    [/^MultiheadAttention\/qkv_transform_single\/kernel\//, 'attn.qkv.weight', true],
    [/^MultiheadAttention\/qkv_transform_single\/bias\//, 'attn.qkv.bias', false],
    [/^MultiheadAttention\/output_transform_single\/kernel\//, 'attn.o.weight', true],
    [/^MultiheadAttention\/output_transform_single\/bias\//, 'attn.o.bias', false],
    [/^dense\/kernel\//, 'proj_in.weight', true],
    [/^dense\/bias\//, 'proj_in.bias', false],
    [/^FFN\/conv1\/Tensordot\/Reshape_1$/, 'mlp.up.weight', true],
    [/^FFN\/conv1\/bias\//, 'mlp.up.bias', false],
    [/^FFN\/conv2\/Tensordot\/Reshape_1$/, 'mlp.down.weight', true],
    [/^FFN\/conv2\/bias\//, 'mlp.down.bias', false],
    [/^layer_prepostprocess\/layer_norm\/layer_norm_scale\//, 'attn_norm.weight', false],
    [/^layer_prepostprocess\/layer_norm\/layer_norm_bias\//, 'attn_norm.bias', false],
    [/^FFN\/layer_prepostprocess\/layer_norm\/layer_norm_scale\//, 'mlp_norm.weight', false],
    [/^FFN\/layer_prepostprocess\/layer_norm\/layer_norm_bias\//, 'mlp_norm.bias', false],
  ];
  for (const [re, name, transposed] of table) if (re.test(rest)) return { name: `${p}.${name}`, transposed };
  return undefined;
}
