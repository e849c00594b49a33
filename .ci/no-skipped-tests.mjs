// Fails when a vitest JSON report (--reporter=json) holds a skipped or todo test: in CI every program the
// suite needs is installed, so a skip there means a test silently stopped running.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const notRun = report.testResults.flatMap((file) =>
  file.assertionResults
    .filter((test) => test.status !== 'passed' && test.status !== 'failed')
    .map((test) => `  ${test.status}: ${test.fullName}`),
);
if (notRun.length > 0) {
  console.error(`${notRun.length} tests did not run (CI must run the whole suite):\n${notRun.join('\n')}`);
  process.exit(1);
}
console.log(`all ${report.numTotalTests} tests ran`);
