// The password-reset page's flow cookie and form schemas (server only: the page's browser bundle
// then carries no zod).
import { createCookie } from '@remix-run/node';
import { z } from 'zod';
import type { PortalConfig } from '~/config.server';
import { emailSchema } from './email';
import { channelSchema, codeSchema } from './schemas';

/**
 * The reset flow lives in a signed cookie: which email and channel it is for, and a key the codes are bound to.
 * Path "/": with single fetch the browser loads this page's data from /password-reset.data, which a
 * cookie for the path /password-reset does not reach (the page then never showed the code step).
 */
export const flowCookie = (config: PortalConfig) =>
  createCookie('ard_reset', { httpOnly: true, sameSite: 'lax', secure: config.mode === 'production', path: '/', secrets: config.sessionSecrets, maxAge: 15 * 60 });

const flowSchema = z.object({ flowKey: z.string().min(20), email: z.string(), channel: channelSchema, requestedAt: z.string() });
export type Flow = z.infer<typeof flowSchema>;

export async function readFlow(config: PortalConfig, request: Request): Promise<Flow | null> {
  const parsed = flowSchema.safeParse(await flowCookie(config).parse(request.headers.get('Cookie')));
  return parsed.success ? parsed.data : null;
}

export const requestSchema = z.object({ email: emailSchema, channel: channelSchema });
export const resetSchema = z
  .object({ code: codeSchema, password: z.string().min(1, 'Enter a new password.').max(128, 'Use at most 128 characters.'), confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords do not match.' });
