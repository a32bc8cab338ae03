import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type ReceivedMail = { from: string; to: string[]; raw: string; subject: string; messageId: string | null };

/** The outbox row id a message was sent for (the dispatcher writes it into the Message-ID). */
export const outboxIdOf = (mail: ReceivedMail) => /^<([^@>]+)@/.exec(mail.messageId ?? '')?.[1] ?? '?';

/**
 * A real SMTP server on loopback (the `smtp-server` package). Only answered messages count as
 * received. For faults: `refuseNext(n)` answers the next n messages with a temporary failure (451);
 * `holdAfter(n)` answers n more, then never answers the next one (as if its sender died waiting);
 * `holdNext()` reads the next message and answers it only when released (a delivery in progress);
 * `stop()` and `start()` stop listening and listen again on the same port.
 */
export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  let refusals = 0;
  let hold: { after: number; seen: number; notify: (outboxId: string) => void } | null = null;
  let delayed: { arrived: () => void; released: Promise<void> } | null = null;
  let port = 0;
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // A held message keeps its connection open: close cuts it after a second instead of smtp-server's 30 s.
      closeTimeout: 1000,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          if (delayed) {
            const d = delayed;
            delayed = null;
            d.arrived();
            await d.released;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const messageId = /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? null;
          if (hold && hold.seen++ === hold.after) {
            const { notify } = hold;
            hold = null;
            notify(outboxIdOf({ from: '', to: [], raw, subject: '', messageId }));
            return; // never answered
          }
          if (refusals > 0) {
            refusals--;
            const err = new Error('Mailbox temporarily unavailable') as Error & { responseCode: number };
            err.responseCode = 451;
            callback(err);
            return;
          }
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            subject: /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '',
            messageId,
          });
          callback();
        });
      },
    });
  let server = make();
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await listen();
  port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseNext(n: number) {
      refusals = n;
    },
    /** Answers `after` more messages, then holds the next one for ever; resolves with its outbox id. */
    holdAfter: (after: number) => new Promise<string>((resolve) => void (hold = { after, seen: 0, notify: resolve })),
    /** The next message is read but answered only on `release()`; `arrival` resolves when it is in. */
    holdNext() {
      let arrived!: () => void;
      let release!: () => void;
      const arrival = new Promise<void>((r) => (arrived = r));
      delayed = { arrived, released: new Promise<void>((r) => (release = r)) };
      return { arrival, release };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    async start() {
      server = make();
      await listen();
    },
    async waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs = 10_000): Promise<ReceivedMail> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching mail within ${timeoutMs} ms (got ${received.length})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
