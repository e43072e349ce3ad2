/** Config vars shared by the quantization stages. */
import { bool, custom, int, num, oneOf, str } from '@hardwire/core';
import { QUANT_FORMATS } from './formats.ts';

export const quantVar = oneOf(QUANT_FORMATS, { default: 'int3', doc: 'Weight format: int3 (mid-tread), int3-midrise, ternary, int4, fp4-mx (MXFP4), fp4-nv (NVFP4).' });
export const blockVar = int({ default: 4, min: 1, max: 8, doc: 'Coefficients per block (k); kinds = C(q+k-1, k).' });
export const groupVar = custom<number | 'row', { default: 'row'; doc: string }>(
  'integer|row',
  (raw) => (raw === 'row' ? 'row' : /^\d+$/.test(raw) && Number(raw) >= 1 ? Number(raw) : { error: 'expected a positive integer or row' }),
  { default: 'row', doc: 'Scale group along the input dimension: N weights per scale, or row (one per row). FP4 formats fix it (32 or 16).' },
);
export const signFoldVar = bool({ default: false, doc: 'Kind = sorted magnitudes; signs pushed to the inputs (FP4 becomes 330 kinds at k=4).' });
export const weightsVar = str({ doc: 'Weights to read (safetensors file or folder, GGUF, llama2.c .bin, TF.js model folder); synthetic weights when absent.' });
export const seedVar = int({ default: 1, min: 0, doc: 'Seed of the synthetic weights.' });
export const tailsVar = oneOf(['gaussian', 'student-t'] as const, { default: 'gaussian', doc: 'Synthetic weight distribution; student-t gives heavy tails like trained weights.' });
export const tailDofVar = num({ default: 5, min: 2.5, max: 1000, doc: 'Degrees of freedom of the student-t tails (excess kurtosis 6/(dof-4) above 4).' });
export const includeEmbeddingsVar = bool({ default: false, doc: 'Also cover embeddings and the head (default: weight matrices inside layers only).' });
export const jobsVar = int({ default: 0, min: 0, max: 256, doc: 'Worker threads (0 = one per core). Results do not depend on it.' });
