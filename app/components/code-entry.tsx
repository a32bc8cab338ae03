import { useEffect, useState } from 'react';
import { Link } from '@remix-run/react';
import { CODE_RULES } from '~/verification/rules';
import { Trans, useTranslation } from 'react-i18next';
import { useHydrated } from './hydrated';

/** Seconds until `at` (ISO), ticking in the browser; the server enforces the same limit. */
export function useSecondsUntil(at: string | null | undefined): number {
  const compute = () => (at ? Math.max(0, Math.ceil((new Date(at).getTime() - Date.now()) / 1000)) : 0);
  const [left, setLeft] = useState(compute);
  useEffect(() => {
    setLeft(compute());
    if (!at) return;
    const timer = setInterval(() => {
      const next = compute();
      setLeft(next);
      if (next <= 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [at]);
  return left;
}

/** "14:31:05 UTC" — a time the server can write without knowing the reader's time zone. */
const utcTime = (iso: string) => `${iso.slice(11, 19)} UTC`;

/**
 * "Get verification code" / "Resend code", disabled while the cooldown runs. With JavaScript it counts
 * down; without, nothing would count: the page says after when a new code can be asked for, and the
 * button is enabled when the page is loaded again after that (the server enforces the same limit).
 */
export function ResendButton({
  resendAt,
  name = 'intent',
  value = 'send-code',
  label,
}: {
  resendAt: string | null;
  name?: string;
  value?: string;
  label?: string;
}) {
  const { t } = useTranslation();
  label ??= t('code.resendCode');
  const left = useSecondsUntil(resendAt);
  const hydrated = useHydrated();
  // The countdown is shown, not spoken (a live button was read out every second); the end of it is
  // said once, by a live region that is empty until then.
  const [counted, setCounted] = useState(false);
  useEffect(() => {
    if (left > 0) setCounted(true);
  }, [left]);
  const waiting = left > 0 && resendAt;
  return (
    <>
      <button
        type="submit"
        name={name}
        value={value}
        className="secondary"
        disabled={left > 0}
        aria-describedby={waiting && !hydrated ? `${value}-wait` : undefined}
      >
        {left > 0 && hydrated ? t('code.countdown', { label, seconds: left }) : label}
      </button>
      {waiting && !hydrated ? (
        <span className="small muted" id={`${value}-wait`} data-testid="resend-after">
          <Trans
            t={t}
            i18nKey="code.waitUntil"
            values={{ time: utcTime(resendAt) }}
            components={{ time: <time dateTime={resendAt} /> }}
          />
        </span>
      ) : null}
      <span className="visually-hidden" aria-live="polite" data-testid="resend-ready">
        {counted && left === 0 ? t('code.ready', { label }) : ''}
      </span>
    </>
  );
}

/**
 * "Didn't receive the code?" as a panel. `change` (the default): the help page's FAQ for the change of
 * the logon email, whose identity code goes to the secure phone or the original logon email. `new-address`:
 * the code went to the new address the person just typed (the appeal's email step), so the advice is about
 * that address — the original email and phone play no part there, and an appeal is what they are filing.
 */
export function CodeHelp({
  children,
  variant = 'change',
}: {
  children?: React.ReactNode;
  variant?: 'change' | 'new-address';
}) {
  const { t } = useTranslation();
  const summary = (
    <summary>
      <strong>{t('code.notReceived')}</strong>
    </summary>
  );
  if (variant === 'new-address') {
    return (
      <details className="card small" data-testid="code-help">
        {summary}
        <ol>
          <li>{t('code.newAddress1')}</li>
          <li>{t('code.newAddress2')}</li>
          <li>
            {t('code.newAddress3', {
              seconds: CODE_RULES.resendAfterMs / 1000,
              perHour: CODE_RULES.perHour,
              perDay: CODE_RULES.perDay,
            })}
          </li>
          <li>{t('code.newAddress4')}</li>
        </ol>
      </details>
    );
  }
  return (
    <details className="card small" data-testid="code-help">
      {summary}
      <ol>
        <li>
          <Trans
            t={t}
            i18nKey="code.change1"
            components={{
              extra: <>{children}</>,
              appeal: <Link to="/appeals/new" />,
              faq: <Link to="/help/change-logon-email#no-code" />,
            }}
          />
        </li>
        <li>{t('code.change2')}</li>
        <li>{t('code.change3', { perHour: CODE_RULES.perHour, perDay: CODE_RULES.perDay })}</li>
        <li>
          <Trans
            t={t}
            i18nKey="code.change4"
            components={{ appeal: <Link to="/appeals/new?scenario=EMAIL_AND_PHONE_UNAVAILABLE" /> }}
          />
        </li>
      </ol>
    </details>
  );
}

export function Steps({ current }: { current: 1 | 2 | 3 }) {
  const { t } = useTranslation();
  const steps = [t('code.step1'), t('code.step2'), t('code.step3')];
  return (
    <ol className="steps" aria-label={t('code.stepsLabel')}>
      {steps.map((label, i) => (
        <li key={label} aria-current={i + 1 === current ? 'step' : undefined}>
          {i + 1}. {label}
        </li>
      ))}
    </ol>
  );
}
