/**
 * safetensors header parsing and validation (pure). Layout: u64 little-endian header length N, N bytes
 * of JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__? }`, then the data;
 * offsets are relative to the end of the header.
 */
import { UserError } from '@hardwire/core';
import { storedBytes, type StoredDType } from './types.ts';
import { printable } from './printable.ts';

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: StoredDType;
  readonly shape: number[];
  /** Absolute offset in the file. */
  readonly offset: number;
  readonly byteLength: number;
}

const SUPPORTED: readonly string[] = ['F32', 'F16', 'BF16'];
const KNOWN = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL', 'F8_E4M3', 'F8_E5M2'];

/** Header length from the first 8 bytes; checks it fits in the file. */
export function safetensorsHeaderLength(first8: Uint8Array, fileSize: number, file: string): number {
  if (fileSize < 8 || first8.byteLength < 8) throw new UserError(`${file}: truncated safetensors file (${fileSize} bytes, no header length)`);
  const view = new DataView(first8.buffer, first8.byteOffset, 8);
  const length = Number(view.getBigUint64(0, true));
  if (length > fileSize - 8) throw new UserError(`${file}: safetensors header length ${length} runs past the end of the file (${fileSize} bytes)`);
  if (length > 100_000_000) throw new UserError(`${file}: safetensors header length ${length} is implausibly large`);
  return length;
}

/** Parse and validate the JSON header. Every problem is a one-line UserError naming file and tensor. */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileSize: number, file: string): SafetensorsEntry[] {
  const dataStart = 8 + headerBytes.byteLength;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    throw new UserError(`${file}: safetensors header is not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new UserError(`${file}: safetensors header must be a JSON object`);
  const entries: SafetensorsEntry[] = [];
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const where = `${file}: tensor ${printable(name)}`;
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (!info || typeof info !== 'object') throw new UserError(`${where}: expected { dtype, shape, data_offsets }`);
    if (typeof info.dtype !== 'string' || !KNOWN.includes(info.dtype)) throw new UserError(`${where}: unknown dtype ${JSON.stringify(info.dtype)}`);
    if (!SUPPORTED.includes(info.dtype)) throw new UserError(`${where}: unsupported dtype ${info.dtype} (expected ${SUPPORTED.join(', ')})`);
    if (!Array.isArray(info.shape) || !info.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new UserError(`${where}: shape must be a list of non-negative integers`);
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[1] < offsets[0]) {
      throw new UserError(`${where}: data_offsets must be [begin, end] with 0 <= begin <= end`);
    }
    const count = (info.shape as number[]).reduce((a, b) => a * b, 1);
    const need = storedBytes(info.dtype as StoredDType, count);
    if (offsets[1] - offsets[0] !== need) throw new UserError(`${where}: shape [${(info.shape as number[]).join(', ')}] in ${info.dtype} needs ${need} bytes, data_offsets span ${offsets[1] - offsets[0]}`);
    if (dataStart + offsets[1] > fileSize) throw new UserError(`${where}: data ends at byte ${dataStart + offsets[1]}, past the end of the file (${fileSize} bytes)`);
    entries.push({ name, dtype: info.dtype as StoredDType, shape: info.shape as number[], offset: dataStart + offsets[0], byteLength: need });
  }
  checkNoOverlap(entries, file);
  return entries;
}

/** Throws when two tensors' byte ranges overlap. */
export function checkNoOverlap(entries: ReadonlyArray<{ name: string; offset: number; byteLength: number }>, file: string): void {
  const sorted = [...entries].filter((e) => e.byteLength > 0).sort((a, b) => a.offset - b.offset || a.name.localeCompare(b.name));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (sorted[i].offset < prev.offset + prev.byteLength) throw new UserError(`${file}: tensor ${printable(sorted[i].name)} overlaps tensor ${printable(prev.name)}`);
  }
}

/** Serialize tensors as a safetensors file (for fixtures and conversions). Data must already be encoded. */
export function buildSafetensors(tensors: ReadonlyArray<{ name: string; dtype: StoredDType; shape: readonly number[]; data: Uint8Array }>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  if (padded !== json.byteLength) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(8 + json.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let at = 8 + json.byteLength;
  for (const t of tensors) {
    out.set(t.data, at);
    at += t.data.byteLength;
  }
  return out;
}
