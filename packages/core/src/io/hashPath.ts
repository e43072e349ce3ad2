/** Content hashes of files and folders (edge), for cache keys and determinism metrics. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** SHA-256 of a file's bytes, streamed. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** SHA-256 of a file, or of a folder as its sorted relative paths and their file hashes. */
export async function hashPath(path: string): Promise<string> {
  const info = await stat(path);
  if (!info.isDirectory()) return hashFile(path);
  const hash = createHash('sha256');
  for (const rel of await listFiles(path)) hash.update(`${rel}\0${await hashFile(join(path, rel))}\n`);
  return hash.digest('hex');
}

/** Relative paths of all files under `root`, sorted. */
export async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}
