// What a person is told when single sign-on does not work. Shared by server and browser: the
// sign-in page gets only the code (?sso_error=…) and shows the text from this table, so nothing a
// visitor or an identity provider sends is ever echoed back.

export const SSO_FAILURES = {
  'account-required': 'Enter the UID or alias of the Alibaba Cloud account you want to sign in to.',
  'unknown-account': 'No account has this UID or alias. Check it with your account administrator.',
  'no-idp':
    'This account has not set up single sign-on. Sign in with your logon name and password, or ask your account administrator.',
  'idp-disabled': 'Single sign-on is turned off for this account. Ask your account administrator.',
  'flow-missing': 'Your single sign-on attempt expired or was started in another browser. Start again.',
  'state-mismatch':
    "The identity provider's answer does not belong to the sign-in you started (state mismatch). Start again.",
  'idp-denied': 'Sign-in was cancelled or refused at your identity provider.',
  'idp-unreachable':
    'Your identity provider could not be reached. Try again later, or ask your account administrator to check the single sign-on settings.',
  'idp-rejected-client':
    "Your identity provider refused this portal's request (client ID, client secret or redirect URI). Ask your account administrator to check the single sign-on settings.",
  'code-rejected':
    'Your identity provider did not accept the sign-in code (it may have expired or been used already). Start again.',
  'token-signature':
    "The identity token's signature could not be verified with your identity provider's published keys. Sign-in refused.",
  'token-issuer':
    'The identity token was issued by another identity provider than the one this account trusts. Sign-in refused.',
  'token-audience': 'The identity token was issued for another application (audience mismatch). Sign-in refused.',
  'token-expired':
    'The identity token has expired. Start again; if this keeps happening, the clocks of your identity provider and this portal disagree.',
  'token-nonce': 'The identity token does not belong to this sign-in attempt (nonce mismatch). Sign-in refused.',
  'token-invalid': 'Your identity provider sent an identity token this portal cannot accept. Sign-in refused.',
  'user-claim-missing':
    'Your identity provider did not say which RAM user you are: the user claim this account uses is missing from the identity token. Ask your account administrator.',
  'user-unmapped':
    'Your identity provider signed you in, but this account has no RAM user with the name it sent. Ask your account administrator.',
  'role-claim-missing':
    'Your identity provider did not say which RAM role to use: the role claim this account uses is missing from the identity token. Ask your account administrator.',
  'role-unmapped':
    'Your identity provider signed you in, but this account has no RAM role with the name it sent (or it sent several). Ask your account administrator.',
  'too-many-lookups':
    'Too many single sign-on look-ups came from your network. Wait 15 minutes and try again, or sign in with your logon name and password.',
  failed: 'Single sign-on did not complete. Start again.',
} as const;

export type SsoFailureCode = keyof typeof SSO_FAILURES;

export function isSsoFailureCode(value: unknown): value is SsoFailureCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SSO_FAILURES, value);
}

export const ROLE_MESSAGES = {
  notAssumable:
    'You are not allowed to switch to this role. Ask the account owner to add you to the users who may assume it.',
  unknownRole: 'This role does not exist in your account.',
  parentGone: 'Your RAM user session has ended. Sign in again.',
} as const;
