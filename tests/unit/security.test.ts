import { describe, expect, it } from 'vitest';
import { isCrossSiteRequest } from '~/security/csrf.server';
import { securityHeaders } from '~/security/headers.server';
import { readConfig, ConfigError, encryptionKeysFrom } from '~/config.server';
import { decryptSecret, encryptSecret, sealedUnderNewest } from '~/lib/crypto.server';
import { safeRedirectPath } from '~/auth/session.server';
import {
  hashPassword,
  PASSWORD_PERSONAL,
  PASSWORD_TOO_COMMON,
  passwordProblem,
  verifyPassword,
} from '~/auth/password.server';
import { maskEmail, maskPhone } from '~/lib/masking';
import { emailSchema } from '~/account/email';
import { auditHash, stableJson } from '~/audit/audit.server';
import { FREE_FAILURES, MAX_WAIT_SEC, waitAfterGuess } from '~/auth/guessing.server';
import { matchTotp, totpNow } from '~/staff/totp.server';

const allowed = ['http://localhost:3000'];

describe('CSRF: state-changing requests must come from the portal itself', () => {
  it('lets same-origin POSTs through', () => {
    expect(isCrossSiteRequest({ method: 'POST', origin: 'http://localhost:3000', allowedOrigins: allowed })).toBe(
      false,
    );
    expect(
      isCrossSiteRequest({ method: 'POST', referer: 'http://localhost:3000/login', allowedOrigins: allowed }),
    ).toBe(false);
  });
  it('refuses POSTs from another origin, with no origin at all, or marked cross-site', () => {
    expect(isCrossSiteRequest({ method: 'POST', origin: 'https://evil.example', allowedOrigins: allowed })).toBe(true);
    expect(isCrossSiteRequest({ method: 'POST', allowedOrigins: allowed })).toBe(true);
    expect(isCrossSiteRequest({ method: 'POST', origin: 'null', allowedOrigins: allowed })).toBe(true);
    expect(
      isCrossSiteRequest({
        method: 'DELETE',
        referer: 'http://localhost:3000.evil.example/x',
        allowedOrigins: allowed,
      }),
    ).toBe(true);
    expect(
      isCrossSiteRequest({
        method: 'POST',
        origin: 'http://localhost:3000',
        secFetchSite: 'cross-site',
        allowedOrigins: allowed,
      }),
    ).toBe(true);
    expect(isCrossSiteRequest({ method: 'POST', referer: 'not a url', allowedOrigins: allowed })).toBe(true);
  });
  it('lets a same-origin post whose page hid its origin (Origin: null) through on Sec-Fetch-Site: same-origin only', () => {
    expect(
      isCrossSiteRequest({ method: 'POST', origin: 'null', secFetchSite: 'same-origin', allowedOrigins: allowed }),
    ).toBe(false);
    expect(
      isCrossSiteRequest({ method: 'POST', origin: 'null', secFetchSite: 'same-site', allowedOrigins: allowed }),
    ).toBe(true);
    expect(isCrossSiteRequest({ method: 'POST', origin: 'null', secFetchSite: 'none', allowedOrigins: allowed })).toBe(
      true,
    );
    expect(
      isCrossSiteRequest({
        method: 'POST',
        origin: 'https://evil.example',
        secFetchSite: 'same-origin',
        allowedOrigins: allowed,
      }),
    ).toBe(true);
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
    expect(() => readConfig({ PORTAL_MODE: 'production', SMTP_URL: 'smtp://x', SESSION_SECRET: 'short' })).toThrow(
      /at least 32/,
    );
    const ok = readConfig({
      PORTAL_MODE: 'production',
      SMTP_URL: 'smtp://x',
      SESSION_SECRET: 'x'.repeat(40),
      PUBLIC_URL: 'https://desk.example.com',
    });
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
    const keys = encryptionKeysFrom({
      SESSION_SECRET: `${'n'.repeat(32)},${'o'.repeat(32)}`,
      ENCRYPTION_KEYS: `k2:${'2'.repeat(32)}, k1:${'1'.repeat(32)}`,
    });
    expect(keys.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(keys.legacy).toEqual(['n'.repeat(32), 'o'.repeat(32)]);
    expect(readConfig({ PORTAL_MODE: 'demo', ENCRYPTION_KEYS: `k2:${'2'.repeat(32)}` }).encryptionSecret).toBe(
      '2'.repeat(32),
    );
    expect(() => encryptionKeysFrom({ ENCRYPTION_KEYS: 'x'.repeat(40) })).toThrow(/<key id>:<secret>/);
    expect(() => encryptionKeysFrom({ ENCRYPTION_KEYS: 'k1:short' })).toThrow(/at least 32 characters/);
    expect(() => encryptionKeysFrom({ ENCRYPTION_KEYS: `k1:${'a'.repeat(32)},k1:${'b'.repeat(32)}` })).toThrow(
      /appears twice/,
    );
  });
  it('seals under the newest key with its id; opens values of older keys and values sealed before key ids', () => {
    const old = encryptionKeysFrom({ SESSION_SECRET: 'o'.repeat(32) });
    const legacyValue = encryptSecret(old, 'p', 'plain');
    expect(legacyValue).toMatch(/^v1\./);
    const k1 = encryptionKeysFrom({
      SESSION_SECRET: `${'n'.repeat(32)},${'o'.repeat(32)}`,
      ENCRYPTION_KEYS: `k1:${'1'.repeat(32)}`,
    });
    const k1Value = encryptSecret(k1, 'p', 'plain');
    expect(k1Value).toMatch(/^v2\.k1\./);
    const k2 = encryptionKeysFrom({
      SESSION_SECRET: `${'n'.repeat(32)},${'o'.repeat(32)}`,
      ENCRYPTION_KEYS: `k2:${'2'.repeat(32)},k1:${'1'.repeat(32)}`,
    });
    expect([decryptSecret(k2, 'p', legacyValue), decryptSecret(k2, 'p', k1Value)]).toEqual(['plain', 'plain']);
    expect(sealedUnderNewest(k2, 'p', k1Value)).toBe(false);
    expect(sealedUnderNewest(k2, 'p', encryptSecret(k2, 'p', 'plain'))).toBe(true);
    expect(() =>
      decryptSecret(
        encryptionKeysFrom({ SESSION_SECRET: 'n'.repeat(32), ENCRYPTION_KEYS: `k2:${'2'.repeat(32)}` }),
        'p',
        k1Value,
      ),
    ).toThrow(/"k1"/);
    expect(() => decryptSecret(k2, 'other purpose', k1Value)).toThrow();
  });
  it('listens on loopback wherever /dev/outbox shows codes (demo, development, test) unless HOST says otherwise; production on every interface', () => {
    expect(['demo', 'development', 'test'].map((mode) => readConfig({ PORTAL_MODE: mode }).host)).toEqual([
      '127.0.0.1',
      '127.0.0.1',
      '127.0.0.1',
    ]);
    expect(readConfig({ PORTAL_MODE: 'demo', HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(
      readConfig({
        PORTAL_MODE: 'production',
        SMTP_URL: 'smtp://x',
        SESSION_SECRET: 'x'.repeat(40),
        PUBLIC_URL: 'https://desk.example.com',
      }).host,
    ).toBe('0.0.0.0');
  });
  it('demo mode runs without SMTP and without a secret', () => {
    expect(readConfig({ PORTAL_MODE: 'demo' }).smtpUrl).toBeUndefined();
  });
  it('takes staff only from STAFF_EMAIL_DOMAINS: the demo domain outside production, none in production unless set', () => {
    expect(readConfig({ PORTAL_MODE: 'demo' }).staffEmailDomains).toEqual(['support.example.com']);
    expect(
      readConfig({
        PORTAL_MODE: 'production',
        SMTP_URL: 'smtp://x',
        SESSION_SECRET: 'x'.repeat(40),
        PUBLIC_URL: 'https://desk.example.com',
      }).staffEmailDomains,
    ).toEqual([]);
    expect(
      readConfig({ PORTAL_MODE: 'test', STAFF_EMAIL_DOMAINS: ' Support.Example.com, ops.example.org ,' })
        .staffEmailDomains,
    ).toEqual(['support.example.com', 'ops.example.org']);
  });
  it('reads TRUST_PROXY as a number of proxy hops or a list of proxy addresses, and refuses "true"', () => {
    const trust = (value: string | undefined) => readConfig({ PORTAL_MODE: 'test', TRUST_PROXY: value }).trustProxy;
    expect(trust(undefined)).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('loopback, 10.0.0.0/8,2001:db8::1')).toEqual(['loopback', '10.0.0.0/8', '2001:db8::1']);
    // `true` trusts every hop: the leftmost entry, which the client writes, would be its address.
    expect(() => trust('true')).toThrow(/leftmost X-Forwarded-For entry.*number of proxies/);
    expect(() => trust('10.0.0.300')).toThrow(
      /TRUST_PROXY=10\.0\.0\.300 is neither a number of proxy hops nor a list of proxy addresses/,
    );
    expect(() => trust('proxy.example.com')).toThrow(ConfigError);
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
    // Dot segments collapse into `//evil.example` once the path is normalised.
    ['/.//evil.example', '/account/security'],
    ['/..//evil.example', '/account/security'],
    ['/a/../..//evil.example/x', '/account/security'],
    ['/%2e//evil.example', '/account/security'],
    ['/%2E%2E//evil.example', '/account/security'],
    ['%2F%2Fevil.example', '/account/security'],
    [decodeURIComponent('%2F%2Fevil.example'), '/account/security'],
    ['javascript:alert(1)', '/account/security'],
    ['java\tscript:alert(1)', '/account/security'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/a/./b/../c', '/a/c'],
    ['/account/security/logon-email?step=2#code', '/account/security/logon-email?step=2#code'],
    ['/appeals/track/abc', '/appeals/track/abc'],
    [null, '/account/security'],
  ])('%s → %s', (input, expected) => expect(safeRedirectPath(input)).toBe(expected));
});

describe('password guessing per login: a growing wait, never a lock', () => {
  it('waits nothing for the free failures, then doubles from 2 s up to the cap', () => {
    expect(waitAfterGuess(FREE_FAILURES)).toBe(0);
    expect([1, 2, 3, 4].map((n) => waitAfterGuess(FREE_FAILURES + n))).toEqual([2, 4, 8, 16]);
    expect(waitAfterGuess(FREE_FAILURES + 40)).toBe(MAX_WAIT_SEC);
  });
  it('lets fewer than 100 guesses of one login through in a day (NIST SP 800-63B §3.2.2)', () => {
    let guesses = 0;
    for (let elapsed = 0; elapsed < 24 * 3600; guesses++) elapsed += waitAfterGuess(guesses + 1);
    expect(guesses).toBeLessThan(100);
  });
});

describe('staff TOTP: a code belongs to its own time step', () => {
  const secret = 'JBSWY3DPEHPK3PXP';
  const step = 59_000_000;
  const at = (s: number, sec = 1) => s * 30_000 + sec * 1000;
  it('matches the step the code was made for, within one step of drift either way', () => {
    const code = totpNow(secret, at(step));
    expect(matchTotp(secret, code, at(step, 29))).toBe(step);
    // Replayed at :01 of the next window: still the code of its own step, so the replay guard sees it.
    expect(matchTotp(secret, code, at(step + 1))).toBe(step);
    // An authenticator a little ahead: the next window's code is that window's, not this one's.
    expect(matchTotp(secret, totpNow(secret, at(step + 1)), at(step, 29))).toBe(step + 1);
    expect(matchTotp(secret, code, at(step + 2))).toBeNull();
    expect(matchTotp(secret, 'abcdef', at(step))).toBeNull();
  });
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
  it.each(['password12', 'Password123', 'Passw0rd123', 'qwerty12345', '1234567890abc', 'dr0wssap123'])(
    'refuses the common password %s',
    (password) => {
      expect(passwordProblem(password)).toBe(PASSWORD_TOO_COMMON);
    },
  );
  it('refuses a password built on the owner’s email, name or the service’s name', () => {
    const owner = { email: 'marguerite.okonkwo@example.com', name: 'Marguerite Okonkwo' };
    for (const password of [
      'marguerite.okonkwo@example.com1',
      'Okonkwo-family-77',
      'm4rgu3rite-2024-x',
      'recovery-desk-2024',
    ]) {
      expect(passwordProblem(password, owner), password).toBe(PASSWORD_PERSONAL);
    }
  });
  it('takes a password that is long enough and of the owner’s own making', () => {
    expect(passwordProblem('Harbour-lantern-482', { email: 'bob@example.com', name: 'Bob Example' })).toBeNull();
    expect(passwordProblem('correct horse battery 9 staple')).toBeNull();
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
    for (const bad of [
      '',
      'alice',
      'alice@',
      '@example.com',
      'a b@example.com',
      'alice@example',
      'a..b@example.com',
      `${'a'.repeat(250)}@example.com`,
    ]) {
      expect(emailSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('audit hash', () => {
  const row = {
    at: new Date('2026-01-01T00:00:00Z'),
    actorType: 'customer',
    actorId: 'x',
    action: 'a',
    accountUid: null,
    appealId: null,
    ip: null,
    userAgent: null,
    data: { b: 1, a: [1, { d: 2, c: 3 }] },
  };
  it('does not depend on key order but on every value and on the previous hash', () => {
    expect(stableJson({ b: 1, a: 2 })).toBe(stableJson({ a: 2, b: 1 }));
    const h = auditHash(null, row);
    expect(auditHash(null, { ...row, data: { a: [1, { c: 3, d: 2 }], b: 1 } })).toBe(h);
    expect(auditHash(null, { ...row, action: 'b' })).not.toBe(h);
    expect(auditHash('prev', row)).not.toBe(h);
  });
});
