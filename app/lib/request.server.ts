import type { AppLoadContext } from '@remix-run/node';
import type { RequestMeta } from '~/audit/audit.server';
import type { Services } from '~/services.server';

declare module '@remix-run/node' {
  interface AppLoadContext {
    services: Services;
    /** CSP nonce of this response. */
    nonce: string;
    /** The client's address (X-Forwarded-For is used only when TRUST_PROXY is set). */
    clientIp: string;
    /** Per-request notes from the app to the HTTP layer. */
    flags: { databaseUnavailable?: boolean };
  }
}

export function requestMeta(context: AppLoadContext, request: Request): RequestMeta {
  return { ip: context.clientIp, userAgent: request.headers.get('user-agent')?.slice(0, 400) ?? '' };
}

/** A form's fields as plain strings (a repeated field keeps its first value; files are dropped). */
export function formFields(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form) {
    if (typeof value === 'string' && !(key in out)) out[key] = value;
  }
  return out;
}
