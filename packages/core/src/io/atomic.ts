/**
 * Atomic file writes (edge: touches the file system). Data goes to `<path>.tmp-<pid>-<n>` and is
 * renamed into place, so a reader never sees a half-written file under the final name.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stableStringify } from '../hash.ts';

let counter = 0;
function tempName(path: string): string {
  counter += 1;
  return `${path}.tmp-${process.pid}-${counter}`;
}

/** Write `data` to `path` atomically (creates parent folders). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempName(path);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Synchronous twin of writeFileAtomic, for exit paths. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempName(path);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Pretty JSON with sorted keys and a final newline, written atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, stableStringify(value, 2) + '\n');
}
