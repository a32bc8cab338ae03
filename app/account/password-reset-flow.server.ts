// The password-reset page's flow cookie and form schemas (server only: the page's browser bundle
// then carries no zod).
import { z } from 'zod';
import type { PortalConfig } from '~/config.server';
import { portalCookie } from '~/lib/cookies.server';
import { decryptSecret, encryptSecret } from '~/lib/crypto.server';
import { emailSchema } from './email';
import { channelSchema, codeSchema } from './schemas';

/**
 * The reset flow lives in a signed cookie (`__Host-` in production): which email and channel it is for, and a key
 * the codes are bound to — encrypted, so the email is not readable in the browser, its storage or a proxy's log.
 * Path "/": with single fetch the browser loads this page's data from /password-reset.data, which a
 * cookie for the path /password-reset does not reach (the page then never showed the code step).
 */
const resetCookie = portalCookie('ard_reset', { path: '/', maxAgeSec: 15 * 60 });
const FLOW_PURPOSE = 'password-reset-flow';

const flowSchema = z.object({
  flowKey: z.string().min(20),
  email: z.string(),
  channel: channelSchema,
  requestedAt: z.string(),
});
export type Flow = z.infer<typeof flowSchema>;

export const flowCookie = (config: PortalConfig) => {
  const cookie = resetCookie(config);
  return {
    name: cookie.name,
    /** A flow, sealed; or '' (with maxAge 0) to clear it. */
    serialize: (flow: Flow | '', options?: Parameters<typeof cookie.serialize>[1]) =>
      cookie.serialize(
        flow === '' ? '' : encryptSecret(config.encryptionKeys, FLOW_PURPOSE, JSON.stringify(flow)),
        options,
      ),
    async parse(header: string | null): Promise<unknown> {
      const sealed: unknown = await cookie.parse(header);
      if (typeof sealed !== 'string' || !sealed) return null;
      try {
        return JSON.parse(decryptSecret(config.encryptionKeys, FLOW_PURPOSE, sealed));
      } catch {
        return null;
      }
    },
  };
};

export async function readFlow(config: PortalConfig, request: Request): Promise<Flow | null> {
  const parsed = flowSchema.safeParse(await flowCookie(config).parse(request.headers.get('Cookie')));
  return parsed.success ? parsed.data : null;
}

export const requestSchema = z.object({ email: emailSchema, channel: channelSchema });
export const resetSchema = z
  .object({
    code: codeSchema,
    password: z.string().min(1, 'Enter a new password.').max(128, 'Use at most 128 characters.'),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords do not match.' });
