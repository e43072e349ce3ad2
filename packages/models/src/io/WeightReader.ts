/** Reads rows of stored tensors as float32 (edge): positional reads into a reused buffer, never whole files. */
import { closeSync, openSync, readSync } from 'node:fs';
import { UserError } from '@hardwire/core';
import { decodeInto } from '../weights/decode.ts';
import { storedBytes, type StoredTensor } from '../weights/types.ts';

/** Rows and columns of a stored tensor seen as a matrix (leading dims flattened into rows). */
export function matrixDims(shape: readonly number[]): { rows: number; cols: number } {
  const cols = shape[shape.length - 1] ?? 1;
  const rows = shape.length <= 1 ? 1 : shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return { rows, cols };
}

export class WeightReader {
  private readonly fds = new Map<string, number>();
  private scratch = new Uint8Array(0);
  private whole: { tensor: StoredTensor; data: Float32Array } | undefined;

  private fd(file: string): number {
    let fd = this.fds.get(file);
    if (fd === undefined) {
      fd = openSync(file, 'r');
      this.fds.set(file, fd);
    }
    return fd;
  }

  private read(file: string, position: number, length: number): Uint8Array {
    if (this.scratch.byteLength < length) this.scratch = new Uint8Array(Math.max(length, this.scratch.byteLength * 2));
    const fd = this.fd(file);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, this.scratch, done, length - done, position + done);
      if (n === 0) throw new UserError(`${file}: unexpected end of file at byte ${position + done} (file changed while reading?)`);
      done += n;
    }
    return this.scratch.subarray(0, length);
  }

  /** The whole tensor as float32 in stored order (small tensors split over files, or transposed kernels). */
  private wholeTensor(t: StoredTensor): Float32Array {
    if (this.whole?.tensor === t) return this.whole.data;
    const count = t.shape.reduce((a, b) => a * b, 1);
    const bytes = new Uint8Array(t.byteLength);
    let at = 0;
    for (const e of t.extents ?? [{ file: t.file, offset: t.offset, byteLength: t.byteLength }]) {
      bytes.set(this.read(e.file, e.offset, e.byteLength), at);
      at += e.byteLength;
    }
    const data = new Float32Array(count);
    decodeInto(t.dtype, bytes, count, data);
    this.whole = { tensor: t, data };
    return data;
  }

  /** Fill `out` with logical rows [rowStart, rowStart + rowCount) of `t` ([out, in] layout). */
  readRows(t: StoredTensor, rowStart: number, rowCount: number, out: Float32Array): void {
    const { rows, cols } = matrixDims(t.shape);
    if (rowStart < 0 || rowStart + rowCount > rows) throw new RangeError(`rows ${rowStart}+${rowCount} outside ${rows} of ${t.name}`);
    if (t.layout === 'transposed' || t.extents) {
      const data = this.wholeTensor(t);
      if (t.layout === 'transposed') {
        // Stored [in = cols][out = rows].
        for (let r = 0; r < rowCount; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = data[c * rows + rowStart + r];
      } else out.set(data.subarray(rowStart * cols, (rowStart + rowCount) * cols));
      return;
    }
    const rowBytes = storedBytes(t.dtype, cols);
    if (!t.rowOrder && t.dtype === 'F32' && out.byteOffset % 4 === 0) {
      // F32 rows land directly in the output (one copy from the page cache, none after).
      const target = new Uint8Array(out.buffer, out.byteOffset, rowCount * rowBytes);
      const fd = this.fd(t.file);
      const position = t.offset + rowStart * rowBytes;
      let done = 0;
      while (done < target.byteLength) {
        const n = readSync(fd, target, done, target.byteLength - done, position + done);
        if (n === 0) throw new UserError(`${t.file}: unexpected end of file at byte ${position + done} (file changed while reading?)`);
        done += n;
      }
      return;
    }
    if (!t.rowOrder) {
      decodeInto(t.dtype, this.read(t.file, t.offset + rowStart * rowBytes, rowCount * rowBytes), rowCount * cols, out);
      return;
    }
    for (let r = 0; r < rowCount; r++) {
      const stored = t.rowOrder[rowStart + r];
      decodeInto(t.dtype, this.read(t.file, t.offset + stored * rowBytes, rowBytes), cols, out, r * cols);
    }
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.whole = undefined;
  }
}
