/**
 * Architecture guard: pure cores never touch the file system, processes or the clock.
 * Edge files are the runner, `io/`, `drivers/`, `plumbing/` readers and the `stage.ts` / `stages/` files of every package.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const EDGE = [/\/src\/io\//, /\/src\/drivers\//, /\/src\/stages?\//, /\/src\/stage\.ts$/, /\/src\/runner\.ts$/, /\/src\/cli\.ts$/, /\/src\/workers?\//, /\/src\/edge\//];
const FORBIDDEN = [/from 'node:fs(\/promises)?'/, /from 'node:child_process'/, /from 'execa'/, /from 'sharp'/, /from 'node:worker_threads'/, /\bDate\.now\(/, /\bMath\.random\(/, /\bperformance\.now\(/];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('pure cores', () => {
  it('import no fs, processes, workers or clocks outside edge files', () => {
    const offenders: string[] = [];
    for (const pkg of readdirSync(join(ROOT, 'packages'))) {
      for (const file of sources(join(ROOT, 'packages', pkg, 'src'))) {
        const rel = '/' + relative(ROOT, file);
        if (EDGE.some((re) => re.test(rel))) continue;
        const text = readFileSync(file, 'utf8');
        for (const re of FORBIDDEN) if (re.test(text)) offenders.push(`${rel}: ${re}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
