// A dispatcher in a process of its own, for the resilience suite to kill mid-batch (SIGKILL):
// DATABASE_URL, SMTP_URL, BATCH and LEASE_MS from the environment; one delivery round, then exit.
import { openDatabase } from '~/db/connect.server';
import { DevMailbox, OutboxDispatcher, SmtpTransport } from '~/outbox/outbox.server';

const db = await openDatabase({ url: process.env.DATABASE_URL!, poolSize: 2 });
const smtp = new SmtpTransport(process.env.SMTP_URL!);
const dispatcher = new OutboxDispatcher({
  prisma: db.prisma,
  email: smtp,
  sms: new DevMailbox(),
  from: 'desk@example.com',
  batchSize: Number(process.env.BATCH ?? 10),
  leaseMs: Number(process.env.LEASE_MS ?? 60_000),
  log: (m) => console.error(m),
});
console.log(`dispatcher ${dispatcher.id}`);
const claimed = await dispatcher.runOnce();
console.log(`claimed ${claimed}`);
smtp.close();
await db.close();
