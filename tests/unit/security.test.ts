import { describe, expect, it } from 'vitest';
import { isCrossSiteRequest } from '~/security/csrf.server';
import { securityHeaders } from '~/security/headers.server';
import { readConfig, ConfigError, encryptionKeysFrom } from '~/config.server';
import { decryptSecret, encryptSecret, sealedUnderNewest } from '~/lib/crypto.server';
import { safeRedirectPath } from '~/auth/session.server';
import { hashPassword, verifyPassword } from '~/auth/password.server';
import { maskEmail, maskPhone } from '~/account/masking';
import { emailSchema } from '~/account/email';
import { auditHash, stableJson } from '~/audit/audit.server';

const allowed = ['http://localhost:3000'];

describe('CSRF: state-changing requests must come from the portal itself', () => {
  it('lets same-origin POSTs through', () => {
    expect(isCrossSiteRequest({ method: 'POST', origin: 'http://localhost:3000', allowedOrigins: allowed })).toBe(false);
    expect(isCrossSiteRequest({ method: 'POST', referer: 'http://localhost:3000/login', allowedOrigins: allowed })).toBe(false);
  });
  it('refuses POSTs from another origin, with no origin at all, or marked cross-site', () => {
    expect(isCrossSiteRequest({ method: 'POST', origin: 'https://evil.example', allowedOrigins: allowed })).toBe(true);
    expect(isCrossSiteRequest({ method: 'POST', allowedOrigins: allowed })).toBe(true);
    expect(isCrossSiteRequest({ method: 'POST', origin: 'null', allowedOrigins: allowed })).toBe(true);
    expect(isCrossSiteRequest({ method: 'DELETE', referer: 'http://localhost:3000.evil.example/x', allowedOrigins: allowed })).toBe(true);
    expect(isCrossSiteRequest({ method: 'POST', origin: 'http://localhost:3000', secFetchSite: 'cross-site', allowedOrigins: allowed })).toBe(true);
    expect(isCrossSiteRequest({ method: 'POST', referer: 'not a url', allowedOrigins: allowed })).toBe(true);
  });
  it('lets a same-origin post whose page hid its origin (Origin: null) through on Sec-Fetch-Site: same-origin only', () => {
    expect(isCrossSiteRequest({ method: 'POST', origin: 'null', secFetchSite: 'same-origin', allowedOrigins: allowed })).toBe(false);
    expect(isCrossSiteRequest({ method: 'POST', origin: 'null', secFetchSite: 'same-site', allowedOrigins: allowed })).toBe(true);
    expect(isCrossSiteRequest({ method: 'POST', origin: 'null', secFetchSite: 'none', allowedOrigins: allowed })).toBe(true);
    expect(isCrossSiteRequest({ method: 'POST', origin: 'https://evil.example', secFetchSite: 'same-origin', allowedOrigins: allowed })).toBe(true);
  });
  it('does not check safe methods', () => {
    expect(isCrossSiteRequest({ method: 'GET', allowedOrigins: allowed })).toBe(false);
  });
});

describe('security headers', () => {
  it('sets a nonce CSP that forbids framing, and HSTS only in production', () => {
    const dev = securityHeaders('abc', false);
    expect(dev['Content-Security-Policy']).toContain("script-src 'self' 'nonce-abc'");
    expect(dev['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(dev['X-Content-Type-Options']).toBe('nosniff');
    expect(dev['Referrer-Policy']).toBe('strict-origin-when-cross-origin');
    expect(dev['Strict-Transport-Security']).toBeUndefined();
    expect(securityHeaders('abc', true)['Strict-Transport-Security']).toMatch(/max-age=\d+/);
  });
});

describe('configuration', () => {
  it('requires an explicit mode — never guessed from a missing variable', () => {
    expect(() => readConfig({})).toThrow(/PORTAL_MODE is not set/);
    expect(() => readConfig({ PORTAL_MODE: 'staging' })).toThrow(ConfigError);
  });
  it('refuses production without SMTP_URL and SESSION_SECRET, naming each', () => {
    expect(() => readConfig({ PORTAL_MODE: 'production' })).toThrow(/SMTP_URL.*SESSION_SECRET/);
    expect(() => readConfig({ PORTAL_MODE: 'production', SMTP_URL: 'smtp://x' })).toThrow(/SESSION_SECRET/);
    expect(() => readConfig({ PORTAL_MODE: 'production', SESSION_SECRET: 'x'.repeat(40) })).toThrow(/SMTP_URL/);
    expect(() => readConfig({ PORTAL_MODE: 'production', SMTP_URL: 'smtp://x', SESSION_SECRET: 'short' })).toThrow(/at least 32/);
    const ok = readConfig({ PORTAL_MODE: 'production', SMTP_URL: 'smtp://x', SESSION_SECRET: 'x'.repeat(40), PUBLIC_URL: 'https://desk.example.com' });
    expect(ok.mode).toBe('production');
  });
  it('refuses production without PUBLIC_URL (mail links would point at localhost), and a PUBLIC_URL that is not a URL', () => {
    const env = { PORTAL_MODE: 'production', SMTP_URL: 'smtp://x', SESSION_SECRET: 'x'.repeat(40) };
    expect(() => readConfig(env)).toThrow(/without: PUBLIC_URL/);
    expect(() => readConfig({ ...env, PUBLIC_URL: 'desk.example.com' })).toThrow(/not an http\(s\) URL/);
    expect(readConfig({ ...env, PUBLIC_URL: 'https://desk.example.com/' }).publicUrl).toBe('https://desk.example.com');
    expect(readConfig({ PORTAL_MODE: 'demo' }).publicUrl).toBe('http://localhost:3000');
  });
  it('reads ENCRYPTION_KEYS newest first, apart from SESSION_SECRET, and refuses a malformed list with a clear message', () => {
    const keys = encryptionKeysFrom({ SESSION_SECRET: `${'n'.repeat(32)},${'o'.repeat(32)}`, ENCRYPTION_KEYS: `k2:${'2'.repeat(32)}, k1:${'1'.repeat(32)}` });
    expect(keys.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(keys.legacy).toEqual(['n'.repeat(32), 'o'.repeat(32)]);
    expect(readConfig({ PORTAL_MODE: 'demo', ENCRYPTION_KEYS: `k2:${'2'.repeat(32)}` }).encryptionSecret).toBe('2'.repeat(32));
    expect(() => encryptionKeysFrom({ ENCRYPTION_KEYS: 'x'.repeat(40) })).toThrow(/<key id>:<secret>/);
    expect(() => encryptionKeysFrom({ ENCRYPTION_KEYS: 'k1:short' })).toThrow(/at least 32 characters/);
    expect(() => encryptionKeysFrom({ ENCRYPTION_KEYS: `k1:${'a'.repeat(32)},k1:${'b'.repeat(32)}` })).toThrow(/appears twice/);
  });
  it('seals under the newest key with its id; opens values of older keys and values sealed before key ids', () => {
    const old = encryptionKeysFrom({ SESSION_SECRET: 'o'.repeat(32) });
    const legacyValue = encryptSecret(old, 'p', 'plain');
    expect(legacyValue).toMatch(/^v1\./);
    const k1 = encryptionKeysFrom({ SESSION_SECRET: `${'n'.repeat(32)},${'o'.repeat(32)}`, ENCRYPTION_KEYS: `k1:${'1'.repeat(32)}` });
    const k1Value = encryptSecret(k1, 'p', 'plain');
    expect(k1Value).toMatch(/^v2\.k1\./);
    const k2 = encryptionKeysFrom({ SESSION_SECRET: `${'n'.repeat(32)},${'o'.repeat(32)}`, ENCRYPTION_KEYS: `k2:${'2'.repeat(32)},k1:${'1'.repeat(32)}` });
    expect([decryptSecret(k2, 'p', legacyValue), decryptSecret(k2, 'p', k1Value)]).toEqual(['plain', 'plain']);
    expect(sealedUnderNewest(k2, 'p', k1Value)).toBe(false);
    expect(sealedUnderNewest(k2, 'p', encryptSecret(k2, 'p', 'plain'))).toBe(true);
    expect(() => decryptSecret(encryptionKeysFrom({ SESSION_SECRET: 'n'.repeat(32), ENCRYPTION_KEYS: `k2:${'2'.repeat(32)}` }), 'p', k1Value)).toThrow(/"k1"/);
    expect(() => decryptSecret(k2, 'other purpose', k1Value)).toThrow();
  });
  it('listens on loopback wherever /dev/outbox shows codes (demo, development, test) unless HOST says otherwise; production on every interface', () => {
    expect(['demo', 'development', 'test'].map((mode) => readConfig({ PORTAL_MODE: mode }).host)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
    expect(readConfig({ PORTAL_MODE: 'demo', HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(readConfig({ PORTAL_MODE: 'production', SMTP_URL: 'smtp://x', SESSION_SECRET: 'x'.repeat(40), PUBLIC_URL: 'https://desk.example.com' }).host).toBe('0.0.0.0');
  });
  it('demo mode runs without SMTP and without a secret', () => {
    expect(readConfig({ PORTAL_MODE: 'demo' }).smtpUrl).toBeUndefined();
  });
});

describe('redirects after sign-in stay on this site', () => {
  it.each([
    ['/account', '/account'],
    ['//evil.example/x', '/account/security'],
    ['/\\evil.example', '/account/security'],
    ['https://evil.example', '/account/security'],
    // Browsers drop tabs and newlines inside a URL, and read \ as /: each of these would be //evil.example.
    ['/\t/evil.example', '/account/security'],
    ['/\n/evil.example', '/account/security'],
    ['/\r\n/evil.example', '/account/security'],
    ['/\x00/evil.example', '/account/security'],
    ['/x\\..\\/evil.example', '/account/security'],
    ['/account/security/logon-email?step=2#code', '/account/security/logon-email?step=2#code'],
    ['/appeals/track/abc', '/appeals/track/abc'],
    [null, '/account/security'],
  ])('%s → %s', (input, expected) => expect(safeRedirectPath(input)).toBe(expected));
});

describe('passwords', () => {
  it('are hashed with argon2id and verified', async () => {
    const hash = await hashPassword('demo-Passw0rd!');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'demo-Passw0rd!')).toBe(true);
    expect(await verifyPassword(hash, 'demo-Passw0rd?')).toBe(false);
  });
  it('an unknown login (no hash) never verifies, whatever the password', async () => {
    expect(await verifyPassword(null, 'demo-Passw0rd!')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
});

describe('masking and email normalisation', () => {
  it('masks emails and phones', () => {
    expect(maskEmail('alice@example.com')).toBe('a***e@example.com');
    expect(maskEmail('al@example.com')).toBe('a***@example.com');
    expect(maskPhone('+8613800000001')).toBe('+86138****0001');
    expect(maskPhone(null)).toBeNull();
  });
  it('trims and lower-cases, and rejects what is not an address', () => {
    expect(emailSchema.parse('  New.Alice@Example.COM ')).toBe('new.alice@example.com');
    for (const bad of ['', 'alice', 'alice@', '@example.com', 'a b@example.com', 'alice@example', 'a..b@example.com', `${'a'.repeat(250)}@example.com`]) {
      expect(emailSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('audit hash', () => {
  const row = { at: new Date('2026-01-01T00:00:00Z'), actorType: 'customer', actorId: 'x', action: 'a', accountUid: null, appealId: null, ip: null, userAgent: null, data: { b: 1, a: [1, { d: 2, c: 3 }] } };
  it('does not depend on key order but on every value and on the previous hash', () => {
    expect(stableJson({ b: 1, a: 2 })).toBe(stableJson({ a: 2, b: 1 }));
    const h = auditHash(null, row);
    expect(auditHash(null, { ...row, data: { a: [1, { c: 3, d: 2 }], b: 1 } })).toBe(h);
    expect(auditHash(null, { ...row, action: 'b' })).not.toBe(h);
    expect(auditHash('prev', row)).not.toBe(h);
  });
});
