// What an owner chooses for their account beyond its security: the language of its pages and mail.
import type { PrismaClient } from '~/generated/prisma/client';
import type { Language } from '~/i18n/config';

/** Saves the owner's language: their pages follow it when signed in, and the account's mail from now on. */
export async function saveAccountLanguage(prisma: PrismaClient, accountUid: string, language: Language) {
  await prisma.account.update({ where: { uid: accountUid }, data: { language } });
}
