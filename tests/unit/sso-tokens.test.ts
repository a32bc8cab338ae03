// The ID token checks of the SSO callback, with tokens signed here (jose) and the IdP's token
// endpoint and JWKS served through openid-client's customFetch: the real validation code path of
// app/sso/oidc.server.ts, every refusal mapped to its message code.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, importJWK, type JWK } from 'jose';
import {
  SsoFailure,
  completeAuthorization,
  configurationFor,
  failureCodeOf,
  fetchThrough,
  isPrivateAddress,
  issuerProblem,
  lookupRefusingPrivate,
  publicNetwork,
  publicNetworkFetch,
} from '~/sso/oidc.server';
import { SSO_FAILURES, isSsoFailureCode } from '~/sso/messages';

const ISSUER = 'https://idp.example.test';
const CLIENT_ID = 'recovery-desk';
const CLIENT_SECRET = 'unit-test-secret';
const REDIRECT = 'https://portal.example.test/sso/callback';

type Keys = { privateJwk: JWK; publicJwk: JWK; kid: string };
function rsaKey(kid: string = randomUUID()): Keys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256' },
    publicJwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' },
  };
}

let published: Keys;
let foreign: Keys;

beforeAll(() => {
  published = rsaKey();
  // Another key pair claiming the published key's kid: a forger's key.
  foreign = rsaKey(published.kid);
});

type TokenEndpoint = {
  status?: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  fail?: boolean;
};

function setup(token: TokenEndpoint) {
  const fetch = async (url: string): Promise<Response> => {
    if (url === `${ISSUER}/jwks`) return Response.json({ keys: [published.publicJwk] });
    if (url === `${ISSUER}/token`) {
      if (token.fail) throw new TypeError('fetch failed');
      return new Response(JSON.stringify(token.body ?? {}), {
        status: token.status ?? 200,
        headers: { 'Content-Type': 'application/json', ...token.headers },
      });
    }
    throw new Error(`unexpected request to ${url}`);
  };
  return configurationFor(
    {
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/auth`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/jwks`,
      id_token_signing_alg_values_supported: ['RS256'],
    },
    { issuer: ISSUER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    // The test's own network (the fetch below answers for the IdP): no address to guard.
    { allowHttp: false, allowPrivateNetwork: true, fetch: fetch as never },
  );
}

const NONCE = 'the-nonce-of-this-sign-in';
const STATE = 'the-state-of-this-sign-in';
const checks = { state: STATE, nonce: NONCE, codeVerifier: 'v'.repeat(43) };
const callback = (params: Record<string, string> = { code: 'the-code', state: STATE }) => {
  const url = new URL(REDIRECT);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
};

async function idToken(
  overrides: Record<string, unknown> = {},
  options: { key?: Keys; alg?: string; secret?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ISSUER,
    aud: CLIENT_ID,
    sub: 'sso-dev',
    nonce: NONCE,
    iat: now,
    exp: now + 300,
    name: 'SSO Developer',
    ram_user: 'dev',
    ...overrides,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete (claims as Record<string, unknown>)[k];
  if (options.alg === 'HS256') {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(options.secret ?? CLIENT_SECRET));
  }
  const key = options.key ?? published;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .sign(await importJWK(key.privateJwk, 'RS256'));
}

const tokenResponse = (id_token: string) => ({
  body: { access_token: 'at', token_type: 'Bearer', expires_in: 60, id_token },
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(SsoFailure);
    return (err as SsoFailure).code;
  }
  throw new Error('the token was accepted');
}

describe('ID token validation at the SSO callback', () => {
  it('accepts a token signed with the published key, for this client, this nonce, not expired', async () => {
    const claims = await completeAuthorization(setup(tokenResponse(await idToken())), callback(), checks);
    expect(claims).toMatchObject({ sub: 'sso-dev', iss: ISSUER, aud: CLIENT_ID, ram_user: 'dev' });
  });

  it('refuses a forged signature (a key the IdP never published, under its kid)', async () => {
    expect(
      await refusal(
        completeAuthorization(setup(tokenResponse(await idToken({}, { key: foreign }))), callback(), checks),
      ),
    ).toBe('token-signature');
  });

  it('refuses a token signed with a key id the IdP does not publish', async () => {
    const stranger = rsaKey();
    expect(
      await refusal(
        completeAuthorization(setup(tokenResponse(await idToken({}, { key: stranger }))), callback(), checks),
      ),
    ).toBe('token-signature');
  });

  it('refuses a symmetric (HS256) signature and an unsigned token', async () => {
    const hs = await idToken({}, { alg: 'HS256' });
    expect(await refusal(completeAuthorization(setup(tokenResponse(hs)), callback(), checks))).toBe('token-signature');
    const [, payload] = (await idToken()).split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    expect(await refusal(completeAuthorization(setup(tokenResponse(unsigned)), callback(), checks))).toBe(
      'token-signature',
    );
  });

  it('refuses a wrong nonce, and a missing one', async () => {
    expect(
      await refusal(
        completeAuthorization(setup(tokenResponse(await idToken({ nonce: 'another-sign-in' }))), callback(), checks),
      ),
    ).toBe('token-nonce');
    expect(
      await refusal(
        completeAuthorization(setup(tokenResponse(await idToken({ nonce: undefined }))), callback(), checks),
      ),
    ).toBe('token-nonce');
  });

  it('refuses a wrong audience, and an extra audience', async () => {
    expect(
      await refusal(
        completeAuthorization(setup(tokenResponse(await idToken({ aud: 'another-client' }))), callback(), checks),
      ),
    ).toBe('token-audience');
    expect(
      await refusal(
        completeAuthorization(
          setup(tokenResponse(await idToken({ aud: [CLIENT_ID, 'another-client'] }))),
          callback(),
          checks,
        ),
      ),
    ).toBe('token-audience');
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      await refusal(
        completeAuthorization(
          setup(tokenResponse(await idToken({ iat: now - 7200, exp: now - 3600 }))),
          callback(),
          checks,
        ),
      ),
    ).toBe('token-expired');
  });

  it('refuses a token from another issuer', async () => {
    expect(
      await refusal(
        completeAuthorization(setup(tokenResponse(await idToken({ iss: 'https://evil.example' }))), callback(), checks),
      ),
    ).toBe('token-issuer');
  });

  it('refuses a token without a subject', async () => {
    expect(
      await refusal(completeAuthorization(setup(tokenResponse(await idToken({ sub: undefined }))), callback(), checks)),
    ).toBe('token-invalid');
  });

  it('refuses a callback whose state is not the one issued, and reports an IdP error as such', async () => {
    const config = setup(tokenResponse(await idToken()));
    expect(await refusal(completeAuthorization(config, callback({ code: 'c', state: 'forged' }), checks))).toBe(
      'state-mismatch',
    );
    expect(await refusal(completeAuthorization(config, callback({ code: 'c' }), checks))).toBe('state-mismatch');
    expect(
      await refusal(completeAuthorization(config, callback({ error: 'access_denied', state: STATE }), checks)),
    ).toBe('idp-denied');
  });

  it('explains token endpoint refusals and an unreachable IdP', async () => {
    const grant = setup({ status: 400, body: { error: 'invalid_grant', error_description: 'code expired' } });
    expect(await refusal(completeAuthorization(grant, callback(), checks))).toBe('code-rejected');
    const client = setup({ status: 401, body: { error: 'invalid_client' } });
    expect(await refusal(completeAuthorization(client, callback(), checks))).toBe('idp-rejected-client');
    const basic = setup({
      status: 401,
      body: { error: 'invalid_client' },
      headers: { 'WWW-Authenticate': 'Basic realm="idp", error="invalid_client"' },
    });
    expect(await refusal(completeAuthorization(basic, callback(), checks))).toBe('idp-rejected-client');
    expect(await refusal(completeAuthorization(setup({ fail: true }), callback(), checks))).toBe('idp-unreachable');
  });

  it('maps anything unforeseen to a generic code that still has a message', () => {
    expect(failureCodeOf(new Error('something odd'))).toBe('failed');
    for (const code of [
      'failed',
      'token-signature',
      'token-nonce',
      'token-audience',
      'token-expired',
      'state-mismatch',
    ]) {
      expect(isSsoFailureCode(code)).toBe(true);
      expect(SSO_FAILURES[code as keyof typeof SSO_FAILURES].length).toBeGreaterThan(20);
    }
    expect(isSsoFailureCode('<script>')).toBe(false);
    expect(isSsoFailureCode('toString')).toBe(false);
  });
});

describe('issuer URLs an owner may register', () => {
  it.each([
    ['https://idp.example.com', true, null],
    ['https://login.example.com/tenant/v2.0', false, null],
    ['http://127.0.0.1:4000', true, null],
    ['http://localhost:4000', true, null],
  ])('%s (http allowed: %s) is accepted', (issuer, allowHttp) => {
    expect(issuerProblem(issuer, allowHttp)).toBeNull();
  });

  it.each([
    ['http://127.0.0.1:4000', false, /only outside production/],
    ['http://idp.example.com', true, /must use https/],
    ['ftp://idp.example.com', true, /must use https/],
    ['not a url', true, /full URL/],
    ['https://idp.example.com/?x=1', true, /no query/],
    ['https://user:pw@idp.example.com', true, /user name or password/],
  ])('%s (http allowed: %s) is refused', (issuer, allowHttp, message) => {
    expect(issuerProblem(issuer, allowHttp)).toMatch(message);
  });

  it.each([
    'https://10.1.2.3',
    'https://169.254.169.254/latest',
    'https://192.168.0.10:8443',
    'https://172.20.0.1',
    'https://127.0.0.1',
    'https://localhost',
    'https://[::1]',
    'https://[fd00::5]',
    'https://100.64.0.1',
  ])('%s is refused in production (a private, local or link-local address)', (issuer) => {
    expect(issuerProblem(issuer, false)).toMatch(/public internet/);
    expect(issuerProblem(issuer, true)).toBeNull(); // outside production: the demo IdP lives on loopback
  });
});

describe('requests to an identity provider reach public addresses only (production)', () => {
  it.each([
    ['10.0.0.1', true],
    ['10.255.255.255', true],
    ['172.16.0.1', true],
    ['172.31.255.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['127.0.0.1', true],
    ['0.0.0.0', true],
    ['100.64.0.1', true],
    ['100.128.0.1', false],
    ['8.8.8.8', false],
    ['93.184.215.14', false],
    ['::1', true],
    ['::', true],
    ['fd12:3456::1', true],
    ['fe80::1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['2606:4700:4700::1111', false],
    ['idp.example.com', false],
  ])('%s is private: %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });

  // Every way to write a loopback, private, link-local or unspecified address that a URL parser, a resolver or
  // inet_aton may hand over, judged by what it is rather than by its spelling.
  it.each([
    // IPv4-mapped IPv6, as the URL parser writes it (hex) and dotted
    ['::ffff:7f00:1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:a9fe:a9fe', true],
    ['::ffff:169.254.169.254', true],
    ['::ffff:c0a8:101', true],
    ['::ffff:0:0', true],
    ['::ffff:5db8:d70e', false],
    // IPv4-translated (RFC 6145) and IPv4-compatible (deprecated ::a.b.c.d)
    ['::ffff:0:7f00:1', true],
    ['::7f00:1', true],
    ['::127.0.0.1', true],
    ['::a9fe:a9fe', true],
    ['::5db8:d70e', false],
    // NAT64 (64:ff9b::/96 well-known prefix, and the local-use one) and 6to4
    ['64:ff9b::7f00:1', true],
    ['64:ff9b::a9fe:a9fe', true],
    ['64:ff9b::10.0.0.1', true],
    ['64:ff9b::5db8:d70e', false],
    ['64:ff9b:1::a9fe:a9fe', true],
    ['2002:7f00:1::', true],
    ['2002:a9fe:a9fe::1', true],
    ['2002:5db8:d70e::1', false],
    // octal, hex and short IPv4 forms (inet_aton)
    ['0177.0.0.1', true],
    ['0x7f.0.0.1', true],
    ['0x7f000001', true],
    ['2130706433', true],
    ['127.1', true],
    ['0x7f.1', true],
    ['10.1', true],
    ['0xa9.0xfe.0xa9.0xfe', true],
    ['0251.0376.0251.0376', true],
    // unspecified, link-local, ULA, multicast, reserved
    ['0.0.0.0', true],
    ['0.1.2.3', true],
    ['::', true],
    ['0:0:0:0:0:0:0:0', true],
    ['fe80::1%eth0', true],
    ['febf::1', true],
    ['fc00::1', true],
    ['fdff:ffff::1', true],
    ['ff02::1', true],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    ['240.0.0.1', true],
    ['2001:db8::1', true],
    ['198.18.0.1', true],
  ])('%s is private: %s (whatever its form)', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });

  it.each([
    'https://[::ffff:127.0.0.1]:4443',
    'https://[::ffff:169.254.169.254]',
    'https://[::ffff:7f00:1]',
    'https://[::127.0.0.1]',
    'https://[64:ff9b::a9fe:a9fe]',
    'https://[::]',
    'https://0.0.0.0',
    'https://0177.0.0.1',
    'https://0x7f.1',
    'https://2130706433',
    'https://[fe80::1]',
    'https://[fc00::1]',
  ])('the issuer %s is refused in production', (issuer) => {
    expect(issuerProblem(issuer, false)).toMatch(/public internet/);
  });

  it('refuses a private address or a name that resolves to one, and passes a public one through', async () => {
    const seen: string[] = [];
    const inner = async (url: string) => {
      seen.push(url);
      return new Response('{}');
    };
    const guarded = publicNetworkFetch(inner as never);
    for (const url of [
      'https://169.254.169.254/latest/meta-data',
      'https://10.0.0.5/.well-known/openid-configuration',
      'https://[::1]/jwks',
      'https://localhost:8443/token',
    ]) {
      await expect(guarded(url, {} as never)).rejects.toThrow(/private or local address/);
    }
    expect(seen).toEqual([]);
    await guarded('https://93.184.215.14/.well-known/openid-configuration', {} as never);
    expect(seen).toEqual(['https://93.184.215.14/.well-known/openid-configuration']);
  });
});

describe('the connection to an identity provider checks the address it connects to (DNS rebinding)', () => {
  // A name whose owner answers the portal's check with a public address and the connection with a
  // private one: the check and the connection must use one answer.
  const answers = (...ips: string[]) => {
    let call = 0;
    return (
      _host: string,
      _options: object,
      callback: (err: null, addresses: { address: string; family: number }[]) => void,
    ) => {
      const ip = ips[Math.min(call++, ips.length - 1)];
      callback(null, [{ address: ip, family: ip.includes(':') ? 6 : 4 }]);
    };
  };
  const lookUp = (lookup: ReturnType<typeof lookupRefusingPrivate>, options: { all?: boolean }) =>
    new Promise<{ err: (Error & { code?: string }) | null; result: unknown }>((resolve) =>
      lookup(
        'idp.example.test',
        options as never,
        ((err: Error | null, a: unknown, f?: number) =>
          resolve({ err, result: f === undefined ? a : [a, f] })) as never,
      ),
    );

  it('refuses a private answer and passes a public one on, whichever form the socket asks for', async () => {
    for (const ip of ['127.0.0.1', '169.254.169.254', '10.1.2.3', '::1']) {
      const { err } = await lookUp(lookupRefusingPrivate(answers(ip) as never), { all: true });
      expect(err?.code).toBe('EPRIVATEADDRESS');
    }
    expect((await lookUp(lookupRefusingPrivate(answers('93.184.215.14') as never), { all: true })).result).toEqual([
      { address: '93.184.215.14', family: 4 },
    ]);
    expect((await lookUp(lookupRefusingPrivate(answers('93.184.215.14') as never), {})).result).toEqual([
      '93.184.215.14',
      4,
    ]);
  });

  describe('over a real socket', () => {
    let server: Server;
    let port = 0;
    let hits = 0;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        hits++;
        res.end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      port = (server.address() as AddressInfo).port;
      return () => new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('connects where the name resolves (the setup the next test relies on)', async () => {
      const before = hits;
      const plain = new Agent({ connect: { lookup: answers('127.0.0.1') as never } });
      // Through the portal's own pairing: the package's Agent with the package's fetch.
      const res = await fetchThrough(plain)(`http://rebound.example.test:${port}/jwks`, {} as never);
      expect(res.status).toBe(200);
      expect(hits).toBe(before + 1);
      await plain.close();
    });

    it('never reaches a private address the name turns into after a public first answer', async () => {
      const before = hits;
      // The first answer is what a check before the request would have seen; the connection gets the second.
      const resolve = answers('93.184.215.14', '127.0.0.1');
      resolve('rebound.example.test', {}, () => {});
      const guarded = new Agent({ connect: { lookup: lookupRefusingPrivate(resolve as never) } });
      await expect(
        fetchThrough(guarded)(`http://rebound.example.test:${port}/jwks`, {} as never),
      ).rejects.toMatchObject({ cause: { code: 'EPRIVATEADDRESS' } });
      expect(hits).toBe(before);
      await guarded.close();
    });

    it("the portal's own connections (publicNetwork) refuse a name that resolves to loopback at connect time", async () => {
      const before = hits;
      await expect(fetchThrough(publicNetwork)(`http://localhost:${port}/jwks`, {} as never)).rejects.toMatchObject({
        cause: { code: 'EPRIVATEADDRESS' },
      });
      expect(hits).toBe(before);
    });
  });
});
