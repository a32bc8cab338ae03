// npm run jobs -- retention | expiry | handover | outbox | purge | dashboard   (runs a background job once, on the embedded database or DATABASE_URL)
import { readConfig } from '~/config.server';
import { createServices } from '~/services.server';
import { JOB_NAMES, runJob, type JobName } from '~/server/jobs.server';

const name = process.argv[2] as JobName;
if (!JOB_NAMES.includes(name)) {
  console.error(`usage: npm run jobs -- ${JOB_NAMES.join(' | ')}`);
  process.exit(2);
}
const services = await createServices(readConfig({ PORTAL_MODE: 'development', ...process.env }), { dispatch: false });
try {
  console.log(name, await runJob(services, name));
} finally {
  await services.stop();
}
