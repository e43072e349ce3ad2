/** llama2.c checkpoint layout (pure): where each tensor lies, mapped to Hugging Face names. */
import { UserError } from '@hardwire/core';
import type { Llama2cHeader } from '../llama2cHeader.ts';
import { LLAMA2C_HEADER_BYTES } from '../llama2cHeader.ts';
import { metaToHfRowOrder, type StoredTensor } from './types.ts';

/** Every tensor of a llama2.c checkpoint (fp32, Meta layout) with file offsets; checks the file size. */
export function llama2cTensors(header: Llama2cHeader, file: string, fileSize: number): StoredTensor[] {
  const { dim, hiddenDim, layers, heads, kvHeads, vocab, seqLen } = header;
  const headDim = dim / heads;
  const kvDim = kvHeads * headDim;
  const out: StoredTensor[] = [];
  let offset = LLAMA2C_HEADER_BYTES;
  const add = (name: string, shape: number[], rowOrder?: Int32Array) => {
    const byteLength = shape.reduce((a, b) => a * b, 1) * 4;
    if (offset + byteLength > fileSize) throw new UserError(`${file}: truncated llama2.c checkpoint: tensor ${name} ends at byte ${offset + byteLength}, file has ${fileSize}`);
    out.push({ name, sourceName: name, shape, dtype: 'F32', file, offset, byteLength, layout: 'row-major', rowOrder });
    offset += byteLength;
  };
  const perLayer = (suffix: string, shape: number[], rowOrder?: Int32Array) => {
    for (let l = 0; l < layers; l++) add(`model.layers.${l}.${suffix}`, shape, rowOrder);
  };
  add('model.embed_tokens.weight', [vocab, dim]);
  perLayer('input_layernorm.weight', [dim]);
  perLayer('self_attn.q_proj.weight', [dim, dim], metaToHfRowOrder(dim, headDim));
  perLayer('self_attn.k_proj.weight', [kvDim, dim], metaToHfRowOrder(kvDim, headDim));
  perLayer('self_attn.v_proj.weight', [kvDim, dim]);
  perLayer('self_attn.o_proj.weight', [dim, dim]);
  perLayer('post_attention_layernorm.weight', [dim]);
  perLayer('mlp.gate_proj.weight', [hiddenDim, dim]);
  perLayer('mlp.down_proj.weight', [dim, hiddenDim]);
  perLayer('mlp.up_proj.weight', [hiddenDim, dim]);
  add('model.norm.weight', [dim]);
  const freqBytes = seqLen * headDim * 4; // freq_cis real and imaginary halves, unused
  if (offset + freqBytes > fileSize) throw new UserError(`${file}: truncated llama2.c checkpoint: rope tables end at byte ${offset + freqBytes}, file has ${fileSize}`);
  offset += freqBytes;
  if (!header.sharedClassifier) add('lm_head.weight', [vocab, dim]);
  if (offset !== fileSize) throw new UserError(`${file}: llama2.c checkpoint has ${fileSize - offset} bytes after the last tensor (header says dim ${dim}, layers ${layers}); not this layout`);
  return out;
}
