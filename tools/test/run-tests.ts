/**
 * The README's test command (`npm test`): one vitest run over all projects, then one summary line
 * `tests: N passed, N failed, N skipped`. Exits non-zero when anything failed or vitest itself failed.
 * Extra arguments go to vitest (e.g. `npm test -- packages/core`).
 */
import { execa } from 'execa';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

interface JsonReport {
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
const failed = report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || run.exitCode !== 0 ? 1 : 0);
