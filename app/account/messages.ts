// Words shown to customers by both the server and the browser (so not in a .server module).
import type { VerificationChannel } from '~/generated/prisma/enums';
import { CODE_RULES } from '~/verification/rules';

export const CHANGE_MESSAGES = {
  sameEmail: 'The new logon email is the same as the current one. Enter a different address.',
  inUse: 'This email address is already in use by another account.',
  windowExpired: 'Your identity verification has expired (it lasts 15 minutes). Verify your identity again.',
  noChannel: 'This verification method is not available for your account.',
  tooManyLookups: (minutes: number) =>
    `Too many different addresses were tried for this account in the last hour. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
} as const;

export const RESET_MESSAGES = {
  // The same words whether or not a code went out (no enumeration) — so they also say when none may come.
  sent: (channel: VerificationChannel) =>
    (channel === 'SMS'
      ? 'If an account uses this logon email and has a secure phone, we sent a verification code to that phone.'
      : 'If an account uses this logon email, we sent a verification code to it.') +
    ` No code comes when ${CODE_RULES.perHour} were already requested for it without signing in (password reset, appeal) in the last hour (or ${CODE_RULES.perDay} today): then wait, or file an appeal.`,
  tooMany: (minutes: number) =>
    `Too many codes were requested. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  badCode: 'The verification code is not valid. Check it, or request a new code.',
  done: 'Your password was reset and every session of the account was signed out. Sign in with the new password.',
};
