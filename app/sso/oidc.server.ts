// OpenID Connect with openid-client: discovery, the authorization request (code flow with PKCE,
// state and nonce) and the code exchange with full ID token validation — signature against the
// IdP's published JWKS (non-repudiation checks on), issuer, audience/azp, expiry and nonce.
// Every failure becomes an SsoFailure whose code names a message in ./messages.
import { createHash } from 'node:crypto';
import { lookup as lookupCallback, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import * as client from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';
import type { SsoFailureCode } from './messages';

export class SsoFailure extends Error {
  constructor(
    readonly code: SsoFailureCode,
    /** Technical detail for the audit trail (never shown to the visitor). */
    readonly detail?: string,
    /** What is known of the attempt, for the audit trail. */
    readonly context: { accountUid?: string | null; accountRef?: string | null; providerId?: string | null } = {},
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
}

export type OidcClientSettings = {
  issuer: string;
  clientId: string;
  clientSecret: string;
};

export type OidcOptions = {
  /** Plain-HTTP issuers are accepted only when this says so (loopback outside production). */
  allowHttp: boolean;
  /**
   * Requests to loopback, private and link-local addresses (the portal's own network, a cloud metadata
   * service) are refused unless this says so (outside production, where the demo IdP is on loopback).
   */
  allowPrivateNetwork?: boolean;
  /** Seconds for each request to the IdP. */
  timeoutSec?: number;
  /** Tests replace the network. */
  fetch?: client.CustomFetch;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** IPv6 ranges whose last 32 bits are an IPv4 address the packet ends up at: judged as that address. */
const EMBEDS_IPV4_AT_END = [
  ipaddr.parseCIDR('::ffff:0:0/96'),
  ipaddr.parseCIDR('::ffff:0:0:0/96'),
  ipaddr.parseCIDR('64:ff9b::/96'),
  ipaddr.parseCIDR('::/96'),
] as const;

/**
 * Whether a request made by the portal on an owner's behalf may reach this address in production: only
 * global unicast. Loopback, private (RFC 1918, CGNAT, ULA), link-local (cloud metadata services),
 * unspecified, multicast and reserved ranges are refused; IPv6 forms that carry an IPv4 address
 * (mapped, translated, NAT64, IPv4-compatible, 6to4) are judged by that address.
 */
function isPublicAddress(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.kind() === 'ipv4') return address.range() === 'unicast';
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  if (range === 'unspecified' || range === 'loopback') return false;
  if (EMBEDS_IPV4_AT_END.some((cidr) => v6.match(cidr))) {
    const bytes = v6.toByteArray();
    return isPublicAddress(ipaddr.fromByteArray(bytes.slice(12)));
  }
  if (range === '6to4') return isPublicAddress(ipaddr.fromByteArray(v6.toByteArray().slice(2, 6)));
  return range === 'unicast';
}

/** An IP address (any form ipaddr.js reads: IPv6, dotted, octal, hex, short IPv4) that is not public; a host name is not an address (false). */
export function isPrivateAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  return !isPublicAddress(ipaddr.parse(ip));
}

/** The host of a URL as an address or a name (IPv6 without its brackets). */
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

type Resolve = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * The name resolution of a connection: the addresses a socket is about to connect to, refused when
 * any is private. Checking a name before the request is not enough on its own: the request resolves it
 * again, and a name's owner can answer the second time with 127.0.0.1 or 169.254.169.254 (DNS
 * rebinding). Here the check and the connection use one answer.
 */
export function lookupRefusingPrivate(resolve: Resolve = lookupCallback as Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      const refused = !err && (!addresses.length || addresses.some((a) => isPrivateAddress(a.address)));
      const error =
        err ??
        (refused
          ? Object.assign(
              new Error(`${hostname} resolves to a private or local address; the portal does not send requests there`),
              { code: 'EPRIVATEADDRESS' },
            )
          : null);
      if (error) return (callback as (e: Error) => void)(error);
      // net.connect asks for every address (to try each family) or for one.
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** The connections to identity providers: each resolves its host through lookupRefusingPrivate. */
export const publicNetwork = new Agent({ connect: { lookup: lookupRefusingPrivate() } });

/**
 * A fetch for requests to an identity provider that refuses hosts resolving to a private address
 * (every request: discovery, keys, token — a discovery document may point anywhere): a name is
 * checked before the request, and, with the default inner fetch, again by the connection itself.
 * The Agent goes with undici's own fetch (the package's): Node's built-in fetch bundles an undici of
 * its own, whose major need not match the package's Agent.
 */
export const fetchThrough =
  (dispatcher: Agent): client.CustomFetch =>
  (url, options) =>
    undiciFetch(url, { ...(options as object), dispatcher } as Parameters<
      typeof undiciFetch
    >[1]) as unknown as Promise<Response>;

export function publicNetworkFetch(inner: client.CustomFetch = fetchThrough(publicNetwork)): client.CustomFetch {
  return async (url, options) => {
    const host = hostOf(new URL(url));
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
    if (!addresses.length || addresses.some(isPrivateAddress))
      throw new Error(`${host} resolves to a private or local address; the portal does not send requests there`);
    return inner(url, options);
  };
}

/** https:// always; http:// only to a loopback address (the demo IdP) and only when allowed. */
export function issuerProblem(issuer: string, allowHttp: boolean, allowPrivateNetwork = allowHttp): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'Enter the issuer as a full URL, e.g. https://idp.example.com.';
  }
  if (url.search || url.hash) return 'The issuer URL has no query or fragment.';
  if (url.username || url.password) return 'The issuer URL must not contain a user name or password.';
  if (url.protocol === 'https:') {
    const local = isPrivateAddress(hostOf(url)) || hostOf(url) === 'localhost';
    return local && !allowPrivateNetwork
      ? 'The issuer must be on the public internet: private, local and link-local addresses are refused.'
      : null;
  }
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) {
    return allowHttp ? null : 'Plain http:// issuers are accepted only outside production.';
  }
  return 'The issuer must use https:// (http:// is accepted only for a local test provider on 127.0.0.1 or localhost).';
}

/** How long a provider's discovery (and the signing keys its configuration caches) is reused. */
export const DISCOVERY_TTL_MS = 10 * 60_000;
const discovered = new Map<string, { until: number; config: Promise<client.Configuration> }>();

/**
 * The issuer's discovery document and a client configuration that checks ID token signatures — reused
 * for 10 minutes per provider settings (a sign-in otherwise fetches the document twice and the keys
 * once). Settings that change (issuer, client, secret) are another entry; a failed discovery is not kept.
 */
export function discoverIdp(settings: OidcClientSettings, options: OidcOptions): Promise<client.Configuration> {
  if (options.fetch) return discoverNow(settings, options); // a test's own network: nothing to reuse
  const key = JSON.stringify([
    settings.issuer,
    settings.clientId,
    createHash('sha256').update(settings.clientSecret).digest('hex'),
    options.allowHttp,
    options.allowPrivateNetwork ?? false,
    options.timeoutSec ?? 10,
  ]);
  const now = Date.now();
  const hit = discovered.get(key);
  if (hit && hit.until > now) return hit.config;
  for (const [k, v] of discovered) if (v.until <= now) discovered.delete(k);
  const config = discoverNow(settings, options);
  discovered.set(key, { until: now + DISCOVERY_TTL_MS, config });
  config.catch(() => discovered.delete(key));
  return config;
}

async function discoverNow(settings: OidcClientSettings, options: OidcOptions): Promise<client.Configuration> {
  const problem = issuerProblem(settings.issuer, options.allowHttp, options.allowPrivateNetwork ?? false);
  if (problem) throw new SsoFailure('idp-unreachable', `issuer not allowed: ${problem}`);
  const http = new URL(settings.issuer).protocol === 'http:';
  try {
    const config = await client.discovery(
      new URL(settings.issuer),
      settings.clientId,
      { client_secret: settings.clientSecret },
      client.ClientSecretBasic(settings.clientSecret),
      {
        execute: [client.enableNonRepudiationChecks, ...(http ? [client.allowInsecureRequests] : [])],
        timeout: options.timeoutSec ?? 10,
        [client.customFetch]: fetchFor(options),
      },
    );
    tune(config, options);
    return config;
  } catch (err) {
    throw new SsoFailure('idp-unreachable', `discovery failed: ${chainText(err)}`);
  }
}

/** A configuration from metadata known up front (tests; no discovery request). */
export function configurationFor(
  metadata: client.ServerMetadata,
  settings: OidcClientSettings,
  options: OidcOptions,
): client.Configuration {
  const config = new client.Configuration(
    metadata,
    settings.clientId,
    { client_secret: settings.clientSecret },
    client.ClientSecretBasic(settings.clientSecret),
  );
  client.enableNonRepudiationChecks(config);
  if (new URL(metadata.issuer).protocol === 'http:') client.allowInsecureRequests(config);
  tune(config, options);
  return config;
}

function fetchFor(options: OidcOptions): client.CustomFetch | undefined {
  return options.allowPrivateNetwork ? options.fetch : publicNetworkFetch(options.fetch);
}

function tune(config: client.Configuration, options: OidcOptions) {
  const custom = fetchFor(options);
  if (custom) config[client.customFetch] = custom;
  config.timeout = options.timeoutSec ?? 10;
}

export type AuthorizationStart = { url: URL; state: string; nonce: string; codeVerifier: string };

/** The authorization URL with fresh state, nonce and PKCE (S256) values to remember until the callback. */
export async function beginAuthorization(
  config: client.Configuration,
  redirectUri: string,
  scope = 'openid profile email',
): Promise<AuthorizationStart> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { url, state, nonce, codeVerifier };
}

export type IdTokenClaims = client.IDToken;

/**
 * Exchanges the code from `callbackUrl` (the registered redirect URI plus the IdP's query) and
 * validates the ID token. Returns its claims, or throws an SsoFailure naming what was wrong.
 */
export async function completeAuthorization(
  config: client.Configuration,
  callbackUrl: URL,
  checks: { state: string; nonce: string; codeVerifier: string },
): Promise<IdTokenClaims> {
  let claims: IdTokenClaims | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (err) {
    throw new SsoFailure(failureCodeOf(err), chainText(err));
  }
  if (!claims || typeof claims.sub !== 'string' || !claims.sub)
    throw new SsoFailure('token-invalid', 'no subject in the ID token');
  return claims;
}

type ErrorLink = { name?: string; message?: string; code?: string; claim?: string; error?: string };

/** The error and its causes, outermost first (openid-client wraps oauth4webapi's errors). */
function chain(err: unknown): ErrorLink[] {
  const links: ErrorLink[] = [];
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const e = current as Record<string, unknown>;
    links.push({
      name: typeof e.name === 'string' ? e.name : undefined,
      message: typeof e.message === 'string' ? e.message : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
      claim: typeof e.claim === 'string' ? e.claim : undefined,
      error: typeof e.error === 'string' ? e.error : undefined,
    });
    current = e.cause;
  }
  return links;
}

export function chainText(err: unknown): string {
  return chain(err)
    .map((l) => [l.code, l.message ?? l.error, l.claim && `claim ${l.claim}`].filter(Boolean).join(' '))
    .filter(Boolean)
    .join(' <- ')
    .slice(0, 500);
}

/** Which message an openid-client / oauth4webapi error deserves. */
export function failureCodeOf(err: unknown): SsoFailureCode {
  if (err instanceof SsoFailure) return err.code;
  if (err instanceof client.AuthorizationResponseError) return 'idp-denied';
  if (err instanceof client.WWWAuthenticateChallengeError) {
    // e.g. 401 with WWW-Authenticate: Basic error="invalid_client" from the token endpoint
    const errors = err.cause.map((c) => c.parameters.error);
    if (errors.includes('invalid_grant')) return 'code-rejected';
    return 'idp-rejected-client';
  }
  if (err instanceof client.ResponseBodyError) {
    if (err.error === 'invalid_client' || err.error === 'unauthorized_client') return 'idp-rejected-client';
    if (err.error === 'invalid_grant') return 'code-rejected';
    return 'idp-rejected-client';
  }
  const links = chain(err);
  const codes = new Set(links.map((l) => l.code).filter(Boolean));
  const text = links.map((l) => l.message ?? '').join(' | ');
  const claim = links.find((l) => l.claim)?.claim;
  if (/"state"/.test(text)) return 'state-mismatch';
  const missing = /JWT "(\w+)" \([^)]*\) claim missing/.exec(text)?.[1];
  if (missing === 'nonce') return 'token-nonce';
  if (missing === 'aud') return 'token-audience';
  if (missing === 'iss') return 'token-issuer';
  if (codes.has('OAUTH_JWT_CLAIM_COMPARISON_FAILED')) {
    if (claim === 'nonce') return 'token-nonce';
    if (claim === 'aud' || claim === 'azp') return 'token-audience';
    if (claim === 'iss') return 'token-issuer';
    return 'token-invalid';
  }
  if (codes.has('OAUTH_JWT_TIMESTAMP_CHECK_FAILED'))
    return claim === 'exp' || /expir/.test(text) ? 'token-expired' : 'token-invalid';
  if (codes.has('OAUTH_KEY_SELECTION_FAILED') || /signature|"alg"/.test(text)) return 'token-signature';
  if (/"iss" \(issuer\)|issuer/i.test(text) && codes.has('OAUTH_INVALID_RESPONSE')) return 'token-issuer';
  if (codes.has('OAUTH_INVALID_RESPONSE') || codes.has('OAUTH_PARSE_ERROR')) return 'token-invalid';
  if (
    links.some(
      (l) =>
        l.name === 'TypeError' ||
        l.name === 'AbortError' ||
        l.name === 'TimeoutError' ||
        /fetch failed|ECONNREFUSED/.test(l.message ?? ''),
    )
  ) {
    return 'idp-unreachable';
  }
  if (codes.has('OAUTH_RESPONSE_IS_NOT_CONFORM') || codes.has('OAUTH_RESPONSE_IS_NOT_JSON')) return 'idp-unreachable';
  return 'failed';
}
