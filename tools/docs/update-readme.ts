/** Regenerate the flow reference section of README.md (`npx tsx tools/docs/update-readme.ts`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@hardwire/core';
import { withFlowsReference } from './flowsReference.ts';

const path = join(REPO_ROOT, 'README.md');
writeFileSync(path, await withFlowsReference(readFileSync(path, 'utf8')));
console.log(`updated ${path}`);
