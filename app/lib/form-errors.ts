import type { z } from 'zod';

/** A refused form's answer: the first message for each field, keyed by the field's name ('form' when the rule is about the whole form). */
export type FieldErrors<K extends string = string> = string extends K
  ? Record<string, string>
  : Partial<Record<K, string>>;

/** The first message per field of a failed parse — what every form action answers as `fieldErrors`. */
export function fieldErrorsOf<K extends string = string>(error: z.ZodError): FieldErrors<K> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
  return errors as FieldErrors<K>;
}
