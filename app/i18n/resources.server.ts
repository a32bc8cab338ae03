// Every translation file, bundled into the server (read once, no file system at run time). A new
// namespace or language is one import and one entry here; tests/unit/translations.test.ts checks that
// this list and app/locales/ agree.
import enCommon from '~/locales/en/common.json';
import enAccount from '~/locales/en/account.json';
import enLogonEmail from '~/locales/en/logon-email.json';
import enHelp from '~/locales/en/help.json';
import enMail from '~/locales/en/mail.json';
import zhCommon from '~/locales/zh-CN/common.json';
import zhAccount from '~/locales/zh-CN/account.json';
import zhLogonEmail from '~/locales/zh-CN/logon-email.json';
import zhHelp from '~/locales/zh-CN/help.json';
import zhMail from '~/locales/zh-CN/mail.json';
import type { Language } from './config';

/** Namespaces pages may load in the browser (`mail` is the server's only: emails and SMS). */
export const PAGE_NAMESPACES = ['common', 'account', 'logon-email', 'help'] as const;
export type Namespace = (typeof PAGE_NAMESPACES)[number] | 'mail';

type Bundle = { [key: string]: string | Bundle };

export const resources: Record<Language, Record<Namespace, Bundle>> = {
  en: { common: enCommon, account: enAccount, 'logon-email': enLogonEmail, help: enHelp, mail: enMail },
  'zh-CN': { common: zhCommon, account: zhAccount, 'logon-email': zhLogonEmail, help: zhHelp, mail: zhMail },
};
