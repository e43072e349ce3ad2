/** Well-known folders (edge): the repository root and the shared data folder beside it. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (holds flows/, packages/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The shared data folder (`../shared` beside the checkout: PDK kit, real weights, benchmarks),
 * or `HARDWIRE_SHARED` when set. Undefined when neither exists.
 */
export function sharedRoot(): string | undefined {
  const candidates = [process.env.HARDWIRE_SHARED, join(REPO_ROOT, '..', 'shared')].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(p));
}

/** A file under the shared folder, or undefined when it is absent. */
export function sharedFile(...parts: string[]): string | undefined {
  const root = sharedRoot();
  if (root === undefined) return undefined;
  const path = join(root, ...parts);
  return existsSync(path) ? path : undefined;
}
