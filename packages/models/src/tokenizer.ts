/**
 * The llama2.c tokenizer (pure): `tokenizer.bin` (int32 max token length, then per token a float32 merge
 * score, an int32 byte length and the bytes), byte-pair merges by score with byte fallback and a dummy-prefix
 * space, exactly as the reference C implementation (`run.c`) encodes:
 * - every string is looked up by a binary search over the vocabulary sorted bytewise (a stable sort), so a
 *   string that appears under two ids maps to the id that search lands on (old exports hold 204 such pairs:
 *   byte tokens 3..258 carry the byte's character, which can equal a merged piece such as "é");
 * - BOS is a token of the sequence while merging; the pair with the strictly highest merged score wins, the
 *   leftmost on ties; a code point missing from the vocabulary becomes one token per byte (byte + 3).
 */

export const BOS_ID = 1;
export const EOS_ID = 2;

export interface Tokenizer {
  readonly vocab: readonly Uint8Array[];
  readonly scores: Float32Array;
  readonly maxTokenLength: number;
  /** The id the reference binary search returns for each distinct string (keyed by its latin1 form). */
  readonly lookup: ReadonlyMap<string, number>;
}

const latin1 = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
};

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Parse `tokenizer.bin` for a vocabulary of `vocabSize`; returns an error text when the bytes do not hold it. */
export function parseTokenizer(bytes: Uint8Array, vocabSize: number): Tokenizer | { error: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) return { error: 'shorter than its 4-byte header' };
  const maxTokenLength = view.getInt32(0, true);
  if (maxTokenLength <= 0 || maxTokenLength > 1024) return { error: `max token length ${maxTokenLength} is out of range` };
  const vocab: Uint8Array[] = [];
  const scores = new Float32Array(vocabSize);
  let at = 4;
  for (let id = 0; id < vocabSize; id++) {
    if (at + 8 > bytes.byteLength) return { error: `ends at token ${id} of ${vocabSize}` };
    scores[id] = view.getFloat32(at, true);
    const length = view.getInt32(at + 4, true);
    at += 8;
    if (length < 0 || length > maxTokenLength || at + length > bytes.byteLength) return { error: `token ${id} has length ${length} (max ${maxTokenLength}, ${bytes.byteLength - at} bytes left)` };
    vocab.push(bytes.slice(at, at + length));
    at += length;
  }
  if (at !== bytes.byteLength) return { error: `${bytes.byteLength - at} bytes after the last of ${vocabSize} tokens` };
  // The reference sorts (id, string) pairs bytewise and binary-searches them; replay that search for every string.
  const sorted = vocab.map((piece, id) => ({ piece, id })).sort((a, b) => compareBytes(a.piece, b.piece));
  const lookup = new Map<string, number>();
  for (const { piece } of sorted) {
    const key = latin1(piece);
    if (lookup.has(key)) continue;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = compareBytes(piece, sorted[mid].piece);
      if (c < 0) hi = mid;
      else if (c > 0) lo = mid + 1;
      else {
        lookup.set(key, sorted[mid].id);
        break;
      }
    }
  }
  return { vocab, scores, maxTokenLength, lookup };
}

/** Token ids of `text` (UTF-8), with BOS first and EOS last when asked. */
export function encode(tok: Tokenizer, text: string, bos: boolean, eos: boolean): number[] {
  const bytes = new TextEncoder().encode(text);
  const ids: number[] = [];
  if (bos) ids.push(BOS_ID);
  if (bytes.length > 0) {
    const space = tok.lookup.get(' ');
    if (space === undefined) throw new Error('tokenizer has no " " piece for the dummy prefix');
    ids.push(space);
  }
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    // A code point: a lead byte and up to three continuation bytes.
    if (i + 1 < bytes.length && (bytes[i + 1] & 0xc0) === 0x80 && i + 1 - start < 4) continue;
    const piece = bytes.subarray(start, i + 1);
    const id = tok.lookup.get(latin1(piece));
    if (id !== undefined) ids.push(id);
    else for (const b of piece) ids.push(b + 3);
    start = i + 1;
  }
  for (;;) {
    let bestScore = -1e10;
    let bestId = -1;
    let bestAt = -1;
    for (let i = 0; i + 1 < ids.length; i++) {
      const id = tok.lookup.get(latin1(tok.vocab[ids[i]]) + latin1(tok.vocab[ids[i + 1]]));
      if (id !== undefined && tok.scores[id] > bestScore) {
        bestScore = tok.scores[id];
        bestId = id;
        bestAt = i;
      }
    }
    if (bestAt < 0) break;
    ids.splice(bestAt, 2, bestId);
  }
  if (eos) ids.push(EOS_ID);
  return ids;
}

/** Text of a token sequence: the pieces' bytes as UTF-8, without the space that follows BOS; BOS and EOS print nothing. */
export function decode(tok: Tokenizer, ids: readonly number[]): string {
  const parts: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === BOS_ID || id === EOS_ID) continue;
    let piece = tok.vocab[id];
    if (i > 0 && ids[i - 1] === BOS_ID && piece[0] === 0x20) piece = piece.subarray(1);
    const hex = /^<0x([0-9A-F]{2})>$/.exec(latin1(piece));
    if (hex) parts.push(parseInt(hex[1], 16));
    else for (const b of piece) parts.push(b);
  }
  return new TextDecoder().decode(Uint8Array.from(parts));
}
