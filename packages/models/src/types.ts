/** Shapes of catalog models (pure data types). All matrices are [out, in], Hugging Face layout. */

/** What a tensor does; later stages select tensors by role. */
export type TensorRole =
  | 'embed'
  | 'head'
  | 'norm.attn'
  | 'norm.mlp'
  | 'norm.final'
  | 'attn.q'
  | 'attn.k'
  | 'attn.v'
  | 'attn.o'
  | 'attn.q_bias'
  | 'attn.k_bias'
  | 'attn.v_bias'
  | 'attn.o_bias'
  | 'attn.sinks'
  | 'mlp.gate'
  | 'mlp.up'
  | 'mlp.down'
  | 'moe.router'
  | 'moe.router_bias'
  | 'moe.gate_up'
  | 'moe.gate_up_bias'
  | 'moe.down'
  | 'moe.down_bias'
  | 'attn.qkv'
  | 'attn.qkv_bias'
  | 'proj.in'
  | 'proj.in_bias'
  | 'norm.attn_bias'
  | 'norm.mlp_bias'
  | 'mlp.up_bias'
  | 'mlp.down_bias'
  | 'head_bias';

/** Roles of the 2-D weight matrices inside transformer layers (what block statistics cover by default). */
export const LAYER_MATRIX_ROLES: readonly TensorRole[] = ['attn.q', 'attn.k', 'attn.v', 'attn.qkv', 'attn.o', 'proj.in', 'mlp.gate', 'mlp.up', 'mlp.down', 'moe.gate_up', 'moe.down'];

export interface TensorInfo {
  /** Hugging Face tensor name, e.g. `model.layers.0.self_attn.q_proj.weight`. */
  readonly name: string;
  /** Shape, [out, in] for matrices; [experts, out, in] for stacked MoE experts. */
  readonly shape: readonly number[];
  readonly role: TensorRole;
  /** Transformer layer index, or null for embeddings, final norm and head. */
  readonly layer: number | null;
}

export interface MoeConfig {
  readonly experts: number;
  readonly topK: number;
  /** Width of one expert's MLP. */
  readonly expertIntermediate: number;
}

/** The numbers that fix a decoder-only transformer's tensors. */
export interface ModelConfig {
  readonly id: string;
  readonly displayName: string;
  readonly family: 'llama' | 'gpt-oss' | 'use-lite';
  readonly hiddenSize: number;
  /** Dense MLP width (unused with MoE). */
  readonly intermediateSize: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly vocab: number;
  /** Embedding and head share one matrix (no `lm_head.weight`). */
  readonly tiedEmbeddings: boolean;
  /** q/k/v/o carry bias vectors. */
  readonly attentionBias: boolean;
  /** Per-head learned attention-sink logits (gpt-oss). */
  readonly attentionSinks: boolean;
  readonly moe?: MoeConfig;
  /** Published total parameter count and how precisely it is published. */
  readonly published: { readonly params: number; readonly precision: number; readonly source: string };
  /** Where the shape numbers come from. */
  readonly source: string;
}
