import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldErrorsOf } from '~/lib/form-errors';

describe('fieldErrorsOf: the one shape of a refused form', () => {
  const schema = z
    .object({
      email: z.string().min(1, 'Enter your email.').email('Enter a valid email.'),
      password: z.string().min(8, 'Too short.'),
    })
    .refine((v) => v.password !== v.email, { message: 'The password cannot be your email.' });

  it('keeps the first message of each field, in the order the schema checks them', () => {
    const parsed = schema.safeParse({ email: '', password: 'short' });
    expect(parsed.success).toBe(false);
    expect(fieldErrorsOf(parsed.error!)).toEqual({ email: 'Enter your email.', password: 'Too short.' });
  });

  it("puts a rule about the whole form under 'form'", () => {
    const parsed = schema.safeParse({ email: 'same@example.com', password: 'same@example.com' });
    expect(fieldErrorsOf(parsed.error!)).toEqual({ form: 'The password cannot be your email.' });
  });
});
