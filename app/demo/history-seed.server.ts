// Demo history for the dashboard (issue 27): a few hundred appeals over the last 90 days with outcomes
// and timings like a desk's — most approved or rejected within the SLA, some late, some withdrawn,
// expired or stopped by the owner, a few still open today — decided by the demo agents. Deterministic
// (a seeded generator), so two demo databases tell the same story. `npm run db:seed -- --history`.
import type { PrismaClient, Prisma } from '~/generated/prisma/client';
import { addWorkingDays, slaWorkingDays } from '~/appeals/sla';
import { RISK_LABELS } from '~/appeals/risk';
import { newToken, sha256 } from '~/lib/tokens.server';
import { refreshDashboard } from '~/dashboard/dashboard.server';
import type { Database } from '~/db/connect.server';
import { OPEN_STATUSES } from '~/appeals/options';
import type { AppealStatus } from '~/generated/prisma/enums';

const HOUR = 3600_000;
const HISTORY_ACCOUNTS = 30;
export const historyUid = (i: number) => `19000000${String(i).padStart(8, '0')}`;

/** A small seeded generator (mulberry32): the same history on every run. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HIGH_SIGNALS = [
  'NAME_MISMATCH',
  'PAYMENT_MISMATCH',
  'CREATED_MONTH_MISMATCH',
  'EMAIL_DOMAIN_SEEN',
  'REPEATED_APPEALS',
  'EVIDENCE_REUSED',
];

export async function seedHistory(
  db: Pick<Database, 'prisma' | 'sql'>,
  options: { now?: Date; count?: number } = {},
): Promise<string> {
  const prisma: PrismaClient = db.prisma;
  const now = options.now ?? new Date();
  if (
    await prisma.appeal.findFirst({
      where: { caseNumber: { startsWith: 'AP-' }, newEmail: { endsWith: '@history.example' } },
      select: { id: true },
    })
  ) {
    return 'The demo history is already there.';
  }
  const staff = await prisma.staff.findMany({ where: { active: true }, select: { id: true, roles: true } });
  const agents = staff.filter((s) => s.roles.includes('AGENT'));
  const seniors = staff.filter((s) => s.roles.includes('SENIOR_AGENT'));
  if (!agents.length || !seniors.length) return 'No demo agents to decide the history: load the demo data first.';
  const rnd = generator(27);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const count = options.count ?? 320;

  await prisma.account.createMany({
    data: Array.from({ length: HISTORY_ACCOUNTS }, (_, i) => ({
      uid: historyUid(i + 1),
      logonEmail: `history-owner-${i + 1}@example.com`,
      holderName: `History Holder ${i + 1}`,
      lastPaymentCents: 1000 + i * 37,
      lastPaymentCurrency: 'USD',
      createdAt: new Date(now.getTime() - (400 + i * 20) * 24 * HOUR),
    })),
    skipDuplicates: true,
  });

  const perDay = new Map<string, number>();
  const rows: Prisma.AppealCreateManyInput[] = [];
  for (let i = 0; i < count; i++) {
    // Filed over the last 90 days, more on weekdays and in working hours, a little busier lately.
    let submittedAt: Date;
    do {
      const back = Math.pow(rnd(), 1.15) * 90 * 24 * HOUR;
      submittedAt = new Date(now.getTime() - back);
    } while (
      (submittedAt.getUTCDay() % 6 === 0 && rnd() < 0.6) ||
      ((submittedAt.getUTCHours() < 7 || submittedAt.getUTCHours() > 19) && rnd() < 0.5)
    );
    const ageH = (now.getTime() - submittedAt.getTime()) / HOUR;
    const notMe = rnd() < 0.06;
    const origin = notMe ? ('NOT_ME_LINK' as const) : ('FORM' as const);
    const found = notMe || rnd() < 0.93;
    const signals: string[] = [];
    if (!found) signals.push('ACCOUNT_NOT_FOUND');
    if (notMe) signals.push('NOT_ME_ORIGIN');
    if (found && rnd() < 0.22) {
      signals.push(pick(HIGH_SIGNALS));
      if (rnd() < 0.3) signals.push(pick(HIGH_SIGNALS));
    }
    const codes = [...new Set(signals)];
    const high = codes.some((c) => HIGH_SIGNALS.includes(c));
    const slaDueAt = addWorkingDays(submittedAt, slaWorkingDays(origin));
    const agent = pick(agents);
    const claimedAt = new Date(submittedAt.getTime() + (0.5 + rnd() * (notMe ? 3 : 14)) * HOUR);
    // How long the decision takes after the claim: mostly within a day or two, a tail beyond the SLA.
    const workH = rnd() < 0.85 ? 2 + rnd() * 36 : 40 + rnd() * 60;
    const decidedAt = new Date(claimedAt.getTime() + workH * HOUR);
    const roll = rnd();
    type Fate = 'APPROVED' | 'REJECTED' | 'WITHDRAWN' | 'EXPIRED' | 'CANCELLED_BY_OWNER';
    let fate: Fate = !found
      ? 'REJECTED'
      : roll < 0.66
        ? 'APPROVED'
        : roll < 0.84
          ? 'REJECTED'
          : roll < 0.9
            ? 'WITHDRAWN'
            : roll < 0.95
              ? 'EXPIRED'
              : 'CANCELLED_BY_OWNER';
    if (high && fate === 'APPROVED' && rnd() < 0.35) fate = 'REJECTED';
    const uid = found ? historyUid(1 + Math.floor(rnd() * HISTORY_ACCOUNTS)) : null;
    const base: Prisma.AppealCreateManyInput = {
      caseNumber: '',
      scenario: notMe
        ? 'EMAIL_CHANGED_NOT_ME'
        : pick(['FORGOT_LOGON_EMAIL', 'EMAIL_AND_PHONE_UNAVAILABLE', 'PHONE_UNAVAILABLE'] as const),
      origin,
      priority: notMe ? 10 : 0,
      riskLevel: high ? 'HIGH' : 'NORMAL',
      riskSignals: codes.map((code) => ({ code, label: RISK_LABELS[code] ?? code })),
      accountUid: uid,
      accountFound: found,
      givenUid: uid ?? `1999${String(Math.floor(rnd() * 1e12)).padStart(12, '0')}`,
      accountType: 'INDIVIDUAL',
      holderName: uid ? `History Holder ${Number(uid.slice(-8))}` : 'Unknown Person',
      newEmail: `case${i + 1}@history.example`,
      trackingTokenHash: sha256(newToken()),
      submittedAt,
      slaDueAt,
    };
    // The case's state today: decided when its decision time is past, else where it stands now.
    if (fate === 'WITHDRAWN' || fate === 'CANCELLED_BY_OWNER') {
      const at = new Date(submittedAt.getTime() + (2 + rnd() * 40) * HOUR);
      if (at < now)
        Object.assign(base, {
          status: fate,
          decidedAt: at,
          ...(fate === 'WITHDRAWN' && rnd() < 0.5 ? { assigneeId: null } : {}),
        });
      else Object.assign(base, { status: 'SUBMITTED' });
    } else if (fate === 'EXPIRED') {
      const asked = new Date(claimedAt.getTime() + 4 * HOUR);
      const expiredAt = new Date(asked.getTime() + 14 * 24 * HOUR);
      if (expiredAt < now)
        Object.assign(base, {
          status: 'EXPIRED',
          assigneeId: agent.id,
          claimedAt,
          awaitingSince: asked,
          slaPausedAt: asked,
          decidedAt: expiredAt,
        });
      else if (asked < now)
        Object.assign(base, {
          status: 'AWAITING_CUSTOMER',
          assigneeId: agent.id,
          claimedAt,
          awaitingSince: asked,
          slaPausedAt: asked,
        });
      else
        Object.assign(
          base,
          claimedAt < now ? { status: 'IN_REVIEW', assigneeId: agent.id, claimedAt } : { status: 'SUBMITTED' },
        );
    } else if (decidedAt < now) {
      if (fate === 'REJECTED') {
        Object.assign(base, {
          status: 'REJECTED',
          assigneeId: agent.id,
          claimedAt,
          decidedById: agent.id,
          decidedAt,
          rejectReason: found ? 'EVIDENCE_INSUFFICIENT' : 'ACCOUNT_NOT_FOUND',
          rejectFinal: false,
        });
      } else if (high) {
        // A high-risk approval: the agent approves first, a senior agent gives the second approval later.
        const senior = pick(
          seniors.filter((s) => s.id !== agent.id).length ? seniors.filter((s) => s.id !== agent.id) : seniors,
        );
        const second = new Date(decidedAt.getTime() + (1 + rnd() * 20) * HOUR);
        if (second < now) {
          const handoverAt = new Date(second.getTime() + 24 * HOUR);
          Object.assign(base, {
            status: 'APPROVED',
            assigneeId: agent.id,
            claimedAt,
            firstApproverId: agent.id,
            firstApprovedAt: decidedAt,
            decidedById: senior.id,
            decidedAt: second,
            handoverAt,
            handedOverAt: handoverAt < now ? handoverAt : null,
          });
        } else
          Object.assign(base, {
            status: 'PENDING_SECOND_APPROVAL',
            assigneeId: agent.id,
            claimedAt,
            firstApproverId: agent.id,
            firstApprovedAt: decidedAt,
          });
      } else {
        const handoverAt = new Date(decidedAt.getTime() + (notMe ? 0 : 24 * HOUR));
        Object.assign(base, {
          status: 'APPROVED',
          assigneeId: agent.id,
          claimedAt,
          decidedById: agent.id,
          decidedAt,
          handoverAt,
          handedOverAt: handoverAt < now ? handoverAt : null,
        });
      }
    } else if (claimedAt < now) {
      Object.assign(base, { status: 'IN_REVIEW', assigneeId: ageH > 30 && rnd() < 0.2 ? null : agent.id, claimedAt });
    } else Object.assign(base, { status: 'SUBMITTED' });
    const day = submittedAt.toISOString().slice(0, 10).replace(/-/g, '');
    const n = (perDay.get(day) ?? 0) + 1;
    perDay.set(day, n);
    // High numbers for the history, so they never meet the numbers the day's counter gives real filings.
    base.caseNumber = `AP-${day}-${String(900000 + n).padStart(6, '0')}`;
    rows.push(base);
  }
  await prisma.appeal.createMany({ data: rows });
  const rolled = await refreshDashboard(db, now);
  const open = rows.filter((r) => OPEN_STATUSES.includes(r.status as AppealStatus)).length;
  return `Demo history: ${rows.length} appeals over the last 90 days (${open} open), ${HISTORY_ACCOUNTS} accounts; dashboard roll-up brought up to date (${rolled.days} days).`;
}
