// The "This wasn't me" link of a security notice: mailed to the address that stopped being the logon
// email, it opens the priority appeal bound to the account. It works once; a second use names the case.
import type { Prisma } from '~/generated/prisma/client';
import { maskEmail } from '~/lib/masking';
import { newToken, sha256 } from '~/lib/tokens.server';

export const NOT_ME_LINK_DAYS = 7;
export const NOTICE_KIND = 'LOGON_EMAIL_CHANGED';

export type NoticeContext = { id: string; accountUid: string; oldEmailMasked: string; newEmailMasked: string };
export type NoticeLink =
  | { state: 'live'; notice: NoticeContext }
  | { state: 'used'; caseNumber: string | null }
  | { state: 'expired' }
  | { state: 'unknown' };

type Reader = Pick<Prisma.TransactionClient, 'securityNoticeToken' | 'appeal'>;

/** Writes a link for a change of the logon email from `oldEmail` to `newEmail`; returns the token to mail. */
export async function createNoticeLink(
  tx: Prisma.TransactionClient,
  input: { accountUid: string; oldEmail: string; newEmail: string; now: Date },
): Promise<string> {
  const token = newToken();
  await tx.securityNoticeToken.create({
    data: {
      tokenHash: sha256(token),
      accountUid: input.accountUid,
      kind: NOTICE_KIND,
      data: {
        oldEmailMasked: maskEmail(input.oldEmail),
        newEmailMasked: maskEmail(input.newEmail),
        changedAt: input.now.toISOString(),
      },
      expiresAt: new Date(input.now.getTime() + NOT_ME_LINK_DAYS * 24 * 3600_000),
    },
  });
  return token;
}

/**
 * What a link is now. In a filing's transaction (`lock`), the row is locked first: of two filings with
 * one link, the second waits and then finds it used.
 */
export async function readNoticeLink(
  prisma: Reader & Partial<Pick<Prisma.TransactionClient, '$queryRawUnsafe'>>,
  token: string | null | undefined,
  now = new Date(),
  options: { lock?: boolean } = {},
): Promise<NoticeLink> {
  if (!token || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { state: 'unknown' };
  if (options.lock && prisma.$queryRawUnsafe)
    await prisma.$queryRawUnsafe(
      'SELECT "id" FROM "SecurityNoticeToken" WHERE "tokenHash" = $1 FOR UPDATE',
      sha256(token),
    );
  const row = await prisma.securityNoticeToken.findUnique({ where: { tokenHash: sha256(token) } });
  if (!row || row.kind !== NOTICE_KIND) return { state: 'unknown' };
  if (row.usedAt) {
    const filed = row.appealId
      ? await prisma.appeal.findUnique({ where: { id: row.appealId }, select: { caseNumber: true } })
      : null;
    return { state: 'used', caseNumber: filed?.caseNumber ?? null };
  }
  if (row.expiresAt <= now) return { state: 'expired' };
  const data = row.data as { oldEmailMasked?: string; newEmailMasked?: string };
  return {
    state: 'live',
    notice: {
      id: row.id,
      accountUid: row.accountUid,
      oldEmailMasked: data.oldEmailMasked ?? '',
      newEmailMasked: data.newEmailMasked ?? '',
    },
  };
}

/** The link was used to file `appealId`; false when another filing used it first. */
export async function useNoticeLink(
  tx: Prisma.TransactionClient,
  notice: NoticeContext,
  appealId: string,
  now: Date,
): Promise<boolean> {
  const used = await tx.securityNoticeToken.updateMany({
    where: { id: notice.id, usedAt: null },
    data: { usedAt: now, appealId },
  });
  return used.count === 1;
}

/** A second filing from a link that already filed a case. */
export class NoticeLinkUsed extends Error {
  constructor(readonly caseNumber: string | null) {
    super(noticeUsedMessage(caseNumber));
  }
}

export const noticeUsedMessage = (caseNumber: string | null) =>
  `This “This wasn’t me” link was already used${caseNumber ? ` to file appeal ${caseNumber}` : ''}. Follow that case with the tracking link we emailed to your new address.`;

/** What the appeal form says of its flow's notice link: the change it reports while live, or why not. */
export async function noticeLinkView(prisma: Reader, token: string | undefined) {
  const link = token ? await readNoticeLink(prisma, token) : null;
  const notice = link?.state === 'live' ? link.notice : null;
  return {
    notice: notice ? { oldEmailMasked: notice.oldEmailMasked, newEmailMasked: notice.newEmailMasked } : null,
    noticeInvalid: Boolean(token && !notice && link?.state !== 'used'),
    noticeUsed: link?.state === 'used' ? noticeUsedMessage(link.caseNumber) : null,
  };
}
