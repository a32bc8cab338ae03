// The words the domain and the form schemas answer with are English (pages not yet translated show
// them as they are); a translated page passes them through here. Client-safe: forms use it too.
import type { TFunction } from 'i18next';
import { CHANGE_MESSAGES } from '~/account/messages';
import { CODE_RULES } from '~/verification/rules';

/** English message → its key (the schemas' and the domain's fixed messages). */
const KNOWN_MESSAGES: Record<string, string> = {
  'Enter an email address.': 'common:form.emailRequired',
  'An email address has at most 254 characters.': 'common:form.emailTooLong',
  'Enter a valid email address, like name@example.com.': 'common:form.emailInvalid',
  'Enter the 6-digit code.': 'common:form.codeRequired',
  'Enter the 6-digit code from the message.': 'common:form.codeFormat',
  'Choose how to receive the code.': 'common:form.channelRequired',
  'Unknown request.': 'common:form.unknownRequest',
  [CHANGE_MESSAGES.sameEmail]: 'logon-email:problem.sameEmail',
  [CHANGE_MESSAGES.inUse]: 'logon-email:problem.inUse',
  [CHANGE_MESSAGES.windowExpired]: 'logon-email:problem.windowExpired',
  [CHANGE_MESSAGES.noChannel]: 'logon-email:problem.noChannel',
};

/** A fixed English message in the page's language (unknown ones, e.g. a CASL reason, as they are). */
export function translateMessage(t: TFunction, message: string | null | undefined): string | undefined {
  if (!message) return undefined;
  const key = KNOWN_MESSAGES[message];
  return key ? t(key) : message;
}

type IssueFailure =
  | { reason: 'cooldown'; retryAfterSec: number }
  | { reason: 'limit'; window: 'hour' | 'day'; scope: 'destination' | 'account' | 'address'; retryAfterSec: number };

/** Why no code was sent (codes.server.ts issueErrorMessage, in the page's language). */
export function issueErrorText(t: TFunction, result: IssueFailure): string {
  if (result.reason === 'cooldown') return t('common:verify.cooldown', { seconds: result.retryAfterSec });
  const wait =
    result.retryAfterSec >= 3600
      ? t('common:verify.hours', { count: Math.ceil(result.retryAfterSec / 3600) })
      : t('common:verify.minutes', { count: Math.ceil(result.retryAfterSec / 60) });
  if (result.scope === 'address') return t('common:verify.tooManyFromNetwork', { wait });
  const values = { wait, perHour: CODE_RULES.perHour, perDay: CODE_RULES.perDay };
  if (result.scope === 'account')
    return result.window === 'hour'
      ? t('common:verify.tooManyAccountHour', values)
      : t('common:verify.tooManyAccountDay', values);
  return result.window === 'hour'
    ? t('common:verify.tooManyDestinationHour', values)
    : t('common:verify.tooManyDestinationDay', values);
}

type CheckFailure = { reason: 'no-code' | 'expired' | 'used' | 'locked' } | { reason: 'wrong'; attemptsLeft: number };

/** Why a code was not accepted (codes.server.ts checkErrorMessage, in the page's language). */
export function checkErrorText(t: TFunction, result: CheckFailure): string {
  switch (result.reason) {
    case 'wrong':
      return t('common:verify.wrong', { count: result.attemptsLeft });
    case 'locked':
      return t('common:verify.locked');
    case 'expired':
      return t('common:verify.expired');
    case 'used':
      return t('common:verify.used');
    case 'no-code':
      return t('common:verify.noCode');
  }
}
