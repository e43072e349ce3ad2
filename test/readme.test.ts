/** The README stays true: quick start, generated flow reference, package READMEs. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@hardwire/core';
import { describe, expect, it } from 'vitest';
import { withFlowsReference } from '../tools/docs/flowsReference.ts';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('has the two quick-start commands, and .ci/run runs the same test command', () => {
    const start = readme.indexOf('## Quick start');
    const quick = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const commands = quick.match(/```sh\n([\s\S]*?)```/)![1].trim().split('\n').map((l) => l.replace(/\s+#.*$/, ''));
    expect(commands).toEqual(['bash tools/setup.sh && npx nx run flow:tile --model llama-8b', 'bash tools/setup.sh && npm test']);
    const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toContain('bash tools/setup.sh');
    expect(ci).toContain('npm test');
  });

  it('flow reference is current (run npx tsx tools/docs/update-readme.ts)', async () => {
    expect(readme).toBe(await withFlowsReference(readme));
  });

  it('every package has a README with its public API and how to test it', () => {
    for (const pkg of readdirSync(join(REPO_ROOT, 'packages'))) {
      const path = join(REPO_ROOT, 'packages', pkg, 'README.md');
      expect(existsSync(path), path).toBe(true);
      const text = readFileSync(path, 'utf8');
      expect(text, path).toMatch(/## Public API/);
      expect(text, path).toMatch(/## Testing/);
    }
  });

  it('is a manual of at most about 400 lines, with every docs/ file it names present', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(420);
    const named = [...readme.matchAll(/`(docs\/[\w./-]+\.(?:md|png))`|\]\((docs\/[\w./-]+)\)/g)].map((m) => m[1] ?? m[2]);
    expect(named.length).toBeGreaterThan(5);
    for (const f of named) expect(existsSync(join(REPO_ROOT, f)), f).toBe(true);
  });

  it('nx.json keeps analytics and cloud off', () => {
    const nx = JSON.parse(readFileSync(join(REPO_ROOT, 'nx.json'), 'utf8'));
    expect(nx.analytics).toBe(false);
    expect(nx.neverConnectToCloud).toBe(true);
  });
});
