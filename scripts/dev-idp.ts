// `npm run idp` — a local OpenID Provider for trying enterprise SSO by hand, built on the certified
// `oidc-provider` library (not a fake): discovery, JWKS, authorization code flow with PKCE, ID
// tokens signed with a fresh RSA key, and minimal login and consent pages of its own.
//
//   IDP_PORT           port on 127.0.0.1 (default 4000)
//   IDP_ISSUER         issuer URL (default http://127.0.0.1:<port>) — must equal the portal's IdP row
//   IDP_REDIRECT_URIS  comma-separated redirect URIs of the portal (default: localhost and
//                      127.0.0.1 on port 3000, /sso/callback)
//
// Tests import startDevIdp() and run it on a free port with their own redirect URIs and users.
import { generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express from 'express';
import Provider, { type InteractionDetails } from 'oidc-provider';
import {
  DEMO_IDP_CLIENT_ID,
  DEMO_IDP_CLIENT_SECRET,
  DEMO_IDP_PASSWORD as DEMO_PASSWORD,
  DEMO_IDP_USER,
} from '~/sso/demo';

export type DevIdpUser = {
  /** What the person types on the login page. */
  username: string;
  password: string;
  /** The `sub` claim (default: the username). */
  sub?: string;
  /** Claims released with the profile scope: name, preferred_username, ram_user, role, … */
  claims: Record<string, unknown>;
};

export type DevIdpOptions = {
  port?: number;
  host?: string;
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  redirectUris?: string[];
  users?: DevIdpUser[];
  /** Private signing keys (JWK) — tests pass their own to re-sign tokens; default: a fresh RSA key. */
  signingKeys?: Record<string, unknown>[];
  /** Called with the provider before it serves (e.g. tests add Koa middleware with provider.use). */
  configure?: (provider: Provider) => void;
};

export type RunningDevIdp = {
  issuer: string;
  port: number;
  provider: Provider;
  users: DevIdpUser[];
  stop(): Promise<void>;
};

export const DEV_IDP_USERS: DevIdpUser[] = [
  {
    username: DEMO_IDP_USER,
    password: DEMO_PASSWORD,
    claims: {
      name: 'SSO Developer',
      preferred_username: DEMO_IDP_USER,
      email: 'sso-dev@idp.example.com',
      email_verified: true,
      // The seed's IdP row maps ram_user → RAM user (user-based SSO) and role → RAM role (role-based).
      ram_user: 'dev',
      role: 'OpsAdmin',
    },
  },
];

export function defaultRedirectUris(port = 3000): string[] {
  return [`http://localhost:${port}/sso/callback`, `http://127.0.0.1:${port}/sso/callback`];
}

/** A fresh RS256 signing key as a private JWK. */
export function newSigningKey(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

const esc = (value: unknown) =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — Demo identity provider</title>
<style>body{font-family:system-ui,sans-serif;background:#eef1f5;margin:0}main{max-width:26rem;margin:3rem auto;background:#fff;border:1px solid #ccd;border-radius:8px;padding:1.5rem}
h1{font-size:1.3rem;margin-top:0}label{display:block;font-weight:600;margin:.8rem 0 .3rem}input{width:100%;padding:.5rem;box-sizing:border-box;font:inherit}
button{margin-top:1rem;padding:.5rem 1rem;font:inherit;font-weight:600}.err{color:#b42318;font-weight:600}.muted{color:#667;font-size:.9rem}</style></head>
<body><main><p class="muted">Demo identity provider (oidc-provider)</p>${body}</main></body></html>`;
}

function send(res: express.Response, status: number, html: string) {
  res.status(status);
  res.set({
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    // No form-action here: after the login the browser is redirected back to the portal.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  });
  res.send(html);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function loginPage(details: InteractionDetails, error?: string, username = ''): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p>to continue to <strong>${esc(details.params.client_id)}</strong></p>
${error ? `<p class="err" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(details.uid)}/login" autocomplete="off">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" value="${esc(username)}" autofocus required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="muted">Demo user: ${esc(DEMO_IDP_USER)} / ${esc(DEMO_PASSWORD)}</p>
<p><a href="/interaction/${esc(details.uid)}/abort">Cancel</a></p>`,
  );
}

function consentPage(details: InteractionDetails): string {
  const scopes = ((details.prompt.details.missingOIDCScope as string[] | undefined) ?? []).filter(
    (s) => s !== 'openid',
  );
  return page(
    'Allow access',
    `<h1>Allow access?</h1>
<p><strong>${esc(details.params.client_id)}</strong> asks to sign you in${scopes.length ? ` and to read: ${scopes.map(esc).join(', ')}` : ''}.</p>
<form method="post" action="/interaction/${esc(details.uid)}/confirm"><button type="submit">Allow</button></form>
<p><a href="/interaction/${esc(details.uid)}/abort">Deny</a></p>`,
  );
}

export async function startDevIdp(options: DevIdpOptions = {}): Promise<RunningDevIdp> {
  const host = options.host ?? '127.0.0.1';
  const users = options.users ?? DEV_IDP_USERS;
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = options.issuer ?? `http://${host}:${port}`;
  const bySub = new Map(users.map((u) => [u.sub ?? u.username, u]));

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId ?? DEMO_IDP_CLIENT_ID,
        client_secret: options.clientSecret ?? DEMO_IDP_CLIENT_SECRET,
        redirect_uris: options.redirectUris ?? defaultRedirectUris(),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: options.signingKeys ?? [newSigningKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'ram_user', 'role'],
      email: ['email', 'email_verified'],
    },
    // Put the claims of the granted scopes into the ID token itself (the portal reads only it).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      AuthorizationCode: 60,
      AccessToken: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, sub: string) {
      const user = bySub.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...user.claims }) };
    },
    async renderError(ctx: { type: string; body: unknown }, out: Record<string, unknown>) {
      ctx.type = 'html';
      ctx.body = page(
        'Error',
        `<h1>Something went wrong</h1>${Object.entries(out)
          .map(([k, v]) => `<p><strong>${esc(k)}</strong>: ${esc(v)}</p>`)
          .join('')}`,
      );
    },
  });
  options.configure?.(provider);

  const app = express();
  app.disable('x-powered-by');
  const form = express.urlencoded({ extended: false, limit: '10kb' });

  app.get('/interaction/:uid', async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') return send(res, 200, loginPage(details));
      return send(res, 200, consentPage(details));
    } catch (err) {
      next(err);
    }
  });

  app.post('/interaction/:uid/login', form, async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const username = String(req.body?.username ?? '').trim();
      const password = String(req.body?.password ?? '');
      const user = users.find((u) => u.username === username);
      if (!user || !sameText(user.password, password))
        return send(res, 401, loginPage(details, 'Invalid username or password.', username));
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: user.sub ?? user.username } },
        { mergeWithLastSubmission: false },
      );
    } catch (err) {
      next(err);
    }
  });

  app.post('/interaction/:uid/confirm', form, async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const accountId = details.session?.accountId;
      if (details.prompt.name !== 'consent' || !accountId)
        return send(res, 400, page('Error', '<h1>Nothing to confirm</h1>'));
      const grant = details.grantId
        ? ((await provider.Grant.find(details.grantId)) ??
          new provider.Grant({ accountId, clientId: String(details.params.client_id) }))
        : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
      const promptDetails = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (promptDetails.missingOIDCScope) grant.addOIDCScope(promptDetails.missingOIDCScope.join(' '));
      if (promptDetails.missingOIDCClaims) grant.addOIDCClaims(promptDetails.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(promptDetails.missingResourceScopes ?? {}))
        grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } catch (err) {
      next(err);
    }
  });

  const abort = async (req: express.Request, res: express.Response, next: express.NextFunction) => {
    try {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user cancelled the sign-in.' },
        { mergeWithLastSubmission: false },
      );
    } catch (err) {
      next(err);
    }
  };
  app.get('/interaction/:uid/abort', abort);
  app.post('/interaction/:uid/abort', form, abort);

  app.use(provider.callback());
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    send(
      res,
      400,
      page(
        'Error',
        `<h1>Sign-in could not continue</h1><p>${esc(err.message)}</p><p class="muted">Start again from the portal.</p>`,
      ),
    );
  });
  server.on('request', app);

  return {
    issuer,
    port,
    provider,
    users,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

const runDirectly = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runDirectly) {
  const port = Number(process.env.IDP_PORT ?? 4000);
  const redirectUris =
    process.env.IDP_REDIRECT_URIS?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? defaultRedirectUris();
  const idp = await startDevIdp({ port, issuer: process.env.IDP_ISSUER || undefined, redirectUris });
  console.log(`Demo identity provider on ${idp.issuer}  (discovery: ${idp.issuer}/.well-known/openid-configuration)`);
  console.log(`Client ${DEMO_IDP_CLIENT_ID}, redirect URIs: ${redirectUris.join(', ')}`);
  console.log(`User ${DEMO_IDP_USER} / ${DEMO_PASSWORD} (ram_user=dev, role=OpsAdmin). Ctrl+C stops it.`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void idp.stop().then(() => process.exit(0));
    });
  }
}
