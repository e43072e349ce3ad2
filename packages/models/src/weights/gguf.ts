/**
 * GGUF header parsing (pure) and writing (for fixtures). Little-endian: magic "GGUF", version (2 or 3),
 * tensor count u64, metadata count u64, metadata key/values, tensor infos (name, dims reversed
 * [in, out], ggml type, offset), then data aligned to `general.alignment` (default 32).
 */
import { UserError } from '@hardwire/core';
import { storedBytes, type StoredDType } from './types.ts';
import { printable } from './printable.ts';

/** Thrown when the parser needs more of the file than it was given. */
export class NeedMoreBytes extends Error {
  constructor(readonly needed: number) {
    super(`need ${needed} bytes`);
  }
}

export const GGML_TYPES: Readonly<Record<number, StoredDType | undefined>> = { 0: 'F32', 1: 'F16', 8: 'Q8_0', 30: 'BF16' };
const GGML_TYPE_NAMES: Readonly<Record<number, string>> = { 0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 8: 'Q8_0', 9: 'Q8_1', 10: 'Q2_K', 11: 'Q3_K', 12: 'Q4_K', 13: 'Q5_K', 14: 'Q6_K', 15: 'Q8_K', 24: 'I8', 25: 'I16', 26: 'I32', 27: 'I64', 28: 'F64', 30: 'BF16' };
const TYPE_CODE: Readonly<Record<StoredDType, number>> = { F32: 0, F16: 1, Q8_0: 8, BF16: 30 };

export type GgufValue = number | bigint | string | boolean | GgufValue[];

export interface GgufTensorInfo {
  readonly name: string;
  /** Shape in [out, in] order (GGUF dims reversed). */
  readonly shape: number[];
  readonly dtype: StoredDType;
  readonly offset: number;
  readonly byteLength: number;
}

export interface GgufHeader {
  readonly version: number;
  readonly metadata: Map<string, GgufValue>;
  readonly tensors: GgufTensorInfo[];
  readonly dataStart: number;
}

class Cursor {
  pos = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array, private readonly fileSize: number, private readonly file: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number): void {
    if (this.pos + n > this.fileSize) throw new UserError(`${this.file}: truncated GGUF header (needs byte ${this.pos + n}, file has ${this.fileSize})`);
    if (this.pos + n > this.bytes.byteLength) throw new NeedMoreBytes(Math.min(this.fileSize, Math.max(this.bytes.byteLength * 2, this.pos + n)));
  }
  u8() { this.need(1); return this.view.getUint8(this.pos++); }
  u32() { this.need(4); const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  i32() { this.need(4); const v = this.view.getInt32(this.pos, true); this.pos += 4; return v; }
  f32() { this.need(4); const v = this.view.getFloat32(this.pos, true); this.pos += 4; return v; }
  f64() { this.need(8); const v = this.view.getFloat64(this.pos, true); this.pos += 8; return v; }
  u64() { this.need(8); const v = this.view.getBigUint64(this.pos, true); this.pos += 8; return v; }
  i64() { this.need(8); const v = this.view.getBigInt64(this.pos, true); this.pos += 8; return v; }
  count(what: string, limit: number): number {
    const v = this.u64();
    if (v > BigInt(limit)) throw new UserError(`${this.file}: GGUF ${what} ${v} is implausibly large`);
    return Number(v);
  }
  string(what: string): string {
    const n = this.count(`${what} length`, 1 << 24);
    this.need(n);
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}

function readValue(c: Cursor, type: number, file: string, key: string, depth = 0): GgufValue {
  switch (type) {
    case 0: return c.u8();
    case 1: return (c.u8() << 24) >> 24;
    case 2: { const lo = c.u8(); return lo | (c.u8() << 8); }
    case 3: { const lo = c.u8(); return ((lo | (c.u8() << 8)) << 16) >> 16; }
    case 4: return c.u32();
    case 5: return c.i32();
    case 6: return c.f32();
    case 7: return c.u8() !== 0;
    case 8: return c.string(`value of ${key}`);
    case 9: {
      if (depth > 2) throw new UserError(`${file}: GGUF metadata ${key} nests arrays too deeply`);
      const itemType = c.u32();
      const n = c.count(`array length of ${key}`, 1 << 26);
      const items: GgufValue[] = [];
      for (let i = 0; i < n; i++) items.push(readValue(c, itemType, file, key, depth + 1));
      return items;
    }
    case 10: return c.u64();
    case 11: return c.i64();
    case 12: return c.f64();
    default: throw new UserError(`${file}: GGUF metadata ${key} has unknown value type ${type}`);
  }
}

/** Parse a GGUF header from the first bytes of a file of `fileSize` bytes. Throws NeedMoreBytes or UserError. */
export function parseGgufHeader(bytes: Uint8Array, fileSize: number, file: string): GgufHeader {
  const c = new Cursor(bytes, fileSize, file);
  if (fileSize < 4) throw new UserError(`${file}: truncated GGUF file (${fileSize} bytes)`);
  const magic = c.u32();
  if (magic !== 0x46554747) throw new UserError(`${file}: bad GGUF magic 0x${magic.toString(16).padStart(8, '0')} (expected "GGUF")`);
  const version = c.u32();
  if (version !== 2 && version !== 3) throw new UserError(`${file}: unsupported GGUF version ${version} (expected 2 or 3)`);
  const tensorCount = c.count('tensor count', 1 << 20);
  const kvCount = c.count('metadata count', 1 << 20);
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = printable(c.string('metadata key'), 200);
    metadata.set(key, readValue(c, c.u32(), file, key));
  }
  const alignmentValue = metadata.get('general.alignment');
  const alignment = typeof alignmentValue === 'number' ? alignmentValue : 32;
  if (!Number.isInteger(alignment) || alignment <= 0 || alignment % 8 !== 0) throw new UserError(`${file}: GGUF general.alignment ${alignment} must be a positive multiple of 8`);
  const raw: Array<{ name: string; dims: number[]; type: number; offset: bigint }> = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = printable(c.string('tensor name'), 200);
    const nDims = c.u32();
    if (nDims < 1 || nDims > 4) throw new UserError(`${file}: tensor ${name}: ${nDims} dimensions (expected 1 to 4)`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(c.count(`dimension of ${name}`, 2 ** 40));
    raw.push({ name, dims, type: c.u32(), offset: c.u64() });
  }
  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  const tensors: GgufTensorInfo[] = raw.map(({ name, dims, type, offset }) => {
    const dtype = GGML_TYPES[type];
    if (!dtype) throw new UserError(`${file}: tensor ${name}: unsupported ggml type ${GGML_TYPE_NAMES[type] ?? type} (expected F32, F16, BF16, Q8_0)`);
    const count = dims.reduce((a, b) => a * b, 1);
    if (dtype === 'Q8_0' && dims[0] % 32 !== 0) throw new UserError(`${file}: tensor ${name}: Q8_0 rows of ${dims[0]} are not a multiple of 32`);
    if (offset % BigInt(alignment) !== 0n) throw new UserError(`${file}: tensor ${name}: offset ${offset} is not aligned to ${alignment}`);
    const byteLength = storedBytes(dtype, count);
    const absolute = dataStart + Number(offset);
    if (absolute + byteLength > fileSize) throw new UserError(`${file}: tensor ${name}: data ends at byte ${absolute + byteLength}, past the end of the file (${fileSize} bytes)`);
    return { name, shape: [...dims].reverse(), dtype, offset: absolute, byteLength };
  });
  return { version, metadata, tensors, dataStart };
}

/** Build a GGUF v3 file (for fixtures). Shapes are [out, in]; data must already be encoded. */
export function buildGguf(metadata: ReadonlyArray<[string, string | number]>, tensors: ReadonlyArray<{ name: string; dtype: StoredDType; shape: readonly number[]; data: Uint8Array }>, alignment = 32): Uint8Array {
  const parts: number[] = [];
  const enc = new TextEncoder();
  const pushU32 = (v: number) => parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  const pushU64 = (v: number) => {
    pushU32(v % 2 ** 32);
    pushU32(Math.floor(v / 2 ** 32));
  };
  const pushString = (s: string) => {
    const b = enc.encode(s);
    pushU64(b.length);
    parts.push(...b);
  };
  pushU32(0x46554747);
  pushU32(3);
  pushU64(tensors.length);
  pushU64(metadata.length);
  for (const [key, value] of metadata) {
    pushString(key);
    if (typeof value === 'string') {
      pushU32(8);
      pushString(value);
    } else {
      pushU32(4);
      pushU32(value);
    }
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    pushString(t.name);
    pushU32(t.shape.length);
    for (const d of [...t.shape].reverse()) pushU64(d);
    pushU32(TYPE_CODE[t.dtype]);
    pushU64(offset);
    offsets.push(offset);
    offset = Math.ceil((offset + t.data.byteLength) / alignment) * alignment;
  }
  const dataStart = Math.ceil(parts.length / alignment) * alignment;
  const out = new Uint8Array(dataStart + offset);
  out.set(parts);
  tensors.forEach((t, i) => out.set(t.data, dataStart + offsets[i]));
  return out;
}
