// npm start (demo) / npm run serve (production) / npm run dev: build when the sources are newer
// than the build, then serve it. The mode is explicit: --mode=… here, or PORTAL_MODE.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = process.argv.find((a) => a.startsWith('--mode='));
const mode = process.env.PORTAL_MODE ?? arg?.slice('--mode='.length);
if (!mode) {
  console.error('Set PORTAL_MODE (demo, development, test or production).');
  process.exit(2);
}
process.env.PORTAL_MODE = mode;
process.env.NODE_ENV ??= mode === 'production' ? 'production' : mode === 'test' ? 'test' : 'production';

function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const entry of readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

const buildFile = path.resolve('build/index.js');
const sources = Math.max(
  newest('app'),
  newest('remix.config.js'),
  newest('package.json'),
  newest('prisma/schema.prisma'),
);
if (!existsSync(buildFile) || statSync(buildFile).mtimeMs < sources) {
  console.log('Building the portal (remix build)…');
  const r = spawnSync(process.execPath, ['node_modules/@remix-run/dev/dist/cli.js', 'build'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const build = await import(pathToFileURL(buildFile).href);
const { startPortal, readConfig } = build.entry.module;
let config;
try {
  config = readConfig();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
let portal;
try {
  portal = await startPortal({ build, config });
} catch (err) {
  console.error(`\nThe portal did not start:\n${err.message}\n`);
  process.exit(1);
}
const { logger } = portal.services;
logger.info(
  { event: 'startup.step', step: 'serving', url: config.publicUrl, database: portal.services.db.kind },
  `Account Recovery Desk (${mode}) on ${config.publicUrl}  — database: ${portal.services.db.kind} (${portal.services.db.location})`,
);
if (mode !== 'production') logger.info(`Delivered emails and SMS (with their codes): ${config.publicUrl}/dev/outbox`);

// Graceful shutdown (docs/operations.md): the first SIGTERM or SIGINT drains and stops, then exits 0;
// a second one ends the process at once (exit 1).
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) {
      logger.warn({ event: 'shutdown.step', step: 'forced', signal }, `${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ event: 'shutdown.step', step: 'signal', signal }, `${signal}: stopping`);
    try {
      await portal.stop();
    } catch (err) {
      logger.error({ event: 'shutdown.step', step: 'failed', err: { message: err.message } }, 'stopping failed');
      process.exit(1);
    }
    process.exit(0);
  });
}
