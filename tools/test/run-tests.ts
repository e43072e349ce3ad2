/**
 * The README's test command (`npm test`): one vitest run over all projects, then one summary line
 * `tests: N passed, N failed, N skipped`. Exits non-zero when anything failed or vitest itself failed.
 * Extra arguments go to vitest (e.g. `npm test -- packages/core`).
 */
import { execa } from 'execa';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

interface JsonReport {
  testResults?: Array<{ name: string; assertionResults: Array<{ fullName: string; status: string }> }>;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

const outDir = join('out', 'test');
mkdirSync(outDir, { recursive: true });
const reportFile = join(outDir, 'vitest-report.json');
rmSync(reportFile, { force: true });
const run = await execa('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  reject: false,
});
let report: JsonReport | undefined;
try {
  report = JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport;
} catch {
  report = undefined;
}
if (!report) {
  console.log(`vitest wrote no report (exit code ${run.exitCode})`);
  console.log('tests: 0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
let failed = report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
const skipped = report.numPendingTests + report.numTodoTests;
// Every skipped test by name: a skip is never silent. Under CI (CI=true) every tool the tests need is installed
// by .ci/run, so a skipped test means a tool or fixture went missing: it counts as a failure.
const skippedNames = (report.testResults ?? []).flatMap((f) => f.assertionResults.filter((a) => a.status !== 'passed' && a.status !== 'failed').map((a) => `${relative(process.cwd(), f.name)} > ${a.fullName}`));
for (const name of skippedNames) console.log(`skipped: ${name}`);
if (process.env.CI === 'true' && skipped > 0) {
  console.log(`under CI every test must run (.ci/run installs every tool and fixture): ${skipped} skipped, counted as failed`);
  failed += skipped;
}
console.log(`tests: ${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || run.exitCode !== 0 ? 1 : 0);
