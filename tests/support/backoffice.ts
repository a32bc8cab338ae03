import { expect } from 'vitest';
import type { PrismaClient, Prisma } from '~/generated/prisma/client';
import { HttpClient } from './http';
import { totpNow } from '~/staff/totp.server';
import { DEMO_TOTP_SECRET } from '~/demo/seed.server';
import { newToken, sha256 } from '~/lib/tokens.server';
import { addWorkingDays } from '~/appeals/sla';
import type { EvidenceStore } from '~/appeals/evidence-store.server';
import { pngBytes } from './files';

/**
 * Signs a staff member in (password, then the current TOTP code). A code is accepted once per
 * member, so the member's last accepted step is cleared first — tests sign the same member in often.
 */
export async function signInStaff(
  client: HttpClient,
  prisma: PrismaClient,
  email: string,
  password = 'demo-Passw0rd!',
) {
  await prisma.staff.update({ where: { email }, data: { totpLastStep: null } });
  const first = await client.post('/staff/login', { email, password });
  expect(first.status, await first.clone().text()).toBe(302);
  const second = await client.post('/staff/login', { intent: 'totp', code: totpNow(DEMO_TOTP_SECRET) });
  expect(second.status, await second.clone().text()).toBe(302);
}

let seq = 0;
/**
 * An appeal straight in the database (the customer side has its own tests). Its answers (name, type,
 * last payment, creation month) are the account's own unless `data` says otherwise: wrong answers are
 * risk signals, which a test asks for on purpose.
 */
export async function makeAppeal(
  prisma: PrismaClient,
  store: EvidenceStore | null,
  data: Partial<Prisma.AppealUncheckedCreateInput> = {},
) {
  seq++;
  const now = new Date();
  const storedName = store ? await store.save(pngBytes()) : `missing${newToken(18)}`;
  const account = data.accountUid ? await prisma.account.findUnique({ where: { uid: data.accountUid } }) : null;
  const answers = account
    ? {
        holderName: account.holderName,
        accountType: account.accountType,
        lastPaymentCents: account.lastPaymentCents,
        lastPaymentCurrency: account.lastPaymentCurrency,
        createdMonth: account.createdAt.toISOString().slice(0, 7),
      }
    : {};
  return prisma.appeal.create({
    data: {
      caseNumber: `AP-20261126-9${String(seq).padStart(5, '0')}${Math.floor(Math.random() * 10)}`.slice(0, 18),
      scenario: 'FORGOT_LOGON_EMAIL',
      accountUid: '1000000000000002',
      accountFound: true,
      givenUid: '1000000000000002',
      accountType: 'INDIVIDUAL',
      holderName: 'Bob Martin',
      newEmail: `bob.new${seq}@corp.example`,
      lastPaymentCents: 2000,
      lastPaymentCurrency: 'USD',
      createdMonth: '2021-07',
      trackingTokenHash: sha256(newToken()),
      slaDueAt: addWorkingDays(now, 3),
      evidence: {
        create: [
          {
            kind: 'ID_DOCUMENT',
            storedName,
            originalName: 'id.png',
            mimeType: 'image/png',
            sizeBytes: 80,
            sha256: sha256(`${seq}-${Math.random()}`),
          },
        ],
      },
      ...answers,
      ...data,
    },
  });
}

export const FULL_CHECKLIST = ['identity', 'knowledge', 'newEmail', 'risk'];
