// Rows of Prisma's models read with hand-written SQL, for the few statements every page view runs
// (the session look-ups, the case page), prepared once per connection (decision 003). The
// mapping is declared per model against Prisma's own types, so a column added to the schema and
// not here fails `tsc`.

import type {
  Account,
  Appeal,
  AppealMessage,
  EvidenceFile,
  InternalNote,
  RamRole,
  RamUser,
  Session,
  Staff,
  StaffSession,
} from '~/generated/prisma/client';

/** How a column comes back: as is, a timestamp (stored as UTC without zone), or an array of enum values. */
type ColumnKind = 'value' | 'date' | 'enum[]';

export type ModelColumns<T> = { readonly [K in keyof T]-?: ColumnKind };

/** A model's table and every one of its scalar columns (Prisma names them as the fields). */
export type ModelTable<T> = { table: string; columns: ModelColumns<T> };

export function modelTable<T>(table: string, columns: ModelColumns<T>): ModelTable<T> {
  return { table, columns };
}

/** A column as selected: timestamps as timestamptz at UTC, enum arrays as text arrays (selectColumns, jsonColumns). */
function columnExpr(ref: string, kind: ColumnKind): string {
  return kind === 'date' ? `(${ref} AT TIME ZONE 'UTC')` : kind === 'enum[]' ? `${ref}::text[]` : ref;
}

/**
 * The select list of a model under a table alias, each column named "alias.column". Timestamps are
 * turned into timestamptz at UTC, so both drivers (pg and PGlite) read the instant Prisma wrote,
 * whatever the server's or the process's time zone.
 */
export function selectColumns<T>(alias: string, model: ModelTable<T>): string {
  return Object.entries<ColumnKind>(model.columns)
    .map(([column, kind]) => `${columnExpr(`${alias}."${column}"`, kind)} AS "${alias}.${column}"`)
    .join(', ');
}

/**
 * The model's columns under a table alias as one JSON object keyed by the fields, for rows that come
 * back inside a json_agg (several tables read by one statement); fromJsonRow turns it back. For models
 * of at most 50 columns (json_build_object takes 100 arguments) and none BigInt or Decimal (JSON would
 * carry them as plain numbers).
 */
export function jsonColumns<T>(alias: string, model: ModelTable<T>): string {
  return `json_build_object(${Object.entries<ColumnKind>(model.columns)
    .map(([column, kind]) => `'${column}', ${columnExpr(`${alias}."${column}"`, kind)}`)
    .join(', ')})`;
}

/** The model's row out of a JSON object made by jsonColumns: timestamps (ISO text with an offset) become Dates. */
export function fromJsonRow<T>(json: Record<string, unknown>, model: ModelTable<T>): T {
  const out: Record<string, unknown> = {};
  for (const [column, kind] of Object.entries<ColumnKind>(model.columns)) {
    const value = json[column] ?? null;
    out[column] = kind === 'date' && value !== null ? new Date(value as string) : value;
  }
  return out as T;
}

/** The model's row out of a flat result row (see selectColumns); null when the joined row is absent. */
export function pickRow<T>(
  row: Record<string, unknown>,
  alias: string,
  model: ModelTable<T>,
  key: keyof T & string,
): T | null {
  if (row[`${alias}.${key}`] == null) return null;
  const out: Record<string, unknown> = {};
  for (const column of Object.keys(model.columns)) out[column] = row[`${alias}.${column}`] ?? null;
  return out as T;
}

// ── The models the session look-ups and the case page read ──

export const ACCOUNT = modelTable<Account>('Account', {
  uid: 'value',
  logonEmail: 'value',
  securePhone: 'value',
  passwordHash: 'value',
  alias: 'value',
  accountType: 'value',
  holderName: 'value',
  lastPaymentCents: 'value',
  lastPaymentCurrency: 'value',
  lastPaymentAt: 'date',
  createdAt: 'date',
  updatedAt: 'date',
  logonEmailChangedAt: 'date',
  passwordChangedAt: 'date',
  language: 'value',
});

/** The columns customer and staff sessions share: when they began, were last used, end, were revoked, and from where. */
const SESSION_TRAIL = {
  createdAt: 'date',
  lastSeenAt: 'date',
  expiresAt: 'date',
  revokedAt: 'date',
  ip: 'value',
  userAgent: 'value',
} as const;

export const SESSION = modelTable<Session>('Session', {
  id: 'value',
  tokenHash: 'value',
  principalType: 'value',
  accountUid: 'value',
  ramUserId: 'value',
  ramRoleId: 'value',
  ssoSubject: 'value',
  ssoName: 'value',
  parentSessionId: 'value',
  ...SESSION_TRAIL,
  privilegedUntil: 'date',
});

export const RAM_USER = modelTable<RamUser>('RamUser', {
  id: 'value',
  accountUid: 'value',
  name: 'value',
  displayName: 'value',
  passwordHash: 'value',
  createdAt: 'date',
});

export const RAM_ROLE = modelTable<RamRole>('RamRole', {
  id: 'value',
  accountUid: 'value',
  name: 'value',
  description: 'value',
  createdAt: 'date',
});

export const STAFF = modelTable<Staff>('Staff', {
  id: 'value',
  email: 'value',
  name: 'value',
  roles: 'enum[]',
  passwordHash: 'value',
  totpSecretEncrypted: 'value',
  totpEnrolledAt: 'date',
  totpLastStep: 'value',
  active: 'value',
  deactivatedAt: 'date',
  invitationTokenHash: 'value',
  invitationExpiresAt: 'date',
  seniorRequestedById: 'value',
  seniorRequestedAt: 'date',
  createdAt: 'date',
  updatedAt: 'date',
});

export const STAFF_SESSION = modelTable<StaffSession>('StaffSession', {
  id: 'value',
  tokenHash: 'value',
  staffId: 'value',
  mfaPassed: 'value',
  ...SESSION_TRAIL,
});

export const APPEAL = modelTable<Appeal>('Appeal', {
  id: 'value',
  caseNumber: 'value',
  caseSeq: 'value',
  scenario: 'value',
  status: 'value',
  origin: 'value',
  priority: 'value',
  riskLevel: 'value',
  riskSignals: 'value',
  accountUid: 'value',
  accountFound: 'value',
  givenUid: 'value',
  givenAlias: 'value',
  givenOldEmail: 'value',
  accountType: 'value',
  holderName: 'value',
  newEmail: 'value',
  newEmailDomain: 'value',
  newPhone: 'value',
  lastPaymentCents: 'value',
  lastPaymentCurrency: 'value',
  createdMonth: 'value',
  trackingTokenHash: 'value',
  filerIp: 'value',
  submittedAt: 'date',
  updatedAt: 'date',
  slaDueAt: 'date',
  slaPausedAt: 'date',
  assigneeId: 'value',
  claimedAt: 'date',
  firstApproverId: 'value',
  firstApprovedAt: 'date',
  decidedById: 'value',
  decidedAt: 'date',
  rejectReason: 'value',
  rejectFinal: 'value',
  checklist: 'value',
  awaitingSince: 'date',
  evidencePurgedAt: 'date',
  handoverAt: 'date',
  handedOverAt: 'date',
  version: 'value',
});

export const EVIDENCE_FILE = modelTable<EvidenceFile>('EvidenceFile', {
  id: 'value',
  appealId: 'value',
  messageId: 'value',
  kind: 'value',
  storedName: 'value',
  originalName: 'value',
  mimeType: 'value',
  sizeBytes: 'value',
  sha256: 'value',
  uploadedAt: 'date',
  deletedAt: 'date',
});

export const APPEAL_MESSAGE = modelTable<AppealMessage>('AppealMessage', {
  id: 'value',
  appealId: 'value',
  author: 'value',
  staffId: 'value',
  body: 'value',
  createdAt: 'date',
});

export const INTERNAL_NOTE = modelTable<InternalNote>('InternalNote', {
  id: 'value',
  appealId: 'value',
  staffId: 'value',
  body: 'value',
  createdAt: 'date',
});
