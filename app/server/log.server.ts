// Structured logs (issue 29): pino, one JSON object a line in production (for a log shipper), the same
// lines made readable by pino-pretty in demo and development. What may appear: method, route id,
// status, duration, request id, principal kind and id, job names and counts, outbox ids, templates
// and channels. What never may: codes, tokens, passwords, cookies, message bodies, full email
// addresses — paths are not logged (several carry a token), only the route id; error texts pass
// through `scrub` (an SMTP server's refusal quotes the recipient).
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { PortalConfig } from '~/config.server';

export type { Logger };

/** Keys whose values are replaced wherever they appear in a logged object. */
const REDACT = [
  'password',
  'code',
  'token',
  'cookie',
  'authorization',
  'text',
  'html',
  'subject',
  'body',
  'email',
  'recipient',
  'to',
];

export function createLogger(config: Pick<PortalConfig, 'mode' | 'logLevel'>, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { pid: process.pid },
    redact: { paths: [...REDACT, ...REDACT.map((k) => `*.${k}`)], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (destination) return pino(options, destination);
  if (config.mode === 'production') return pino(options);
  // Readable lines for people at a terminal; synchronous, so a line is never lost when the process exits.
  return pino(
    options,
    pinoPretty({
      colorize: Boolean(process.stdout.isTTY),
      sync: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,event,step',
    }),
  );
}

/** An email as logs may show it: the first character of the local part and the domain (a***@example.com). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Free text (an error message) made fit for a log: email addresses masked, runs of 6 or more digits (codes, numbers) hidden, long tokens cut. */
export function scrub(text: string): string {
  return text
    .replace(/[^\s<>"'(),;:]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, (m) => maskEmail(m))
    .replace(/\d{6,}/g, (m) => `${'#'.repeat(Math.min(m.length, 6))}`)
    .replace(/[A-Za-z0-9_-]{32,}/g, '[token]')
    .slice(0, 500);
}

/** An error for a log line: its class and scrubbed message (no stack outside development). */
export function errorFields(
  err: unknown,
  withStack = false,
): { err: { type: string; message: string; stack?: string } } {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    err: {
      type: e.name,
      message: scrub(e.message.split('\n')[0] ?? ''),
      ...(withStack && e.stack ? { stack: scrub(e.stack) } : {}),
    },
  };
}
