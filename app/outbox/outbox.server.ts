import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { PrismaClient, OutboxMessage } from '~/generated/prisma/client';
import type { Tx } from '~/audit/audit.server';

export type EmailInput = { to: string; subject: string; text: string; html?: string; template: string };
export type SmsInput = { to: string; text: string; template: string };

/** Writes an email into the outbox, inside the caller's transaction; the dispatcher delivers it after commit. */
export async function enqueueEmail(tx: Tx, message: EmailInput): Promise<string> {
  const row = await tx.outboxMessage.create({
    data: {
      channel: 'EMAIL',
      recipient: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      template: message.template,
    },
    select: { id: true },
  });
  return row.id;
}

export async function enqueueSms(tx: Tx, message: SmsInput): Promise<string> {
  const row = await tx.outboxMessage.create({
    data: { channel: 'SMS', recipient: message.to, text: message.text, template: message.template },
    select: { id: true },
  });
  return row.id;
}

export interface EmailTransport {
  readonly name: string;
  send(message: OutboxMessage, from: string): Promise<void>;
}
export interface SmsProvider {
  readonly name: string;
  send(message: OutboxMessage): Promise<void>;
}

/** nodemailer over SMTP. The outbox id becomes the Message-ID, so a resend after a crash is recognisable. */
export class SmtpTransport implements EmailTransport {
  readonly name = 'smtp';
  private transporter: Transporter;
  constructor(url: string) {
    this.transporter = nodemailer.createTransport(url);
  }
  async send(message: OutboxMessage, from: string) {
    await this.transporter.sendMail({
      from,
      to: message.recipient,
      subject: message.subject,
      text: message.text,
      html: message.html ?? undefined,
      messageId: `<${message.id}@account-recovery-desk>`,
    });
  }
  close() {
    this.transporter.close();
  }
}

/** Development, tests and demo: nothing leaves the machine; delivered messages are read at /dev/outbox. */
export class DevMailbox implements EmailTransport, SmsProvider {
  readonly name = 'dev-mailbox';
  async send() {}
}

/** A generic HTTP SMS gateway: POST {to, text, id} as JSON to SMS_WEBHOOK_URL. */
export class WebhookSmsProvider implements SmsProvider {
  readonly name = 'sms-webhook';
  constructor(private readonly url: string) {}
  async send(message: OutboxMessage) {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: message.id, to: message.recipient, text: message.text }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
  }
}

export class NoSmsProvider implements SmsProvider {
  readonly name = 'none';
  async send() {
    throw new Error('No SMS provider is configured (set SMS_WEBHOOK_URL).');
  }
}

export type DispatcherOptions = {
  prisma: PrismaClient;
  email: EmailTransport;
  sms: SmsProvider;
  from: string;
  batchSize?: number;
  pollMs?: number;
  /** How long a claimed message stays reserved for this dispatcher. */
  leaseMs?: number;
  maxAttempts?: number;
  /**
   * Keep a message's subject and body once it is delivered (or given up): only where the dev outbox
   * shows them (demo, development, test). A deployment keeps recipient, template, times and status: the
   * bodies hold live codes and one-time links, which a reader of the database or a backup could use.
   */
  keepBodies?: boolean;
  /** Backoff for attempt n (1-based) in ms. */
  backoffMs?: (attempt: number) => number;
  log?: (msg: string) => void;
  /** Told of every delivery attempt (one structured log line and the delivery metrics; never the recipient or the content). */
  onAttempt?: (attempt: DeliveryAttempt) => void;
};

export type DeliveryAttempt = {
  id: string;
  template: string;
  channel: 'EMAIL' | 'SMS';
  attempt: number;
  outcome: 'sent' | 'retry' | 'failed';
  durationMs: number;
  error?: string;
};

/** What a delivered message keeps of its content outside the dev outbox's modes: nothing. */
const REDACTED = { subject: '', text: '', html: null };

/**
 * The outbox retention job: delivered and given-up messages older than `retentionDays` are deleted, and
 * (without `keepBodies`) any such message still holding its content — queued before a deployment
 * started redacting — is emptied now.
 */
export async function purgeDeliveredMessages(
  prisma: PrismaClient,
  options: { retentionDays: number; keepBodies: boolean; now?: Date },
): Promise<{ deleted: number; redacted: number }> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.retentionDays * 24 * 3600_000);
  const done = { status: { in: ['SENT', 'FAILED'] as ('SENT' | 'FAILED')[] } };
  const deleted = await prisma.outboxMessage.deleteMany({
    where: {
      OR: [
        { status: 'SENT', sentAt: { lt: cutoff } },
        { status: 'FAILED', createdAt: { lt: cutoff } },
      ],
    },
  });
  const redacted = options.keepBodies
    ? { count: 0 }
    : await prisma.outboxMessage.updateMany({
        where: { ...done, OR: [{ text: { not: '' } }, { subject: { not: '' } }, { html: { not: null } }] },
        data: REDACTED,
      });
  return { deleted: deleted.count, redacted: redacted.count };
}

export const defaultBackoff = (attempt: number) => Math.min(5_000 * 2 ** (attempt - 1), 60 * 60_000);

/**
 * Delivers outbox rows. Several dispatchers (one per portal instance) may run: a row is claimed
 * with FOR UPDATE SKIP LOCKED and a lease, so no two of them send it at once.
 */
export class OutboxDispatcher {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = true;
  /** stop() was called: a round in progress finishes the message it is sending and gives back the rest. */
  private stopRequested = false;
  private readonly o: Required<Omit<DispatcherOptions, 'log' | 'onAttempt'>> & {
    log: (m: string) => void;
    onAttempt?: (a: DeliveryAttempt) => void;
  };

  /** Delivery rounds run so far (each one claim statement): an idle dispatcher runs one per pollMs. */
  rounds = 0;

  constructor(options: DispatcherOptions) {
    // Each default by `??`: an option passed as undefined (services pass the tests' poll interval
    // through, undefined elsewhere) keeps its default. Spread over the defaults, it replaced them, and
    // a poll of `undefined` ms made every portal claim from the outbox ~500 times a second.
    this.o = {
      ...options,
      batchSize: options.batchSize ?? 20,
      pollMs: options.pollMs ?? 1000,
      leaseMs: options.leaseMs ?? 60_000,
      maxAttempts: options.maxAttempts ?? 8,
      keepBodies: options.keepBodies ?? true,
      backoffMs: options.backoffMs ?? defaultBackoff,
      log: options.log ?? ((m) => console.error(`[outbox] ${m}`)),
    };
  }

  /** The interval between rounds when there is nothing to send. */
  get pollMs() {
    return this.o.pollMs;
  }

  start() {
    this.stopped = false;
    this.stopRequested = false;
    this.schedule(0);
  }

  async stop() {
    this.stopped = true;
    this.stopRequested = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** Ask for a delivery round now (after a transaction that queued messages commits). */
  kick() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), ms);
    this.timer.unref?.();
  }

  private async loop() {
    this.timer = null;
    let delivered = 0;
    try {
      this.running = this.runOnce();
      delivered = await this.running;
    } catch (err) {
      this.o.log(`round failed: ${(err as Error).message}`);
    } finally {
      this.running = null;
    }
    const more = this.again || delivered >= this.o.batchSize;
    this.again = false;
    this.schedule(more ? 0 : this.o.pollMs);
  }

  /** Claims due messages and delivers them; returns how many were claimed. */
  async runOnce(): Promise<number> {
    this.rounds++;
    const claimed = await this.o.prisma.$queryRawUnsafe<OutboxMessage[]>(
      `UPDATE "OutboxMessage" SET "lockedUntil" = now() + ($1 || ' milliseconds')::interval, "lockedBy" = $2, "attempts" = "attempts" + 1
       WHERE "id" IN (
         SELECT "id" FROM "OutboxMessage"
         WHERE "status" = 'PENDING' AND "nextAttemptAt" <= now() AND ("lockedUntil" IS NULL OR "lockedUntil" < now())
         ORDER BY "createdAt" LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      String(this.o.leaseMs),
      this.id,
      this.o.batchSize,
    );
    for (const [index, message] of claimed.entries()) {
      // Stopping (a shutdown): the message being sent is finished; the rest of the batch is given back at
      // once — unsent, its attempt not counted — so another instance sends it without waiting for the lease.
      if (this.stopRequested) {
        await this.release(claimed.slice(index).map((m) => m.id));
        break;
      }
      const started = Date.now();
      try {
        if (message.channel === 'EMAIL') await this.o.email.send(message, this.o.from);
        else await this.o.sms.send(message);
        await this.o.prisma.outboxMessage.updateMany({
          where: { id: message.id, lockedBy: this.id },
          data: {
            status: 'SENT',
            sentAt: new Date(),
            lockedUntil: null,
            lastError: null,
            ...(this.o.keepBodies ? {} : REDACTED),
          },
        });
        this.o.onAttempt?.({
          id: message.id,
          template: message.template,
          channel: message.channel,
          attempt: message.attempts,
          outcome: 'sent',
          durationMs: Date.now() - started,
        });
      } catch (err) {
        const error = (err as Error).message.slice(0, 1000);
        const final = message.attempts >= this.o.maxAttempts;
        if (!this.o.onAttempt)
          this.o.log(
            `${message.template} to ${message.channel} failed (attempt ${message.attempts}${final ? ', giving up' : ''}): ${error}`,
          );
        this.o.onAttempt?.({
          id: message.id,
          template: message.template,
          channel: message.channel,
          attempt: message.attempts,
          outcome: final ? 'failed' : 'retry',
          durationMs: Date.now() - started,
          error,
        });
        await this.o.prisma.outboxMessage.updateMany({
          where: { id: message.id, lockedBy: this.id },
          data: {
            status: final ? 'FAILED' : 'PENDING',
            ...(final && !this.o.keepBodies ? REDACTED : {}),
            lastError: error,
            lockedUntil: null,
            nextAttemptAt: new Date(Date.now() + this.o.backoffMs(message.attempts)),
          },
        });
      }
    }
    return claimed.length;
  }

  /** Gives claimed messages back unsent: no lease, and the attempt that never happened not counted. */
  private async release(ids: string[]) {
    if (!ids.length) return;
    await this.o.prisma.$executeRawUnsafe(
      `UPDATE "OutboxMessage" SET "lockedUntil" = NULL, "lockedBy" = NULL, "attempts" = "attempts" - 1 WHERE "id" = ANY(string_to_array($1, ',')::uuid[]) AND "lockedBy" = $2 AND "status" = 'PENDING'`,
      ids.join(','),
      this.id,
    );
  }
}
