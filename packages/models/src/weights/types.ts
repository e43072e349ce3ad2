/** Where a tensor's bytes are and how to turn them into [out, in] float32 rows (pure data). */

export type StoredDType = 'F32' | 'F16' | 'BF16' | 'Q8_0';

/** Bytes per element, or per 32-element block for Q8_0 (34). */
export const DTYPE_BYTES: Readonly<Record<StoredDType, number>> = { F32: 4, F16: 2, BF16: 2, Q8_0: 34 };

/** Bytes of `count` elements stored as `dtype` (Q8_0 requires a multiple of 32). */
export function storedBytes(dtype: StoredDType, count: number): number {
  return dtype === 'Q8_0' ? (count / 32) * 34 : count * DTYPE_BYTES[dtype];
}

export interface StoredTensor {
  /** Catalog (Hugging Face) name. */
  readonly name: string;
  /** Name inside the file. */
  readonly sourceName: string;
  /** Logical shape [out, in] (or [experts, out, in]). */
  readonly shape: readonly number[];
  readonly dtype: StoredDType;
  readonly file: string;
  /** Absolute byte offset of the first element in `file`. */
  readonly offset: number;
  readonly byteLength: number;
  /** 'transposed': stored as [in, out] (TF kernels); rows of the logical matrix are columns on disk. */
  readonly layout: 'row-major' | 'transposed';
  /** Logical row r is stored row rowOrder[r] (q/k rope layouts); absent means identity. */
  readonly rowOrder?: Int32Array;
  /** Data split over several files in order (TF.js shards); when present it replaces file/offset. */
  readonly extents?: ReadonlyArray<{ file: string; offset: number; byteLength: number }>;
}

/** What a reader found in a file or folder. */
export interface WeightIndex {
  readonly format: 'safetensors' | 'gguf' | 'llama2c' | 'tfjs';
  readonly path: string;
  readonly tensors: readonly StoredTensor[];
}

/**
 * Row order that turns Meta's interleaved-rope q/k rows (llama2.c, GGUF) into Hugging Face's
 * half-split order: HF row (head h, half j, i) = stored row (h, 2i + j).
 */
export function metaToHfRowOrder(rows: number, headDim: number): Int32Array {
  const order = new Int32Array(rows);
  const half = headDim / 2;
  for (let r = 0; r < rows; r++) {
    const h = Math.floor(r / headDim);
    const within = r % headDim;
    const j = Math.floor(within / half);
    const i = within % half;
    order[r] = h * headDim + 2 * i + j;
  }
  return order;
}
