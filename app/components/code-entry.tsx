import { useEffect, useState } from 'react';
import { Link } from '@remix-run/react';
import { CODE_RULES } from '~/verification/rules';
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
  label = 'Resend code',
}: {
  resendAt: string | null;
  name?: string;
  value?: string;
  label?: string;
}) {
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
        {left > 0 && hydrated ? `${label} (${left} s)` : label}
      </button>
      {waiting && !hydrated ? (
        <span className="small muted" id={`${value}-wait`} data-testid="resend-after">
          You can ask for a new code after <time dateTime={resendAt}>{utcTime(resendAt)}</time>. Reload the page then.
        </span>
      ) : null}
      <span className="visually-hidden" aria-live="polite" data-testid="resend-ready">
        {counted && left === 0 ? `You can use “${label}” now.` : ''}
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
  if (variant === 'new-address') {
    return (
      <details className="card small" data-testid="code-help">
        <summary>
          <strong>Didn&apos;t receive the code?</strong>
        </summary>
        <ol>
          <li>
            The code goes to the new email address you entered above. Check that it is spelled right; if it is not,
            enter it again and ask for a new code.
          </li>
          <li>
            Look in your spam or junk folder, make sure the mailbox is not full, then wait a minute — messages can be
            delayed.
          </li>
          <li>
            You can ask for a new code {CODE_RULES.resendAfterMs / 1000} seconds after the last one; each new code
            replaces the previous one. At most {CODE_RULES.perHour} codes can be sent to one address per hour and{' '}
            {CODE_RULES.perDay} per day.
          </li>
          <li>If this mailbox cannot receive our mail, use another address that you own and control.</li>
        </ol>
      </details>
    );
  }
  return (
    <details className="card small" data-testid="code-help">
      <summary>
        <strong>Didn&apos;t receive the code?</strong>
      </summary>
      <ol>
        <li>
          If your original logon email or secure phone is working, you can send the verification code again (a new code
          can be requested 60 seconds after the last one). {children} You can also troubleshoot the issue (below) or{' '}
          <Link to="/appeals/new">submit an appeal</Link>. For more information, see{' '}
          <Link to="/help/change-logon-email#no-code">
            What do I do if I cannot receive a verification code during registration or logon?
          </Link>
        </li>
        <li>
          Check that the address or number shown is the one you expect, look in your spam or junk folder, make sure the
          mailbox is not full and that your phone can receive SMS from short codes, then wait a minute — messages can be
          delayed.
        </li>
        <li>
          At most {CODE_RULES.perHour} codes can be sent to one address or number per hour and {CODE_RULES.perDay} per
          day, and as many to new logon emails of one account, whatever the addresses. Each new code replaces the
          previous one.
        </li>
        <li>
          If both the secure phone number and the logon email attached to the account are unavailable, you must submit
          an appeal:{' '}
          <Link to="/appeals/new?scenario=EMAIL_AND_PHONE_UNAVAILABLE">both my phone and my email are unavailable</Link>
          .
        </li>
      </ol>
    </details>
  );
}

export function Steps({ current }: { current: 1 | 2 | 3 }) {
  const steps = ['Verify identity', 'New logon email', 'Done'];
  return (
    <ol className="steps" aria-label="Progress">
      {steps.map((label, i) => (
        <li key={label} aria-current={i + 1 === current ? 'step' : undefined}>
          {i + 1}. {label}
        </li>
      ))}
    </ol>
  );
}
