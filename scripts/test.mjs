// npm test: build the production server, type-check, check the format, lint, then every vitest project (unit,
// integration on PGlite and PostgreSQL, end-to-end in Chromium) in one run, so one summary line tells the result.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { chromiumPath, CHROMIUM_ADVICE } from './chromium.mjs';

const args = process.argv.slice(2);
const run = (cmd, argv, env = {}) =>
  spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

if (!existsSync('app/generated/prisma/client.ts')) {
  if (run(process.execPath, ['scripts/generate-client.mjs'])) process.exit(1);
}
console.log('▶ remix build');
if (run(process.execPath, ['node_modules/@remix-run/dev/dist/cli.js', 'build'])) process.exit(1);

console.log('▶ tsc --noEmit');
if (run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit'])) process.exit(1);

console.log('▶ prettier --check');
if (run(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--check', '.', '--log-level', 'warn']))
  process.exit(1);

console.log('▶ eslint');
if (run(process.execPath, ['node_modules/eslint/bin/eslint.js', '.', '--max-warnings=0'])) process.exit(1);

const wantsE2e = !args.some((a) => a.startsWith('--project')) || args.includes('--project=e2e') || args.includes('e2e');
if (wantsE2e && !chromiumPath()) {
  console.error(CHROMIUM_ADVICE);
  process.exit(1);
}
const resultsFile = 'tests/.artifacts/vitest-results.json';
mkdirSync('tests/.artifacts', { recursive: true });
rmSync(resultsFile, { force: true });
const status = run(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
    ...args,
  ],
  { NODE_ENV: 'test' },
);
// One plain closing line with the counts, whatever the reporter printed above it.
if (existsSync(resultsFile)) {
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(
    `\nvitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
}
process.exit(status);
