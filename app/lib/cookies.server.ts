import { createCookie, type Cookie } from '@remix-run/node';
import type { PortalConfig } from '~/config.server';

/**
 * A signed cookie of this portal: HttpOnly; Secure in production, and there the `__Host-` prefix when
 * it covers the whole site. Made once per configuration (the secrets come from it).
 */
export function portalCookie(
  name: string,
  options: { maxAgeSec: number; sameSite?: 'lax' | 'strict'; path?: string },
): (config: PortalConfig) => Cookie {
  const made = new WeakMap<PortalConfig, Cookie>();
  const path = options.path ?? '/';
  return (config) => {
    let cookie = made.get(config);
    if (!cookie) {
      const production = config.mode === 'production';
      cookie = createCookie(production && path === '/' ? `__Host-${name}` : name, {
        httpOnly: true,
        sameSite: options.sameSite ?? 'lax',
        secure: production,
        path,
        secrets: config.sessionSecrets,
        maxAge: options.maxAgeSec,
      });
      made.set(config, cookie);
    }
    return cookie;
  };
}
