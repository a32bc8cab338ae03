// The appeal form's answer and what a refused form is refilled with: written by the route's action, read by
// the form's components.

/** The text fields a refused form is refilled with (never files, the code, the honeypot or the notice's token). */
const TYPED_FIELDS = [
  'scenario',
  'newEmail',
  'givenUid',
  'givenAlias',
  'givenOldEmail',
  'accountType',
  'holderName',
  'newPhone',
  'lastPaymentAmount',
  'lastPaymentCurrency',
  'createdMonth',
] as const;
export type Typed = Partial<Record<(typeof TYPED_FIELDS)[number], string>>;
export type Errors = Record<string, string>;

export type AppealFormAnswer = {
  fieldErrors: Errors;
  error?: string;
  submitted?: { caseNumber: string; sentTo: string };
  /** What was typed, for a refused form: without JavaScript the answer is a new page that would otherwise be blank. */
  typed?: Typed;
  /** Files were sent with the refused form: a new page cannot give them back, so they must be chosen again. */
  filesDropped?: boolean;
};

export function typedValues(fields: Record<string, string | undefined>): Typed {
  const typed: Typed = {};
  for (const name of TYPED_FIELDS) if (typeof fields[name] === 'string') typed[name] = fields[name]!.slice(0, 320);
  return typed;
}

/** What the details form starts with, in the browser (react-hook-form) and in the HTML the server sends. */
export const DETAILS_DEFAULTS = { accountType: 'INDIVIDUAL', lastPaymentCurrency: 'CNY' } as const;

/** The fields of both steps in the order the page shows them: a refused form's focus goes to the first with an error. */
export const FIELD_ORDER = [
  'scenario',
  'newEmail',
  'code',
  'givenUid',
  'givenAlias',
  'givenOldEmail',
  'accountType',
  'holderName',
  'newPhone',
  'lastPaymentAmount',
  'lastPaymentCurrency',
  'createdMonth',
  'files',
  'idDocument',
  'businessLicence',
  'paymentRecord',
  'otherEvidence',
];
