/** Well-known folders (edge): the repository root and its test fixtures. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (holds flows/, packages/, pdk/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A file of `test/fixtures/` (small real data the tests read, kept in the repository); throws when it is missing. */
export function fixtureFile(name: string): string {
  const path = join(REPO_ROOT, 'test', 'fixtures', name);
  if (!existsSync(path)) throw new Error(`test fixture ${path} is missing (it is tracked in git: restore it)`);
  return path;
}
