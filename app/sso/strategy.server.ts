// A remix-auth strategy for OpenID Connect (authorization code flow, PKCE S256, state, nonce) on
// top of openid-client, for identity providers chosen per request (one per account).
//
//  - On any path but the callback it starts: discovers the IdP, remembers state, nonce and the
//    PKCE verifier in the flow store (an encrypted cookie) and throws the redirect to the IdP.
//  - On the callback it takes the flow back, exchanges the code and validates the ID token
//    (./oidc.server), then hands the claims to the verify function.
// Failures are thrown as SsoFailure; the redirect is thrown as a Response, as remix-auth does.
import { redirect } from '@remix-run/node';
import { Strategy } from 'remix-auth/strategy';
import {
  beginAuthorization,
  completeAuthorization,
  discoverIdp,
  SsoFailure,
  type IdTokenClaims,
  type OidcClientSettings,
  type OidcOptions,
} from './oidc.server';

export type OidcFlow = {
  v: 1;
  providerId: string;
  accountUid: string;
  /** The UID or alias the visitor typed (to offer "start again" for it). */
  accountRef: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  redirectTo: string;
  startedAt: number;
};

export type OidcProviderHandle = { id: string; accountUid: string; settings: OidcClientSettings };

export type OidcFlowStore = {
  read(request: Request): Promise<OidcFlow | null>;
  /** Returns the Set-Cookie header that stores the flow. */
  write(flow: OidcFlow): Promise<string>;
};

export type OidcStrategyOptions = {
  callbackPath: string;
  redirectUri(request: Request): string;
  /** The IdP a start request asks for, or an SsoFailure (unknown account, none, disabled). */
  providerForStart(request: Request): Promise<OidcProviderHandle & { accountRef: string; redirectTo: string }>;
  /** The IdP the flow was started with — it may have been edited or disabled since. */
  providerForCallback(flow: OidcFlow): Promise<OidcProviderHandle>;
  flowStore: OidcFlowStore;
  oidc: OidcOptions;
};

export type OidcVerifyParams = { claims: IdTokenClaims; flow: OidcFlow; request: Request };

export class OidcStrategy<User> extends Strategy<User, OidcVerifyParams> {
  name = 'oidc';

  constructor(
    private readonly options: OidcStrategyOptions,
    verify: Strategy.VerifyFunction<User, OidcVerifyParams>,
  ) {
    super(verify);
  }

  async authenticate(request: Request): Promise<User> {
    const url = new URL(request.url);
    if (url.pathname !== this.options.callbackPath) return this.start(request);
    return this.callback(request, url);
  }

  private async start(request: Request): Promise<never> {
    const provider = await this.options.providerForStart(request);
    const context = { accountUid: provider.accountUid, accountRef: provider.accountRef, providerId: provider.id };
    try {
      const config = await discoverIdp(provider.settings, this.options.oidc);
      const redirectUri = this.options.redirectUri(request);
      const begun = await beginAuthorization(config, redirectUri);
      const flow: OidcFlow = {
        v: 1,
        providerId: provider.id,
        accountUid: provider.accountUid,
        accountRef: provider.accountRef,
        state: begun.state,
        nonce: begun.nonce,
        codeVerifier: begun.codeVerifier,
        redirectUri,
        redirectTo: provider.redirectTo,
        startedAt: Date.now(),
      };
      throw redirect(begun.url.href, { headers: { 'Set-Cookie': await this.options.flowStore.write(flow) } });
    } catch (err) {
      if (err instanceof SsoFailure) throw new SsoFailure(err.code, err.detail, { ...context, ...err.context });
      throw err;
    }
  }

  private async callback(request: Request, url: URL): Promise<User> {
    const flow = await this.options.flowStore.read(request);
    if (!flow) throw new SsoFailure('flow-missing', 'no (valid) flow cookie at the callback');
    const context = { accountUid: flow.accountUid, accountRef: flow.accountRef, providerId: flow.providerId };
    try {
      const provider = await this.options.providerForCallback(flow);
      const config = await discoverIdp(provider.settings, this.options.oidc);
      // The URL the IdP redirected to, as registered — not as a proxy may have rewritten it.
      const callbackUrl = new URL(flow.redirectUri);
      for (const [key, value] of url.searchParams) callbackUrl.searchParams.append(key, value);
      const claims = await completeAuthorization(config, callbackUrl, flow);
      return await this.verify({ claims, flow, request });
    } catch (err) {
      if (err instanceof SsoFailure) throw new SsoFailure(err.code, err.detail, { ...context, ...err.context });
      throw err;
    }
  }
}
