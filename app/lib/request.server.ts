import type { AppLoadContext } from '@remix-run/node';
import type { RequestMeta } from '~/audit/audit.server';
import type { Services } from '~/services.server';

declare module '@remix-run/node' {
  interface AppLoadContext {
    services: Services;
    /** CSP nonce of this response. */
    nonce: string;
    /** The client's address (from X-Forwarded-For only through the proxies TRUST_PROXY names). */
    clientIp: string;
    /** Per-request notes from the app to the HTTP layer. */
    flags: { databaseUnavailable?: boolean; badInput?: boolean; principal?: { kind: string; id: string } };
    /** This request's id (X-Request-Id; the request's log line and the error page's reference). */
    requestId: string;
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

/**
 * Input the portal cannot take, whatever the route: a body that is not a well-formed form, or a
 * value the database refuses to store (a NUL character, a value longer than its column). The
 * request answers 400 instead of 500 (see server/http.server.ts); the transaction rolled back.
 */
export function isBadInput(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 3) return false;
  if (err instanceof TypeError && /FormData|Content-Type was not one of/i.test(err.message)) return true;
  if (/malformed multipart/i.test(err.message)) return true;
  const code = (err as { code?: unknown }).code;
  if (code === 'P2000') return true; // value too long for the column
  if (
    /invalid byte sequence for encoding|unsupported Unicode escape sequence|character with byte sequence/i.test(
      err.message,
    )
  )
    return true;
  return isBadInput((err as { cause?: unknown }).cause, depth + 1);
}
