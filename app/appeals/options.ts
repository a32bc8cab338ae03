// The appeal options and labels pages show (scenarios, currencies, evidence limits, plain-language
// statuses), without zod: a page that only shows them does not load the validation library.
import type { AppealScenario, AppealStatus } from '~/generated/prisma/enums';

export const SCENARIOS: { value: AppealScenario; label: string; hint: string }[] = [
  {
    value: 'FORGOT_LOGON_EMAIL',
    label: 'I forgot my logon email',
    hint: 'You cannot sign in because you do not remember which email the account uses.',
  },
  {
    value: 'EMAIL_AND_PHONE_UNAVAILABLE',
    label: 'My logon email and my secure phone are both unavailable',
    hint: 'You cannot receive a verification code at either of them.',
  },
  {
    value: 'PHONE_UNAVAILABLE',
    label: 'My secure phone is unavailable',
    hint: 'You lost the phone number and need a new secure phone on the account.',
  },
  {
    value: 'EMAIL_CHANGED_NOT_ME',
    label: 'Someone changed my logon email without me',
    hint: 'You received a notice about a change you did not make.',
  },
];

export const SCENARIO_VALUES = SCENARIOS.map((s) => s.value) as [AppealScenario, ...AppealScenario[]];

/** Scenarios in which the account also needs a new secure phone. */
export const NEEDS_NEW_PHONE: AppealScenario[] = ['EMAIL_AND_PHONE_UNAVAILABLE', 'PHONE_UNAVAILABLE'];

export const CURRENCIES = ['CNY', 'USD', 'EUR', 'GBP', 'JPY', 'HKD', 'SGD', 'AUD'] as const;

export const EVIDENCE_LIMITS = { maxBytes: 10 * 1024 * 1024, maxFiles: 5 } as const;
export const EVIDENCE_FIELDS = {
  idDocument: { kind: 'ID_DOCUMENT', label: 'ID document' },
  businessLicence: { kind: 'BUSINESS_LICENCE', label: 'Business licence' },
  paymentRecord: { kind: 'PAYMENT_RECORD', label: 'Recent payment record' },
  otherEvidence: { kind: 'OTHER', label: 'Other evidence' },
} as const;
export type EvidenceField = keyof typeof EVIDENCE_FIELDS;

type HoldFields = { status: AppealStatus; handoverAt: Date | string | null; handedOverAt: Date | string | null };

/** Approved, and waiting for its hold to end before the account is changed (the owner can still stop it). */
export const isOnHold = (a: HoldFields) => a.status === 'APPROVED' && a.handoverAt !== null && a.handedOverAt === null;

/** Whether the case can still change the account: open, or approved and on hold. */
export const mayStillChangeAccount = (a: HoldFields) => OPEN_STATUSES.includes(a.status) || isOnHold(a);

/** A date as the customer pages write it (UTC: the same for every reader of a mail and the page). */
const when = (d: Date | string) => new Date(d).toUTCString();

/** What the customer reads on the tracking page — plain words, nothing internal. */
export function customerStatus(
  status: AppealStatus,
  options: {
    rejectFinal?: boolean | null;
    newEmail?: string;
    handoverAt?: Date | string | null;
    handedOverAt?: Date | string | null;
  } = {},
): { label: string; tone: 'info' | 'warn' | 'ok' | 'bad' } {
  switch (status) {
    case 'SUBMITTED':
    case 'IN_REVIEW':
    case 'PENDING_SECOND_APPROVAL':
      return { label: "We're reviewing your appeal", tone: 'info' };
    case 'AWAITING_CUSTOMER':
      return { label: 'We need more information', tone: 'warn' };
    case 'APPROVED':
      if (isOnHold({ status, handoverAt: options.handoverAt ?? null, handedOverAt: options.handedOverAt ?? null })) {
        return { label: `Approved — the change takes effect on ${when(options.handoverAt!)}`, tone: 'ok' };
      }
      return { label: `Approved — you can now sign in with ${options.newEmail ?? 'your new logon email'}`, tone: 'ok' };
    case 'REJECTED':
      return options.rejectFinal
        ? { label: 'Rejected', tone: 'bad' }
        : { label: 'Rejected — you may file again', tone: 'bad' };
    case 'WITHDRAWN':
      return { label: 'Withdrawn — you withdrew this appeal', tone: 'info' };
    case 'EXPIRED':
      return { label: 'Closed — we did not hear back from you in time. You may file again.', tone: 'bad' };
    case 'CANCELLED_BY_OWNER':
      return { label: 'Closed — the account owner stopped this request', tone: 'bad' };
  }
}

export const OPEN_STATUSES: AppealStatus[] = ['SUBMITTED', 'IN_REVIEW', 'AWAITING_CUSTOMER', 'PENDING_SECOND_APPROVAL'];
/** The same list as SQL: literals, not parameters, so a prepared statement keeps a plan that uses the partial indexes. */
export const OPEN_STATUSES_SQL = `(${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;
