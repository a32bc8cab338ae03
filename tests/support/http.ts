/**
 * A small cookie-keeping HTTP client for talking to a test portal the way a browser form does
 * (same-origin Origin header, no redirects followed), so actions are exercised directly.
 */
export class HttpClient {
  private cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    private readonly defaults: { origin?: string | null; userAgent?: string; forwardedFor?: string } = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) this.adoptCookie(line);
  }

  /** Keeps a cookie as if the portal had set it (a Set-Cookie header value), e.g. a session made in the database. */
  adoptCookie(line: string) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attrs.some((a) => /max-age=0/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  async request(path: string, init: RequestInit & { origin?: string | null } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('Cookie', this.cookieHeader());
    const origin =
      init.origin === undefined
        ? this.defaults.origin === undefined
          ? new URL(this.baseUrl).origin
          : this.defaults.origin
        : init.origin;
    if (init.method && init.method !== 'GET' && origin) headers.set('Origin', origin);
    if (this.defaults.userAgent) headers.set('User-Agent', this.defaults.userAgent);
    // Only honoured by a portal started with trustProxy (as behind a reverse proxy).
    if (this.defaults.forwardedFor) headers.set('X-Forwarded-For', this.defaults.forwardedFor);
    const res = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: 'manual' });
    this.remember(res);
    return res;
  }

  get(path: string, init: RequestInit = {}) {
    return this.request(path, { ...init, method: 'GET' });
  }

  /** POST an urlencoded form (or multipart when given FormData). */
  post(
    path: string,
    fields: Record<string, string> | FormData | URLSearchParams,
    init: RequestInit & { origin?: string | null } = {},
  ) {
    const body = fields instanceof FormData || fields instanceof URLSearchParams ? fields : new URLSearchParams(fields);
    return this.request(path, { ...init, method: 'POST', body });
  }

  async signIn(login: string, password = 'demo-Passw0rd!'): Promise<Response> {
    const res = await this.post('/login', { login, password });
    if (res.status !== 302)
      throw new Error(`sign-in as ${login} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return res;
  }
}

/** Every opening tag that carries autofocus (the browser focuses the first). */
export const autofocused = (html: string) => [...html.matchAll(/<[a-z]+\b[^>]*\bautofocus=""[^>]*>/g)].map((m) => m[0]);

/** The visible text of an HTML page (tags stripped, whitespace collapsed), for assertions. */
export function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Clients each at a client address of its own, behind a portal that trusts one proxy hop: `at()` is a
 * new address in `subnet` (three octets), `at(address)` a given one.
 */
export function clientsAt(baseUrl: () => string, subnet: string): (address?: string) => HttpClient {
  let n = 0;
  return (address = `${subnet}.${++n}`) => new HttpClient(baseUrl(), { forwardedFor: address });
}
