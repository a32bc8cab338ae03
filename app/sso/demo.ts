// The demo identity provider (`npm run idp`) and the IdP row the seed registers for Alice's account
// share these values. Not secrets of any real system: the client secret is for the loopback demo only.
export const DEMO_IDP_DEFAULT_ISSUER = 'http://127.0.0.1:4000';
export const DEMO_IDP_CLIENT_ID = 'recovery-desk';
export const DEMO_IDP_CLIENT_SECRET = 'recovery-desk-demo-client-secret';
/** The IdP user of the demo; its `ram_user` claim names Alice's RAM user `dev`, its `role` claim the role OpsAdmin. */
export const DEMO_IDP_USER = 'sso-dev';
export const DEMO_IDP_USER_CLAIM = 'ram_user';
export const DEMO_IDP_ROLE_CLAIM = 'role';
/** The demo password of every demo identity (the same as the seed's DEMO_PASSWORD). */
export const DEMO_IDP_PASSWORD = 'demo-Passw0rd!';
