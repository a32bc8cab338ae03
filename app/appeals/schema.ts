// The appeal form's rules, shared by react-hook-form in the browser and the action on the server.
// The plain lists and labels live in ./options (no zod), so pages that only show them stay small.
import { z } from 'zod';
import { emailSchema } from '~/account/email';
import { CURRENCIES, EVIDENCE_FIELDS, EVIDENCE_LIMITS, NEEDS_NEW_PHONE, SCENARIO_VALUES } from './options';

export * from './options';

/** Words that the server and the browser both say about the form (one source, no copies). */
export const APPEAL_FORM_MESSAGES = {
  idDocumentMissing: 'Attach an ID document (JPEG, PNG or PDF).',
  fileTooLarge: 'Each file may be at most 10 MB.',
  createdMonthFuture: 'The account cannot have been created in a month that has not begun yet. Enter an earlier month.',
} as const;

/**
 * The latest month that has begun somewhere on Earth (UTC+14), as YYYY-MM: a month after it is in the
 * future wherever the form is filled in, so the browser and the server, in any time zones, agree.
 */
export function latestMonthBegun(now = new Date()): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 7);
}

export const scenarioSchema = z.enum(SCENARIO_VALUES, { error: 'Choose what happened.' });

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

export const appealEmailStepSchema = z.object({
  scenario: scenarioSchema,
  newEmail: emailSchema,
});

const appealDetailsObject = z.object({
  scenario: scenarioSchema,
  givenUid: optionalText(16, 'A UID has 16 digits.').pipe(
    z
      .string()
      .regex(/^\d{16}$/, 'A UID has 16 digits.')
      .optional(),
  ),
  givenAlias: optionalText(64, 'An account alias has at most 64 characters.').pipe(
    z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/i, 'An account alias has letters, digits and hyphens only.')
      .optional(),
  ),
  givenOldEmail: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v : undefined))
    .pipe(emailSchema.optional()),
  accountType: z.enum(['INDIVIDUAL', 'ENTERPRISE'], { error: 'Choose the account type.' }),
  holderName: z
    .string()
    .trim()
    .min(2, 'Enter the full name or company name on the account.')
    .max(200, 'Use at most 200 characters.'),
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
});

type DetailsCheck = z.output<typeof appealDetailsObject>;
function checkDetails(v: DetailsCheck, ctx: z.RefinementCtx) {
  if (!v.notice && !v.givenUid && !v.givenAlias && !v.givenOldEmail) {
    ctx.addIssue({
      code: 'custom',
      path: ['givenUid'],
      message: 'Identify the account by its UID, its alias or its old logon email (any one).',
    });
  }
  if (NEEDS_NEW_PHONE.includes(v.scenario) && !v.newPhone) {
    ctx.addIssue({ code: 'custom', path: ['newPhone'], message: 'Enter the new secure phone for the account.' });
  }
  if (v.createdMonth > latestMonthBegun()) {
    ctx.addIssue({ code: 'custom', path: ['createdMonth'], message: APPEAL_FORM_MESSAGES.createdMonthFuture });
  }
}

export const appealDetailsSchema = appealDetailsObject.superRefine(checkDetails);

/** A file input's value in the browser (a FileList) that holds at least one file. */
const hasChosenFiles = (v: unknown) =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as ArrayLike<unknown>).length === 'number' &&
  (v as ArrayLike<unknown>).length > 0;

/**
 * The form as the browser checks it before posting: the action's rules, and an ID document chosen (the
 * server checks the uploaded files themselves, with the same words).
 */
export const appealDetailsBrowserSchema = appealDetailsObject
  .extend(
    Object.fromEntries(Object.keys(EVIDENCE_FIELDS).map((field) => [field, z.unknown()])) as Record<
      keyof typeof EVIDENCE_FIELDS,
      z.ZodUnknown
    >,
  )
  .superRefine((v, ctx) => {
    checkDetails(v, ctx);
    if (!hasChosenFiles(v.idDocument))
      ctx.addIssue({ code: 'custom', path: ['idDocument'], message: APPEAL_FORM_MESSAGES.idDocumentMissing });
    for (const field of Object.keys(EVIDENCE_FIELDS) as (keyof typeof EVIDENCE_FIELDS)[]) {
      const files = hasChosenFiles(v[field]) ? Array.from(v[field] as ArrayLike<{ size?: number }>) : [];
      if (files.some((f) => (f.size ?? 0) > EVIDENCE_LIMITS.maxBytes))
        ctx.addIssue({ code: 'custom', path: [field], message: APPEAL_FORM_MESSAGES.fileTooLarge });
    }
  });

export type AppealDetails = z.output<typeof appealDetailsSchema>;

export const replySchema = z.object({
  body: z.string().trim().min(1, 'Write a message, or attach a file.').max(5000, 'Use at most 5000 characters.'),
});
