// The benchmark's data set, written with set-based SQL (INSERT … SELECT generate_series) so 100 000
// accounts, 100 000 appeals and 1 000 000 audit events take seconds, not the hours row-by-row would.
// Every value is a pure function of the row number (hashint4 stands in for randomness), so two runs
// get the same data and before/after figures compare like with like.
import type { PrismaClient } from '~/generated/prisma/client';

export type BenchSize = { accounts: number; appeals: number; auditEvents: number; benchAgents: number };

export const FULL_SIZE: BenchSize = { accounts: 100_000, appeals: 100_000, auditEvents: 1_000_000, benchAgents: 17 };
export const QUICK_SIZE: BenchSize = { accounts: 10_000, appeals: 10_000, auditEvents: 100_000, benchAgents: 17 };
/** `--scale 1m`: a provider's years of appeals (each account with an expired session and code too: 1 000 000 of each). */
export const MILLION_SIZE: BenchSize = {
  accounts: 1_000_000,
  appeals: 1_000_000,
  auditEvents: 10_000_000,
  benchAgents: 17,
};

/** UID of bench account n (1-based): 16 digits, never colliding with the demo UIDs (1000…). */
export const benchUid = (n: number) => `2${String(n).padStart(15, '0')}`;
export const benchEmail = (n: number) => `user${n}@bench.example`;

/** A deterministic number in [0, 1) from a row number and a salt (SQL). */
const r = (expr: string, salt: number) =>
  `((hashint4((${expr})::int * 7 + ${salt}) & 2147483647) % 1000003) / 1000003.0`;
/** SQL for "now" as Prisma stores it: UTC wall-clock time in a timestamp(3) column. */
const NOW = `date_trunc('milliseconds', now() AT TIME ZONE 'UTC')`;

type Exec = (sql: string) => Promise<unknown>;

export type SeedReport = { seconds: Record<string, number>; counts: Record<string, number>; auditChain: string };

/**
 * Seeds on top of a migrated database that holds the demo data (Alice, Bob, the demo staff).
 * `passwordHash` is one argon2 hash of the demo password, shared by every bench account. The caller
 * runs settleDatabase before measuring, which also gathers the planner's statistics.
 */
export async function seedBenchData(
  prisma: PrismaClient,
  size: BenchSize,
  passwordHash: string,
  log: (m: string) => void = console.log,
): Promise<SeedReport> {
  const exec: Exec = (sql) => prisma.$executeRawUnsafe(sql);
  const seconds: Record<string, number> = {};
  const step = async (name: string, ...sql: string[]) => {
    const t = performance.now();
    for (const s of sql) await exec(s);
    seconds[name] = Math.round((performance.now() - t) / 100) / 10;
    log(`  ${name.padEnd(22)} ${seconds[name].toFixed(1)} s`);
  };
  const A = size.accounts;
  const N = size.appeals;
  const hash = passwordHash.replace(/'/g, "''");

  await step(
    'accounts',
    `INSERT INTO "Account" ("uid", "logonEmail", "securePhone", "passwordHash", "accountType", "holderName", "lastPaymentCents", "lastPaymentCurrency", "lastPaymentAt", "createdAt", "updatedAt")
     SELECT '2' || lpad(n::text, 15, '0'), 'user' || n || '@bench.example',
            CASE WHEN n % 3 = 0 THEN NULL ELSE '+86139' || lpad(n::text, 8, '0') END,
            '${hash}',
            (CASE WHEN n % 5 = 0 THEN 'ENTERPRISE' ELSE 'INDIVIDUAL' END)::"AccountType",
            'Bench Holder ' || n, (100 + (n * 37) % 50000), (ARRAY['CNY','USD','EUR'])[1 + n % 3],
            ${NOW} - ((n % 90) || ' days')::interval, ${NOW} - ((365 + n % 2500) || ' days')::interval, ${NOW}
     FROM generate_series(1, ${A}) n`,
  );
  // Old sessions (expired or revoked), one per account, so the Session table is not empty.
  await step(
    'sessions (history)',
    `INSERT INTO "Session" ("id", "tokenHash", "principalType", "accountUid", "createdAt", "lastSeenAt", "expiresAt", "revokedAt", "ip", "userAgent")
     SELECT gen_random_uuid(), encode(sha256(('bench-old-session-' || n)::bytea), 'hex'), 'OWNER', '2' || lpad(n::text, 15, '0'),
            ${NOW} - interval '40 days', ${NOW} - interval '39 days', ${NOW} - interval '39 days',
            CASE WHEN n % 2 = 0 THEN ${NOW} - interval '39 days' ELSE NULL END, '10.0.0.1', 'Mozilla/5.0 (bench)'
     FROM generate_series(1, ${A}) n`,
  );
  await step(
    'staff',
    `INSERT INTO "Staff" ("id", "email", "name", "roles", "active", "createdAt", "updatedAt")
     SELECT md5('bench-staff-' || k)::uuid, 'bench-agent-' || k || '@support.example.com', 'Bench Agent ' || k,
            CASE WHEN k % 4 = 0 THEN ARRAY['AGENT','SENIOR_AGENT']::"StaffRole"[] ELSE ARRAY['AGENT']::"StaffRole"[] END, true, ${NOW}, ${NOW}
     FROM generate_series(1, ${size.benchAgents}) k`,
  );

  // Appeals: every status, open ones filed in the last 8 days (some past their SLA), closed ones over
  // the last year; 15 % high risk; 90 % matched to an account; assignees spread over 20 staff.
  const status = `(CASE WHEN p < 8 THEN 'SUBMITTED' WHEN p < 16 THEN 'IN_REVIEW' WHEN p < 22 THEN 'AWAITING_CUSTOMER' WHEN p < 25 THEN 'PENDING_SECOND_APPROVAL'
                   WHEN p < 65 THEN 'APPROVED' WHEN p < 85 THEN 'REJECTED' WHEN p < 93 THEN 'WITHDRAWN' ELSE 'EXPIRED' END)`;
  await step(
    'appeals',
    `INSERT INTO "Appeal" ("id", "caseNumber", "scenario", "status", "origin", "priority", "riskLevel", "riskSignals", "accountUid", "accountFound", "givenUid", "givenOldEmail",
                           "accountType", "holderName", "newEmail", "newPhone", "lastPaymentCents", "lastPaymentCurrency", "createdMonth", "trackingTokenHash", "filerIp",
                           "submittedAt", "updatedAt", "slaDueAt", "slaPausedAt", "assigneeId", "claimedAt", "firstApproverId", "firstApprovedAt", "decidedById", "decidedAt",
                           "rejectReason", "rejectFinal", "checklist", "awaitingSince", "version")
     SELECT md5('bench-appeal-' || n)::uuid,
            -- 500000 + k (the appeal's place among its day's): far above what the day counter of a real day reaches,
            -- so a new case number never collides; six digits whatever the set's size (500000 + n overflowed at 1m).
            'AP-' || to_char(sub, 'YYYYMMDD') || '-' || lpad((500000 + k)::text, 6, '0'),
            (ARRAY['FORGOT_LOGON_EMAIL','EMAIL_AND_PHONE_UNAVAILABLE','PHONE_UNAVAILABLE','EMAIL_CHANGED_NOT_ME'])[1 + floor(${r('n', 11)} * 4)::int]::"AppealScenario",
            st::"AppealStatus", 'FORM', CASE WHEN ${r('n', 12)} < 0.05 THEN 10 ELSE 0 END,
            (CASE WHEN high THEN 'HIGH' ELSE 'NORMAL' END)::"RiskLevel",
            CASE WHEN high THEN '[{"code":"REPEATED_APPEALS","label":"Several appeals for this account in the last 30 days"}]'::jsonb ELSE '[]'::jsonb END,
            CASE WHEN found THEN '2' || lpad(acct::text, 15, '0') END, found,
            CASE WHEN found THEN '2' || lpad(acct::text, 15, '0') ELSE '3' || lpad(n::text, 15, '0') END,
            CASE WHEN found AND n % 4 = 0 THEN 'user' || acct || '@bench.example' END,
            (CASE WHEN acct % 5 = 0 THEN 'ENTERPRISE' ELSE 'INDIVIDUAL' END)::"AccountType", 'Bench Holder ' || acct,
            'new' || n || '@' || CASE WHEN n % 3 = 0 THEN 'gmail.com' ELSE 'corp' || (n % 500) || '.example' END,
            NULL, (100 + (acct * 37) % 50000), (ARRAY['CNY','USD','EUR'])[1 + acct % 3], to_char(${NOW} - ((365 + acct % 2500) || ' days')::interval, 'YYYY-MM'),
            encode(sha256(('bench-tracking-token-' || lpad(n::text, 8, '0'))::bytea), 'hex'), '10.' || (n % 250) || '.' || (n % 199) || '.7',
            sub, sub, due,
            CASE WHEN st = 'AWAITING_CUSTOMER' THEN sub + interval '1 day' END,
            CASE WHEN st <> 'SUBMITTED' AND NOT (st IN ('WITHDRAWN','EXPIRED') AND n % 2 = 0) THEN staff[1 + (n % array_length(staff, 1))] END,
            CASE WHEN st <> 'SUBMITTED' THEN sub + interval '2 hours' END,
            CASE WHEN st = 'PENDING_SECOND_APPROVAL' OR (st = 'APPROVED' AND high) THEN staff[1 + ((n + 1) % array_length(staff, 1))] END,
            CASE WHEN st = 'PENDING_SECOND_APPROVAL' OR (st = 'APPROVED' AND high) THEN sub + interval '1 day' END,
            CASE WHEN st IN ('APPROVED','REJECTED') THEN staff[1 + (n % array_length(staff, 1))] END,
            CASE WHEN st IN ('APPROVED','REJECTED','WITHDRAWN','EXPIRED') THEN sub + interval '2 days' END,
            CASE WHEN st = 'REJECTED' THEN (ARRAY['EVIDENCE_UNREADABLE','EVIDENCE_MISMATCH','ACCOUNT_NOT_FOUND','DUPLICATE','OTHER'])[1 + n % 5] END,
            CASE WHEN st = 'REJECTED' THEN n % 3 = 0 END,
            CASE WHEN st IN ('APPROVED','PENDING_SECOND_APPROVAL') THEN '{"identity":true,"knowledge":true,"newEmail":true,"risk":true}'::jsonb ELSE '{}'::jsonb END,
            CASE WHEN st = 'AWAITING_CUSTOMER' THEN sub + interval '1 day' END,
            CASE WHEN st = 'SUBMITTED' THEN 0 ELSE 2 + n % 4 END
     FROM (
       SELECT n, p, st, high, found, acct, sub, row_number() OVER (PARTITION BY to_char(sub, 'YYYYMMDD') ORDER BY n) AS k,
              CASE WHEN st = 'AWAITING_CUSTOMER' THEN sub + interval '12 days' ELSE sub + interval '3 days' + ((n % 48) || ' hours')::interval END AS due
       FROM (
         SELECT n, p, ${status} AS st, ${r('n', 13)} < 0.15 AS high, ${r('n', 14)} < 0.9 AS found, 1 + floor(${r('n', 15)} * ${A})::int AS acct,
                CASE WHEN p < 25 THEN ${NOW} - ((floor(${r('n', 16)} * 8 * 86400))::int || ' seconds')::interval
                     ELSE ${NOW} - ((8 * 86400 + floor(${r('n', 17)} * 357 * 86400))::int || ' seconds')::interval END AS sub
         FROM (SELECT n, floor(${r('n', 10)} * 100)::int AS p FROM generate_series(1, ${N}) n) a
       ) b
     ) c, (SELECT array_agg("id" ORDER BY "email") AS staff FROM "Staff" WHERE NOT ('ADMIN' = ANY("roles"))) s`,
  );
  await step(
    'evidence files',
    `INSERT INTO "EvidenceFile" ("id", "appealId", "kind", "storedName", "originalName", "mimeType", "sizeBytes", "sha256", "uploadedAt", "deletedAt")
     SELECT gen_random_uuid(), "id", 'ID_DOCUMENT', 'bench-' || "caseNumber" || '-id', 'id-card.png', 'image/png', 180000,
            encode(sha256(("caseNumber" || '-id')::bytea), 'hex'), "submittedAt", CASE WHEN "submittedAt" < ${NOW} - interval '120 days' AND "status" IN ('APPROVED','REJECTED') THEN "submittedAt" + interval '92 days' END
     FROM "Appeal" WHERE "caseNumber" LIKE 'AP-%-5_____'`,
    `INSERT INTO "EvidenceFile" ("id", "appealId", "kind", "storedName", "originalName", "mimeType", "sizeBytes", "sha256", "uploadedAt")
     SELECT gen_random_uuid(), "id", 'PAYMENT_RECORD', 'bench-' || "caseNumber" || '-pay', 'invoice.pdf', 'application/pdf', 95000,
            encode(sha256(("caseNumber" || '-pay')::bytea), 'hex'), "submittedAt"
     FROM "Appeal" WHERE "caseNumber" LIKE 'AP-%-5_____' AND right("caseNumber", 1) IN ('1', '4', '7')`,
  );
  await step(
    'messages and notes',
    `INSERT INTO "AppealMessage" ("id", "appealId", "author", "body", "createdAt")
     SELECT gen_random_uuid(), "id", 'SYSTEM', 'Appeal received.', "submittedAt" FROM "Appeal" WHERE "caseNumber" LIKE 'AP-%-5_____'`,
    `INSERT INTO "AppealMessage" ("id", "appealId", "author", "staffId", "body", "createdAt")
     SELECT gen_random_uuid(), "id", 'STAFF', "assigneeId", 'Please send a clearer photo of the ID document, showing all four corners.', "submittedAt" + interval '1 day'
     FROM "Appeal" WHERE "caseNumber" LIKE 'AP-%-5_____' AND "assigneeId" IS NOT NULL AND right("caseNumber", 1) IN ('2', '5')`,
    `INSERT INTO "InternalNote" ("id", "appealId", "staffId", "body", "createdAt")
     SELECT gen_random_uuid(), "id", "assigneeId", 'Payment amount matches; ID photo slightly blurred.', "submittedAt" + interval '3 hours'
     FROM "Appeal" WHERE "caseNumber" LIKE 'AP-%-5_____' AND "assigneeId" IS NOT NULL AND right("caseNumber", 1) IN ('3', '6', '9')`,
  );
  await step(
    'verifications (history)',
    `INSERT INTO "Verification" ("id", "purpose", "channel", "target", "accountUid", "requesterKey", "codeHash", "attempts", "createdAt", "expiresAt", "consumedAt")
     SELECT gen_random_uuid(), 'CHANGE_EMAIL_IDENTITY', 'EMAIL', 'user' || n || '@bench.example', '2' || lpad(n::text, 15, '0'), 'session:old-' || n,
            encode(sha256(('bench-code-' || n)::bytea), 'hex'), 0, ${NOW} - interval '30 days', ${NOW} - interval '30 days' + interval '10 minutes', ${NOW} - interval '30 days' + interval '1 minute'
     FROM generate_series(1, ${A}) n`,
  );
  await step(
    'outbox (sent)',
    `INSERT INTO "OutboxMessage" ("id", "channel", "recipient", "subject", "text", "template", "status", "attempts", "nextAttemptAt", "createdAt", "sentAt")
     SELECT gen_random_uuid(), 'EMAIL', 'user' || n || '@bench.example', 'Your verification code', 'Your verification code is ******.', 'code:CHANGE_EMAIL_IDENTITY', 'SENT', 1,
            ${NOW} - interval '30 days', ${NOW} - interval '30 days', ${NOW} - interval '30 days'
     FROM generate_series(1, ${2 * A}) n`,
  );

  const auditChain = await seedAuditEvents(prisma, size, step);
  // No ANALYZE here: both callers settle the database afterwards (settleDatabase: VACUUM (ANALYZE)).

  const counts: Record<string, number> = {};
  for (const table of [
    'Account',
    'Appeal',
    'EvidenceFile',
    'AppealMessage',
    'InternalNote',
    'AuditEvent',
    'Session',
    'Verification',
    'OutboxMessage',
    'Staff',
  ]) {
    const rows = await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}"`);
    counts[table] = Number(rows[0].n);
  }
  return { seconds, counts, auditChain };
}

/**
 * 1 000 000 audit events WITH a valid hash chain, already sealed (npm run audit:verify passes on a bench database):
 * one recursive query walks the rows in id order and hashes each with the previous hash, building
 * exactly the canonical JSON of app/audit/audit.server.ts (auditHash) — the bench rows hold only
 * ASCII without characters JSON would escape, so SQL string concatenation equals JSON.stringify.
 * Half of them are about appeals (5 per appeal: the case page's timeline), half about accounts.
 */
async function seedAuditEvents(
  prisma: PrismaClient,
  size: BenchSize,
  step: (name: string, ...sql: string[]) => Promise<void>,
): Promise<string> {
  const last = await prisma.auditEvent.findFirst({
    where: { seq: { not: null } },
    orderBy: { seq: 'desc' },
    select: { seq: true, hash: true },
  });
  const newest = await prisma.auditEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
  if (await prisma.auditEvent.count({ where: { seq: null } }))
    throw new Error('The bench database has audit events not yet sealed: seal them first.');
  const prev0 = (last?.hash ?? '').replace(/'/g, "''");
  const offset = Number(newest?.id ?? 0n);
  const seqOffset = Number(last?.seq ?? 0n);
  const E = size.auditEvents;
  const N = size.appeals;
  const A = size.accounts;
  // Columns of event i, as SQL expressions of i (no joins inside the recursion, which must stay one row per step).
  const cols = (i: string) => {
    const isAppeal = `((${i}) % 2 = 0)`;
    const k = `(1 + ((${i}) / 2) % ${N})`;
    const acct = `(1 + ((${i}) / 2) % ${A})`;
    const kind = `(((${i}) / 2 / ${N}) % 5)`;
    return {
      at: `(date_trunc('second', now() AT TIME ZONE 'UTC') - interval '365 days' + (((${i})::bigint * 31536000000 / ${E}) || ' milliseconds')::interval)`,
      actorType: `(CASE WHEN ${isAppeal} THEN (CASE WHEN ${kind} = 0 THEN 'anonymous' ELSE 'staff' END) ELSE 'customer' END)`,
      actorId: `(CASE WHEN ${isAppeal} THEN (CASE WHEN ${kind} = 0 THEN '' ELSE md5('bench-staff-' || (1 + (${i}) % ${size.benchAgents}))::uuid::text END) ELSE md5('bench-session-' || (${i}))::uuid::text END)`,
      action: `(CASE WHEN ${isAppeal} THEN (ARRAY['appeal.submitted','appeal.claimed','appeal.checklist_updated','appeal.note_added','appeal.info_requested'])[1 + ${kind}] ELSE 'login.succeeded' END)`,
      accountUid: `(CASE WHEN ${isAppeal} THEN '' ELSE '2' || lpad(${acct}::text, 15, '0') END)`,
      appealId: `(CASE WHEN ${isAppeal} THEN md5('bench-appeal-' || ${k})::uuid::text ELSE '' END)`,
      ip: `('10.' || ((${i}) % 250) || '.' || ((${i}) % 199) || '.' || ((${i}) % 97))`,
      ua: `'Mozilla/5.0 (bench)'`,
      data: `('{"bench":' || (${i}) || '}')`,
    };
  };
  const iso = (t: string) => `to_char(${t}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const hashOf = (i: string, prev: string) => {
    const c = cols(i);
    const canonical = `'["' || ${prev} || '","' || ${iso(c.at)} || '","' || ${c.actorType} || '","' || ${c.actorId} || '","' || ${c.action} || '","' || ${c.accountUid} || '","' || ${c.appealId} || '","' || ${c.ip} || '","' || ${c.ua} || '",' || to_json(${c.data})::text || ']'`;
    return `encode(sha256(convert_to(${canonical}, 'UTF8')), 'hex')`;
  };
  const c = cols('i');
  await step(
    'audit events (chained)',
    `INSERT INTO "AuditEvent" ("id", "at", "actorType", "actorId", "action", "accountUid", "appealId", "ip", "userAgent", "data", "prevHash", "hash", "seq")
     WITH RECURSIVE chain(i, prev, hash) AS (
       SELECT 1::bigint, '${prev0}'::text, ${hashOf('1::bigint', `'${prev0}'`)}
       UNION ALL
       SELECT c.i + 1, c.hash, ${hashOf('c.i + 1', 'c.hash')} FROM chain c WHERE c.i < ${E}
     )
     SELECT ${offset} + i, ${c.at}, ${c.actorType}, NULLIF(${c.actorId}, ''), ${c.action}, NULLIF(${c.accountUid}, ''), NULLIF(${c.appealId}, '')::uuid, ${c.ip}, ${c.ua}, ${c.data}::jsonb,
            NULLIF(prev, ''), hash, ${seqOffset} + i
     FROM chain`,
    `SELECT setval(pg_get_serial_sequence('"AuditEvent"', 'id'), (SELECT max("id") FROM "AuditEvent"))`,
  );
  return 'computed (SQL recursive query reproducing auditHash; verifiable with npm run audit:verify)';
}

/**
 * Per-request fixtures, written just before the portal starts (sessions idle out after 30 min,
 * appeal proofs after 1 h): `count` signed-in sessions of distinct bench accounts (one per
 * send-code request, so the 60 s cooldown and the 5/h limit are never what is measured), and
 * `count` appeal flows whose new email is already proved (the submit step alone is measured).
 */
export async function seedRequestFixtures(prisma: PrismaClient, count: number, size: BenchSize) {
  const exec = (sql: string) => prisma.$executeRawUnsafe(sql);
  await exec(`DELETE FROM "Session" WHERE "userAgent" = 'bench fixture'`);
  await exec(
    `INSERT INTO "Session" ("id", "tokenHash", "principalType", "accountUid", "createdAt", "lastSeenAt", "expiresAt", "ip", "userAgent")
     SELECT gen_random_uuid(), encode(sha256(('bench-fixture-token-' || n)::bytea), 'hex'), 'OWNER', '2' || lpad((1 + (n - 1) % ${size.accounts})::text, 15, '0'),
            ${NOW}, ${NOW}, ${NOW} + interval '12 hours', '127.0.0.1', 'bench fixture'
     FROM generate_series(1, ${count}) n`,
  );
  await exec(
    `INSERT INTO "Verification" ("id", "purpose", "channel", "target", "requesterKey", "codeHash", "attempts", "createdAt", "expiresAt", "consumedAt")
     SELECT gen_random_uuid(), 'APPEAL_NEW_EMAIL', 'EMAIL', 'filer' || n || '-' || extract(epoch from now())::bigint || '@filer.example', 'appeal:bench-fixture-flow-' || lpad(n::text, 8, '0'),
            'proved-by-bench-fixture', 0, ${NOW}, ${NOW} + interval '10 minutes', ${NOW}
     FROM generate_series(1, ${count}) n`,
  );
}

/** The tracking token of bench appeal n (the link in its "appeal received" mail). */
export const benchTrackingToken = (n: number) => `bench-tracking-token-${String(n).padStart(8, '0')}`;
export const fixtureSessionToken = (n: number) => `bench-fixture-token-${n}`;
export const fixtureFlowKey = (n: number) => `bench-fixture-flow-${String(n).padStart(8, '0')}`;

/**
 * After the seed: vacuums every table (hint bits, visibility map, statistics) and writes a checkpoint,
 * so that autovacuum and the checkpointer, woken by millions of new rows, do not take the shared cores
 * in the middle of a measurement, as they would at their own time. A database in use is vacuumed.
 */
export async function settleDatabase(prisma: PrismaClient): Promise<{ seconds: number; checkpoint: string }> {
  const t0 = performance.now();
  await prisma.$executeRawUnsafe('VACUUM (ANALYZE)');
  let checkpoint = 'written';
  try {
    await prisma.$executeRawUnsafe('CHECKPOINT');
  } catch (err) {
    // Only a superuser or a member of pg_checkpoint may ask for one.
    checkpoint = `not written (${(err as Error).message.split('\n')[0]})`;
  }
  return { seconds: Math.round((performance.now() - t0) / 1000), checkpoint };
}
