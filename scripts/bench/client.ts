// HTTP helpers the bench scripts share: a free port for the portal, and a cookie jar to sign in with.
import { createServer, type AddressInfo } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A cookie jar just big enough to sign in over HTTP. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async request(pathname: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { Cookie: this.header() };
    let body: string | undefined;
    if (init.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers.Origin = new URL(this.base).origin;
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(new URL(pathname, this.base), {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (value && !/max-age=0/i.test(line)) this.cookies.set(pair.slice(0, eq), value);
      else this.cookies.delete(pair.slice(0, eq));
    }
    return res;
  }
}
