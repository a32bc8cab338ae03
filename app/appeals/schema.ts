// The appeal form's rules, shared by react-hook-form in the browser and the action on the server.
import { z } from 'zod';
import { emailSchema } from '~/account/email';
import type { AppealScenario, AppealStatus } from '~/generated/prisma/enums';

export const SCENARIOS: { value: AppealScenario; label: string; hint: string }[] = [
  { value: 'FORGOT_LOGON_EMAIL', label: 'I forgot my logon email', hint: 'You cannot sign in because you do not remember which email the account uses.' },
  { value: 'EMAIL_AND_PHONE_UNAVAILABLE', label: 'My logon email and my secure phone are both unavailable', hint: 'You cannot receive a verification code at either of them.' },
  { value: 'PHONE_UNAVAILABLE', label: 'My secure phone is unavailable', hint: 'You lost the phone number and need a new secure phone on the account.' },
  { value: 'EMAIL_CHANGED_NOT_ME', label: 'Someone changed my logon email without me', hint: 'You received a notice about a change you did not make.' },
];

export const SCENARIO_VALUES = SCENARIOS.map((s) => s.value) as [AppealScenario, ...AppealScenario[]];
export const scenarioSchema = z.enum(SCENARIO_VALUES, { error: 'Choose what happened.' });

/** Scenarios in which the account also needs a new secure phone. */
export const NEEDS_NEW_PHONE: AppealScenario[] = ['EMAIL_AND_PHONE_UNAVAILABLE', 'PHONE_UNAVAILABLE'];

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .transform((v) => (v ? v : undefined));

export const e164Schema = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s()-]/g, ''))
  .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'Enter the phone number in international format, e.g. +8613800000001.'));

export const CURRENCIES = ['CNY', 'USD', 'EUR', 'GBP', 'JPY', 'HKD', 'SGD', 'AUD'] as const;

export const appealEmailStepSchema = z.object({
  scenario: scenarioSchema,
  newEmail: emailSchema,
});

export const appealDetailsSchema = z
  .object({
    scenario: scenarioSchema,
    givenUid: optionalText(16, 'A UID has 16 digits.').pipe(z.string().regex(/^\d{16}$/, 'A UID has 16 digits.').optional()),
    givenAlias: optionalText(64, 'An account alias has at most 64 characters.').pipe(
      z.string().regex(/^[a-z0-9-]{1,64}$/i, 'An account alias has letters, digits and hyphens only.').optional(),
    ),
    givenOldEmail: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() ? v : undefined))
      .pipe(emailSchema.optional()),
    accountType: z.enum(['INDIVIDUAL', 'ENTERPRISE'], { error: 'Choose the account type.' }),
    holderName: z.string().trim().min(2, 'Enter the full name or company name on the account.').max(200, 'Use at most 200 characters.'),
    newPhone: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() ? v : undefined))
      .pipe(e164Schema.optional()),
    lastPaymentAmount: z
      .string()
      .trim()
      .regex(/^\d{1,9}(\.\d{1,2})?$/, 'Enter the amount as a number, e.g. 128.00.'),
    lastPaymentCurrency: z.enum(CURRENCIES, { error: 'Choose the currency.' }),
    createdMonth: z
      .string()
      .trim()
      .regex(/^(19|20)\d\d-(0[1-9]|1[0-2])$/, 'Enter the month as YYYY-MM, e.g. 2019-03.'),
    /** Filled only by bots (hidden from people and assistive technology). */
    website: z.string().optional(),
    /** The "This wasn't me" notice the form was opened from, if any. */
    notice: z.string().max(100).optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.notice && !v.givenUid && !v.givenAlias && !v.givenOldEmail) {
      ctx.addIssue({ code: 'custom', path: ['givenUid'], message: 'Identify the account by its UID, its alias or its old logon email (any one).' });
    }
    if (NEEDS_NEW_PHONE.includes(v.scenario) && !v.newPhone) {
      ctx.addIssue({ code: 'custom', path: ['newPhone'], message: 'Enter the new secure phone for the account.' });
    }
  });

export type AppealDetails = z.output<typeof appealDetailsSchema>;

export const EVIDENCE_LIMITS = { maxBytes: 10 * 1024 * 1024, maxFiles: 5 } as const;
export const EVIDENCE_FIELDS = {
  idDocument: { kind: 'ID_DOCUMENT', label: 'ID document' },
  businessLicence: { kind: 'BUSINESS_LICENCE', label: 'Business licence' },
  paymentRecord: { kind: 'PAYMENT_RECORD', label: 'Recent payment record' },
  otherEvidence: { kind: 'OTHER', label: 'Other evidence' },
} as const;
export type EvidenceField = keyof typeof EVIDENCE_FIELDS;

export const replySchema = z.object({
  body: z.string().trim().min(1, 'Write a message, or attach a file.').max(5000, 'Use at most 5000 characters.'),
});

/** What the customer reads on the tracking page — plain words, nothing internal. */
export function customerStatus(status: AppealStatus, options: { rejectFinal?: boolean | null; newEmail?: string } = {}): { label: string; tone: 'info' | 'warn' | 'ok' | 'bad' } {
  switch (status) {
    case 'SUBMITTED':
    case 'IN_REVIEW':
    case 'PENDING_SECOND_APPROVAL':
      return { label: "We're reviewing your appeal", tone: 'info' };
    case 'AWAITING_CUSTOMER':
      return { label: 'We need more information', tone: 'warn' };
    case 'APPROVED':
      return { label: `Approved — you can now sign in with ${options.newEmail ?? 'your new logon email'}`, tone: 'ok' };
    case 'REJECTED':
      return options.rejectFinal ? { label: 'Rejected', tone: 'bad' } : { label: 'Rejected — you may file again', tone: 'bad' };
    case 'WITHDRAWN':
      return { label: 'Withdrawn — you withdrew this appeal', tone: 'info' };
    case 'EXPIRED':
      return { label: 'Closed — we did not hear back from you in time. You may file again.', tone: 'bad' };
  }
}

export const OPEN_STATUSES: AppealStatus[] = ['SUBMITTED', 'IN_REVIEW', 'AWAITING_CUSTOMER', 'PENDING_SECOND_APPROVAL'];
