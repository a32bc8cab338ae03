// A pino logger, configured as in production (JSON lines) but at trace level, whose lines the test reads.
import { createLogger, type Logger } from '~/server/log.server';

export type CapturedLog = { logger: Logger; lines: string[]; text(): string; entries(): Record<string, unknown>[] };

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const logger = createLogger({ mode: 'production', logLevel: 'trace' }, { write: (s: string) => void lines.push(s) });
  return {
    logger,
    lines,
    text: () => lines.join(''),
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
