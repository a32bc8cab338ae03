import { z } from 'zod';

/** Logon emails are compared trimmed and lower-cased. */
export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** The part after the @, as the appeals' newEmailDomain column computes it (split_part(newEmail, '@', 2)). */
export function emailDomain(email: string): string {
  return email.split('@')[1] ?? '';
}

// A practical address check (RFC 5321 lengths): local@domain.tld, no spaces or control characters.
const EMAIL_SHAPE =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export const emailSchema = z
  .string({ error: 'Enter an email address.' })
  .transform(normaliseEmail)
  .pipe(
    z
      .string()
      .min(1, 'Enter an email address.')
      .max(254, 'An email address has at most 254 characters.')
      .refine((v) => EMAIL_SHAPE.test(v) && !v.includes('..'), 'Enter a valid email address, like name@example.com.'),
  );
