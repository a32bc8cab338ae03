import type { Appeal, Prisma } from '~/generated/prisma/client';

/**
 * Takes the row lock every change of a case takes (decisions, a merged filing, a raise of its risk),
 * then reads the case: what is read is what no one else can change until this transaction ends.
 * Null when there is no such case.
 */
export async function lockAppealRow(tx: Prisma.TransactionClient, appealId: string): Promise<Appeal | null> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    'SELECT "id" FROM "Appeal" WHERE "id" = $1::uuid FOR UPDATE',
    appealId,
  );
  return rows.length ? tx.appeal.findUniqueOrThrow({ where: { id: appealId } }) : null;
}
