// npm run jobs -- retention   (runs a background job once, on the embedded database or DATABASE_URL)
import { readConfig } from '~/config.server';
import { createServices } from '~/services.server';
import { runJob, type JobName } from '~/server/jobs.server';

const name = process.argv[2] as JobName;
if (name !== 'retention' && name !== 'expiry') {
  console.error('usage: npm run jobs -- retention | expiry');
  process.exit(2);
}
const services = await createServices(readConfig({ PORTAL_MODE: 'development', ...process.env }), { dispatch: false });
try {
  console.log(name, await runJob(services, name));
} finally {
  await services.stop();
}
