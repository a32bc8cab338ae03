// Who holds a case: released when its holder can no longer work appeals, reassigned by a senior agent.
import type { Prisma, StaffRole } from '~/generated/prisma/client';
import { recordAudit, type AuditActor, type RequestMeta } from '~/audit/audit.server';
import { OPEN_STATUSES } from './options';

/** Roles that work appeals: a member without one of them must hold no case. */
export const WORKS_APPEALS: StaffRole[] = ['AGENT', 'SENIOR_AGENT'];
export const worksAppeals = (roles: readonly string[]) => roles.some((r) => (WORKS_APPEALS as string[]).includes(r));

/**
 * Every open case a member holds goes back to the queue (deactivated, or no longer an agent), each on
 * its own timeline: otherwise it would wait for someone who can no longer touch it.
 */
export async function releaseCasesOf(
  tx: Prisma.TransactionClient,
  staffId: string,
  actor: AuditActor,
  reason: string,
  meta?: RequestMeta,
): Promise<number> {
  const held = await tx.appeal.findMany({
    where: { assigneeId: staffId, status: { in: OPEN_STATUSES } },
    select: { id: true, caseNumber: true, accountUid: true },
  });
  if (!held.length) return 0;
  await tx.appeal.updateMany({
    where: { id: { in: held.map((a) => a.id) }, assigneeId: staffId },
    data: { assigneeId: null, version: { increment: 1 } },
  });
  for (const appeal of held) {
    await recordAudit(tx, {
      actor,
      action: 'appeal.released',
      accountUid: appeal.accountUid,
      appealId: appeal.id,
      meta,
      data: { caseNumber: appeal.caseNumber, from: staffId, reason },
    });
  }
  return held.length;
}

/** The members a case can be handed to: active, and working appeals. */
export function appealWorkers(prisma: Pick<Prisma.TransactionClient, 'staff'>) {
  return prisma.staff.findMany({
    where: { active: true, roles: { hasSome: WORKS_APPEALS } },
    select: { id: true, name: true },
    orderBy: { name: 'asc' },
  });
}
