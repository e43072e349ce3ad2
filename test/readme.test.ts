/** The README stays true: quick start, generated flow reference, package READMEs. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@hardwire/core';
import { describe, expect, it } from 'vitest';
import { withFlowsReference } from '../tools/docs/flowsReference.ts';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('has the two quick-start commands, and .ci/run runs the same test command', () => {
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Commands'));
    const commands = quick.match(/```sh\n([\s\S]*?)```/)![1].trim().split('\n').map((l) => l.replace(/\s+#.*$/, ''));
    expect(commands).toEqual(['bash tools/setup.sh && npx nx run flow:tile --model llama-8b', 'bash tools/setup.sh && npm test']);
    const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toContain('bash tools/setup.sh');
    expect(ci).toContain('npm test');
  });

  it('flow reference is current (run npx tsx tools/docs/update-readme.ts)', () => {
    expect(readme).toBe(withFlowsReference(readme));
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

  it('nx.json keeps analytics and cloud off', () => {
    const nx = JSON.parse(readFileSync(join(REPO_ROOT, 'nx.json'), 'utf8'));
    expect(nx.analytics).toBe(false);
    expect(nx.neverConnectToCloud).toBe(true);
  });
});
