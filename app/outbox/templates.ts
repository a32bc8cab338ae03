// The words of every message the portal sends. Plain text: it reads the same in every mail client.
import type { VerificationPurpose } from '~/generated/prisma/enums';
import { formatDateTime } from '~/i18n/config';
import { fixedT } from '~/i18n/translate.server';

const SIGNATURE =
  '\n\n— Account Recovery Desk\nThis is an automated message. Support will never ask you for a verification code.';

/** An instant in a message: English keeps its RFC 7231 form; other languages write theirs (Intl, UTC). */
function instant(when: Date, language: string | null | undefined): string {
  if (!language || language === 'en') return when.toUTCString();
  return formatDateTime(when, language, { dateStyle: 'long', timeStyle: 'long' });
}

/** `language`: the account's (chosen when the outbox row is written); none is English. */
export function codeMessage(purpose: VerificationPurpose, code: string, ttlMinutes: number, language?: string | null) {
  const t = fixedT(language, 'mail');
  const values = { code, minutes: ttlMinutes, purpose: t(`purpose.${purpose}`) };
  return {
    subject: t('code.subject', values),
    text: `${t('code.text', values)}\n\n${t('signature')}`,
    sms: t('code.sms', values),
  };
}

export function logonEmailChangedNew(input: { uid: string; when: Date; language?: string | null }) {
  const t = fixedT(input.language, 'mail');
  const values = { uid: input.uid, when: instant(input.when, input.language) };
  return { subject: t('changedNew.subject'), text: `${t('changedNew.text', values)}\n\n${t('signature')}` };
}

export function logonEmailChangedOld(input: {
  uid: string;
  when: Date;
  ip: string;
  newEmailMasked: string;
  notMeUrl: string;
  validDays: number;
  language?: string | null;
}) {
  const t = fixedT(input.language, 'mail');
  const values = { ...input, when: instant(input.when, input.language) };
  return { subject: t('changedOld.subject'), text: `${t('changedOld.text', values)}\n\n${t('signature')}` };
}

export function passwordChanged(input: { uid: string; when: Date; ip: string }) {
  return {
    subject: 'Security notice: your password was reset',
    text:
      `The password of the Alibaba Cloud account with UID ${input.uid} was reset on ${input.when.toUTCString()} from IP address ${input.ip}.\n` +
      'Every session of the account was signed out.\n\nIf this was not you, reset the password again at once and file an appeal if you cannot.' +
      SIGNATURE,
  };
}

export function appealReceived(input: { caseNumber: string; trackUrl: string; dueAt: Date; merged: boolean }) {
  return {
    subject: input.merged
      ? `We added your new submission to appeal ${input.caseNumber}`
      : `We received your appeal ${input.caseNumber}`,
    text:
      (input.merged
        ? `You already had an open appeal for this account and email, so we added your new submission to case ${input.caseNumber} instead of opening a second one. The link below replaces any earlier tracking link.\n\n`
        : `We received your appeal. Your case number is ${input.caseNumber}.\n\n`) +
      `Follow your case, answer our questions and add documents here (keep this link private — anyone with it can see your case):\n${input.trackUrl}\n\n` +
      `We expect to decide by ${input.dueAt.toUTCString()} (3 working days; the clock stops while we wait for information from you).` +
      SIGNATURE,
  };
}

export function appealNeedsInformation(input: { caseNumber: string; trackUrl: string; message: string }) {
  return {
    subject: `We need more information for appeal ${input.caseNumber}`,
    text:
      `Our support team needs more information to decide your appeal ${input.caseNumber}:\n\n${input.message}\n\nAnswer and add documents here:\n${input.trackUrl}\n\nIf we do not hear from you within 14 days, the case will be closed.` +
      SIGNATURE,
  };
}

export function appealDecided(input: {
  caseNumber: string;
  approved: boolean;
  message: string;
  newEmail?: string;
  trackUrl?: string;
}) {
  return {
    subject: input.approved ? `Appeal ${input.caseNumber} approved` : `Appeal ${input.caseNumber}: decision`,
    text:
      (input.approved
        ? `Your appeal ${input.caseNumber} was approved. You can now sign in with ${input.newEmail}.\n`
        : `Your appeal ${input.caseNumber} was not approved.\n`) +
      (input.message ? `\n${input.message}\n` : '') +
      (input.trackUrl ? `\nDetails: ${input.trackUrl}\n` : '') +
      SIGNATURE,
  };
}

export function appealWithdrawn(input: { caseNumber: string }) {
  return {
    subject: `Appeal ${input.caseNumber} withdrawn`,
    text:
      `You withdrew your appeal ${input.caseNumber}. Nothing on the account was changed. You may file a new appeal at any time.` +
      SIGNATURE,
  };
}

export function staffInvitation(input: {
  name: string;
  invitedBy: string;
  roles: string[];
  url: string;
  expiresAt: Date;
}) {
  return {
    subject: 'Your Account Recovery Desk back-office access',
    text:
      `Hello ${input.name},\n\n${input.invitedBy} gave you access to the Account Recovery Desk back office (${input.roles.join(', ')}).\n\n` +
      `Set your password here (the link works once and expires ${input.expiresAt.toUTCString()}):\n${input.url}\n\n` +
      'Then sign in at the staff sign-in page: on your first sign-in you set up an authenticator app (TOTP) by scanning a QR code.\n' +
      'If you did not expect this message, ignore it and tell your administrator.' +
      SIGNATURE,
  };
}

/** When a handover can happen, in words: "at once" or after the hold. */
const holdWords = (holdHours: number) =>
  holdHours > 0 ? `no sooner than ${holdHours} hours after an approval` : 'as soon as it is approved';

/** To the account's current logon email (and secure phone) when an appeal names the account. */
export function ownerWarnedOfAppeal(input: {
  uid: string;
  caseNumber: string;
  filedAt: Date;
  holdHours: number;
  stopUrl: string;
}) {
  return {
    subject: `Security notice: an appeal to change the logon email of your account was filed (${input.caseNumber})`,
    text:
      `Someone filed an appeal to change the logon email of the Alibaba Cloud account with UID ${input.uid} (${input.filedAt.toUTCString()}). ` +
      `The case number is ${input.caseNumber}.\n\n` +
      `Our support team reviews every appeal by hand. If it is approved, the change takes effect ${holdWords(input.holdHours)}, and we will tell you again before it does.\n\n` +
      `If you still have access to your account and did not ask for this, stop it here (the link works once):\n${input.stopUrl}\n\n` +
      'If you did file this appeal, there is nothing to do.' +
      SIGNATURE,
    sms: `[Account Recovery Desk] An appeal (${input.caseNumber}) was filed to change the logon email of your account. Not you? Stop it: ${input.stopUrl}`,
  };
}

/** To the current owner when an appeal was approved and waits for its hold to end. */
export function ownerWarnedOfApproval(input: { uid: string; caseNumber: string; handoverAt: Date; stopUrl: string }) {
  return {
    subject: `Security notice: the logon email of your account changes on ${input.handoverAt.toUTCString()} (${input.caseNumber})`,
    text:
      `Appeal ${input.caseNumber} to change the logon email of the Alibaba Cloud account with UID ${input.uid} was approved by our support team. ` +
      `The change takes effect on ${input.handoverAt.toUTCString()}: then this address no longer signs in, the password is removed and every session is signed out.\n\n` +
      `If you still have access to your account and did not ask for this, stop it before then (the link works once):\n${input.stopUrl}` +
      SIGNATURE,
    sms: `[Account Recovery Desk] Appeal ${input.caseNumber} will change the logon email of your account on ${input.handoverAt.toUTCString()}. Not you? Stop it: ${input.stopUrl}`,
  };
}

/** To the appellant: the account owner used the stop link. Nobody is named. */
export function appealStoppedByOwner(input: { caseNumber: string }) {
  return {
    subject: `Appeal ${input.caseNumber} stopped`,
    text:
      `The account owner stopped this request: appeal ${input.caseNumber} is closed and nothing on the account was changed.` +
      SIGNATURE,
  };
}

/** To the appellant when an approval waits for its hold before the handover. */
export function appealApprovedOnHold(input: { caseNumber: string; handoverAt: Date; trackUrl: string }) {
  return {
    subject: `Appeal ${input.caseNumber} approved`,
    text:
      `Your appeal ${input.caseNumber} was approved. For your account's safety the change takes effect on ${input.handoverAt.toUTCString()}, ` +
      `after a waiting period in which the current owner is told. We will email you then with a link to set your password.\n\nDetails: ${input.trackUrl}` +
      SIGNATURE,
  };
}

/** To the new logon email at the handover: the account is theirs, with the single-use link to set a password. */
export function handoverDone(input: {
  caseNumber: string;
  uid: string;
  newEmail: string;
  setPasswordUrl: string;
  expiresAt: Date;
}) {
  return {
    subject: `Appeal ${input.caseNumber}: your account is ready — set your password`,
    text:
      `Appeal ${input.caseNumber} is complete: ${input.newEmail} is now the logon email of the Alibaba Cloud account with UID ${input.uid}. ` +
      'Every session of the account was signed out and its old password no longer works.\n\n' +
      `Set a new password here (the link works once and expires ${input.expiresAt.toUTCString()}):\n${input.setPasswordUrl}\n\n` +
      'After that, sign in with this address and your new password. If the link expires, use “Forgot password” on the sign-in page.' +
      SIGNATURE,
  };
}

/** To the address that was the logon email before an appeal's handover. */
export function logonEmailChangedByAppeal(input: {
  uid: string;
  caseNumber: string;
  when: Date;
  newEmailMasked: string;
  notMeUrl: string | null;
  validDays: number;
}) {
  return {
    subject: 'Security notice: the logon email of your account was changed',
    text:
      `After appeal ${input.caseNumber} was reviewed and approved by our support team, the logon email of the Alibaba Cloud account with UID ${input.uid} ` +
      `was changed from this address to ${input.newEmailMasked} (${input.when.toUTCString()}). The password was removed and every session signed out.\n` +
      'This address can no longer be used to sign in.\n\n' +
      (input.notMeUrl
        ? `This wasn't me: if you did not ask for this, open the link below (valid for ${input.validDays} days) to file an appeal and get your account back:\n${input.notMeUrl}`
        : 'If you did not ask for this, file an appeal at once.') +
      SIGNATURE,
  };
}
