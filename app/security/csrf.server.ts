/**
 * CSRF defence for every state-changing request: the browser must say the form came from this
 * portal (Origin, or Referer when a privacy setting drops Origin). SameSite=Lax cookies alone
 * would still let a sibling subdomain or a top-level POST through on some browsers.
 */
export const CSRF_MESSAGE =
  'This form was refused because it did not come from this portal (or your browser hid where it came from). Go back, reload the page and try again.';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isCrossSiteRequest(input: {
  method: string;
  origin?: string | null;
  referer?: string | null;
  secFetchSite?: string | null;
  /** Origins this portal answers on (its public URL, and the Host it was reached by). */
  allowedOrigins: string[];
}): boolean {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return false;
  if (input.secFetchSite && input.secFetchSite !== 'same-origin' && input.secFetchSite !== 'none') return true;
  // A page whose referrer policy is no-referrer makes the browser send `Origin: null` even to itself; the
  // browser's own Sec-Fetch-Site (which no page can set) still tells a same-origin post.
  if (input.origin === 'null' && input.secFetchSite === 'same-origin') return false;
  let source: string | null = null;
  if (input.origin && input.origin !== 'null') source = input.origin;
  else if (input.referer) {
    try {
      source = new URL(input.referer).origin;
    } catch {
      return true;
    }
  }
  if (!source) return true;
  return !input.allowedOrigins.includes(source);
}
