import { expect } from 'vitest';
import type { PrismaClient } from '~/generated/prisma/client';
import { HttpClient, pageText } from './http';
import { file, pngBytes, pdfBytes } from './files';

export const BASE_DETAILS = {
  scenario: 'FORGOT_LOGON_EMAIL',
  givenUid: '1000000000000001',
  accountType: 'INDIVIDUAL',
  holderName: 'Alice Chen',
  lastPaymentAmount: '128.00',
  lastPaymentCurrency: 'CNY',
  createdMonth: '2019-03',
};

/** The newest code the portal queued for `to` (read from the outbox table). */
export async function latestCodeFor(prisma: PrismaClient, to: string): Promise<string> {
  const msg = await prisma.outboxMessage.findFirst({
    where: { recipient: to, template: { startsWith: 'code:' } },
    orderBy: { createdAt: 'desc' },
  });
  const code = /code is (\d{6})/.exec(msg?.text ?? '')?.[1];
  if (!code) throw new Error(`no code queued for ${to}`);
  return code;
}

/** Steps 1–2 of the appeal form: ask for a code at the new email and prove it. */
export async function postAppealEmailProof(
  client: HttpClient,
  prisma: PrismaClient,
  newEmail: string,
  scenario = 'FORGOT_LOGON_EMAIL',
  query = '',
) {
  await client.get(`/appeals/new?scenario=${scenario}${query}`);
  const sent = await client.post('/appeals/new', { intent: 'send-code', scenario, newEmail });
  expect(sent.status, await sent.clone().text()).toBe(302);
  const verified = await client.post('/appeals/new', {
    intent: 'verify-email',
    code: await latestCodeFor(prisma, newEmail),
  });
  expect(verified.status).toBe(302);
}

export function appealForm(
  fields: Record<string, string>,
  files: Record<string, File | File[]> = { idDocument: file(pngBytes(), 'id.png', 'image/png') },
) {
  const form = new FormData();
  form.append('intent', 'submit');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const [k, v] of Object.entries(files)) for (const f of Array.isArray(v) ? v : [v]) form.append(k, f);
  return form;
}

export async function postAppeal(
  client: HttpClient,
  prisma: PrismaClient,
  newEmail: string,
  details: Record<string, string> = BASE_DETAILS,
  files?: Record<string, File | File[]>,
) {
  await postAppealEmailProof(client, prisma, newEmail, details.scenario);
  const res = await client.post('/appeals/new', appealForm(details, files));
  const html = await res.text();
  return { res, html, text: pageText(html), caseNumber: /AP-\d{8}-\d{6}/.exec(html)?.[0] ?? null };
}

export async function trackingLinkFor(prisma: PrismaClient, to: string): Promise<string> {
  const msg = await prisma.outboxMessage.findFirst({
    where: { recipient: to, template: 'appeal-received' },
    orderBy: { createdAt: 'desc' },
  });
  const url = /https?:\/\/\S+\/appeals\/track\/[A-Za-z0-9_-]+/.exec(msg?.text ?? '')?.[0];
  if (!url) throw new Error(`no tracking link mailed to ${to}`);
  return new URL(url).pathname;
}

export const extraFiles = { paymentRecord: file(pdfBytes(), 'payment.pdf', 'application/pdf') };

/** The path of the link matching `path` in the newest `template` message to `to` (e.g. the owner's stop link, the set-password link). */
export async function mailedLink(prisma: PrismaClient, to: string, template: string, path: RegExp): Promise<string> {
  const msg = await prisma.outboxMessage.findFirst({
    where: { recipient: to, template },
    orderBy: { createdAt: 'desc' },
  });
  const url = new RegExp(`https?://[^/\\s]+(${path.source})`).exec(msg?.text ?? '')?.[1];
  if (!url) throw new Error(`no ${template} link mailed to ${to}: ${msg?.text ?? 'no such message'}`);
  return url;
}

export const STOP_LINK = /\/appeals\/stop\/[A-Za-z0-9_-]+/;
export const SET_PASSWORD_LINK = /\/password\/set\/[A-Za-z0-9_-]+/;
export const NOT_ME_LINK = /\/security\/not-me\/[A-Za-z0-9_-]+/;
