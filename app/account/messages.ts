// Words shown to customers by both the server and the browser (so not in a .server module).
import type { VerificationChannel } from '~/generated/prisma/enums';

export const CHANGE_MESSAGES = {
  sameEmail: 'The new logon email is the same as the current one. Enter a different address.',
  inUse: 'This email address is already in use by another account.',
  windowExpired: 'Your identity verification has expired (it lasts 15 minutes). Verify your identity again.',
  noChannel: 'This verification method is not available for your account.',
} as const;

export const RESET_MESSAGES = {
  sent: (channel: VerificationChannel) =>
    channel === 'SMS'
      ? 'If an account uses this logon email and has a secure phone, we sent a verification code to that phone.'
      : 'If an account uses this logon email, we sent a verification code to it.',
  tooMany: (minutes: number) => `Too many codes were requested. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  badCode: 'The verification code is not valid. Check it, or request a new code.',
  done: 'Your password was reset and every session of the account was signed out. Sign in with the new password.',
};
