// Discovery of an identity provider is reused per provider settings (a real HTTP server on loopback
// counts the requests): the same settings ask once, other settings ask again, a failure is not kept.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverIdp } from '~/sso/oidc.server';

describe('OpenID discovery is reused', () => {
  let server: http.Server;
  let issuer = '';
  let hits = 0;
  let failing = false;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url !== '/.well-known/openid-configuration') {
        res.writeHead(404).end();
        return;
      }
      hits++;
      if (failing) {
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const options = { allowHttp: true, allowPrivateNetwork: true, timeoutSec: 2 };

  it('asks once for the same settings, again for other settings, and does not keep a failure', async () => {
    const settings = { issuer, clientId: 'desk', clientSecret: 'secret-1' };
    const first = await discoverIdp(settings, options);
    const second = await discoverIdp(settings, options);
    expect(second).toBe(first);
    expect(hits).toBe(1);

    await discoverIdp({ ...settings, clientSecret: 'secret-2' }, options);
    expect(hits).toBe(2);

    failing = true;
    const other = { ...settings, clientId: 'desk-2' };
    await expect(discoverIdp(other, options)).rejects.toThrow(/discovery failed/);
    failing = false;
    await discoverIdp(other, options);
    expect(hits).toBe(4); // the failure was asked again, not served from memory
  });
});
