// What the case page shows, built from one read of the case (case-page.server.ts): the case as staff
// see it, the account beside it, the risk as an approval would assess it now, and the timeline.
import type { Services } from '~/services.server';
import type { AppAbility } from '~/authz/ability';
import { denialReason } from '~/authz/ability';
import { readWith } from '~/db/composed.server';
import { maskEmail, maskPhone } from '~/lib/masking';
import { SCENARIOS, isOnHold } from './options';
import { clockRunning, dueOrClosed } from './sla';
import { checklistComplete, REJECT_REASONS } from './review';
import { matchIndicators } from './matching';
import { reassessFiled } from './risk.server';
import { levelNow } from './risk';
import { recordCaseView } from './viewers.server';
import { loadCaseRecords, type TimelineRow } from './case-page.server';
import { appealWorkers } from './assignment.server';

export type CaseViewer = { staffId: string; ability: AppAbility };

/** The case page's data, or null when there is no such case. `id` must be a UUID. */
export async function loadCaseView(
  services: Pick<Services, 'db' | 'prisma'>,
  member: CaseViewer,
  id: string,
  now = new Date(),
) {
  const { db, prisma } = services;
  // The case with everything on its page in one statement; beside it, this view is recorded for the
  // others' collision hint (at most every 30 s).
  const [found] = await Promise.all([
    loadCaseRecords(db, id, { staffId: member.staffId, now }),
    recordCaseView(prisma, id, member.staffId, now),
  ]);
  if (!found) return null;
  const { appeal, evidence, messages, notes, account, staff, timeline, viewers } = found;
  // Read-only counts: no interactive transaction (it would cost a BEGIN/COMMIT and hold a connection).
  const risk = await reassessFiled(
    readWith(db),
    { ...appeal, id },
    account,
    evidence.map((e) => e.sha256),
    now,
  );
  const staffNames = new Map(staff.map((s) => [s.id, s.name]));
  const person = (staffId: string | null) => (staffId ? { id: staffId, name: staffNames.get(staffId) ?? '' } : null);
  const riskLevel = levelNow(appeal.riskLevel, risk.level);
  const subjectFields = {
    id: appeal.id,
    status: appeal.status,
    assigneeId: appeal.assigneeId,
    firstApproverId: appeal.firstApproverId,
    riskLevel,
  };
  const dates = dueOrClosed(appeal);
  const workers = denialReason(member.ability, 'reassign', 'Appeal', subjectFields) ? [] : await appealWorkers(prisma);
  return {
    me: member.staffId,
    workers,
    appeal: {
      ...subjectFields,
      caseNumber: appeal.caseNumber,
      version: appeal.version,
      scenario: SCENARIOS.find((s) => s.value === appeal.scenario)?.label ?? appeal.scenario,
      origin: appeal.origin,
      priority: appeal.priority,
      accountFound: appeal.accountFound,
      // What an approval needs: an account to change.
      noAccount: !appeal.accountUid,
      given: { uid: appeal.givenUid, alias: appeal.givenAlias, oldEmail: appeal.givenOldEmail },
      accountType: appeal.accountType,
      holderName: appeal.holderName,
      newEmail: appeal.newEmail,
      newPhone: appeal.newPhone,
      lastPayment:
        appeal.lastPaymentCents != null
          ? `${(appeal.lastPaymentCents / 100).toFixed(2)} ${appeal.lastPaymentCurrency}`
          : '—',
      createdMonth: appeal.createdMonth,
      submittedAt: appeal.submittedAt.toISOString(),
      slaDueAt: dates.dueAt,
      closedAt: dates.closedAt,
      breached: clockRunning(appeal.status) && appeal.slaDueAt < now,
      assignee: person(appeal.assigneeId),
      firstApprover: person(appeal.firstApproverId),
      checklist: appeal.checklist as Record<string, boolean>,
      checklistComplete: checklistComplete(appeal.checklist),
      rejectReason: appeal.rejectReason,
      handoverAt: isOnHold(appeal) ? appeal.handoverAt!.toISOString() : null,
      handedOverAt: appeal.handedOverAt?.toISOString() ?? null,
      // Too many wrong answers: nobody may approve (decisions.server.ts says the same when asked).
      blockedReason: risk.blockedReason,
    },
    evidence: evidence.map((e) => ({
      id: e.id,
      kind: e.kind,
      name: e.originalName,
      mime: e.mimeType,
      size: e.sizeBytes,
      sha256: e.sha256,
      deleted: Boolean(e.deletedAt),
    })),
    account: account
      ? {
          uid: account.uid,
          logonEmail: maskEmail(account.logonEmail),
          securePhone: maskPhone(account.securePhone),
          holderName: account.holderName,
          type: account.accountType,
          createdAt: account.createdAt.toISOString(),
        }
      : null,
    matches: matchIndicators(appeal, account),
    risk,
    viewers: viewers.map((staffId) => staffNames.get(staffId) ?? ''),
    messages: messages.map((m) => ({
      id: m.id,
      author: m.author,
      who:
        m.author === 'STAFF'
          ? (m.staffId && staffNames.get(m.staffId)) || 'Support'
          : m.author === 'CUSTOMER'
            ? 'Customer'
            : 'System',
      body: m.body,
      at: m.createdAt.toISOString(),
    })),
    notes: notes.map((n) => ({
      id: n.id,
      who: staffNames.get(n.staffId) ?? '',
      body: n.body,
      at: n.createdAt.toISOString(),
    })),
    timeline: groupedTimeline(
      timeline,
      (staffId) => staffNames.get(staffId) ?? 'staff',
      new Map(evidence.map((e) => [e.id, e.originalName])),
    ),
  };
}

export type CaseView = NonNullable<Awaited<ReturnType<typeof loadCaseView>>>;

/**
 * The timeline as the page lists it: every event, except that a member's views of one evidence file are
 * one line with a count (each view stays in the audit log).
 */
export function groupedTimeline(
  rows: TimelineRow[],
  staffName: (id: string) => string,
  fileNames: Map<string, string>,
) {
  type Line = {
    id: string;
    at: string;
    lastAt: string | null;
    action: string;
    who: string;
    why: string | null;
    count: number;
  };
  const lines: Line[] = [];
  const views = new Map<string, Line>();
  for (const t of rows) {
    const who = t.actorType === 'staff' ? staffName(t.actorId ?? '') : t.actorType;
    if (t.action === 'evidence.viewed' && t.fileId) {
      const key = `${t.actorId}:${t.fileId}`;
      const seen = views.get(key);
      if (seen) {
        seen.count++;
        seen.lastAt = t.at.toISOString();
        continue;
      }
      const line = {
        id: t.id,
        at: t.at.toISOString(),
        lastAt: null,
        action: t.action,
        who,
        why: fileNames.get(t.fileId) ?? null,
        count: 1,
      };
      views.set(key, line);
      lines.push(line);
      continue;
    }
    lines.push({
      id: t.id,
      at: t.at.toISOString(),
      lastAt: null,
      action: t.action,
      who,
      why: t.reason ? ((REJECT_REASONS as Record<string, string>)[t.reason] ?? t.reason) : null,
      count: 1,
    });
  }
  return lines;
}
