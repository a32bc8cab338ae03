// Statements composed per request with Prisma's tagged template (Prisma.sql) that run outside
// Prisma's client, through db.sql (docs/decisions/003): the staff queue and the case page's risk
// look-ups. And `instant`, for points in time in any hand-written statement.
import { createHash } from 'node:crypto';
import { Prisma } from '~/generated/prisma/client';
import type { Database, SqlStatement } from './connect.server';

/**
 * A statement whose text is composed per request, named after its text: each distinct text is
 * prepared once per connection, and PostgreSQL can keep its plan rather than plan it on every page
 * view. The texts are a bounded family: one per combination of the queue's filters, of the risk
 * look-ups that apply and of the number of evidence files compared.
 */
function statementFor(text: string): SqlStatement {
  return { name: `t_${createHash('sha1').update(text).digest('base64url')}`, text };
}

/** Runs a composed statement and returns its rows. */
export type ComposedRead = <R>(query: Prisma.Sql) => Promise<R[]>;

/** Outside a transaction: through db.sql, named after its text (no round through the Prisma client; decision 003). */
export const readWith =
  (db: Pick<Database, 'sql'>): ComposedRead =>
  (query) =>
    db.sql(statementFor(query.text), query.values);

/** Inside a transaction: through its client. */
export const readInTransaction =
  (tx: Prisma.TransactionClient): ComposedRead =>
  (query) =>
    tx.$queryRaw(query);

/**
 * A point in time as a parameter compared with (or written to) a timestamp column (UTC, without
 * zone): sent as an ISO string, so neither driver's idea of the local time zone enters.
 */
export const instant = (at: Date) => Prisma.sql`(${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
