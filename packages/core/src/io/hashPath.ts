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

let sourceHash: string | undefined;

/**
 * Hash of Hardwire's own source (every file under packages/<pkg>/src and flows/), computed once per
 * process: part of every stage cache key, so a code change never reuses a stale result.
 */
export async function sourceTreeHash(repoRoot: string): Promise<string> {
  if (sourceHash) return sourceHash;
  sourceHash = await computeSourceTreeHash(repoRoot);
  return sourceHash;
}

/** The hash of `flows/` and every `packages/<name>/src/` under `repoRoot`, computed afresh (tests, docs and other folders do not count). */
export async function computeSourceTreeHash(repoRoot: string): Promise<string> {
  const hash = createHash('sha256');
  const roots: string[] = [join(repoRoot, 'flows')];
  for (const entry of (await readdir(join(repoRoot, 'packages'), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory()) roots.push(join(repoRoot, 'packages', entry.name, 'src'));
  }
  for (const root of roots) {
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) continue;
    for (const rel of await listFiles(root)) hash.update(`${root.slice(repoRoot.length)}/${rel}\0${await hashFile(join(root, rel))}\n`);
  }
  return hash.digest('hex');
}
