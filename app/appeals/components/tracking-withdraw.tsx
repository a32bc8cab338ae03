import type { RefObject } from 'react';
import { Form, Link } from '@remix-run/react';

/**
 * Withdraw's question; "Yes, withdraw" posts the confirmed withdrawal. The page focuses the heading
 * (after the focus on a refused post's error, which its own effect would come before).
 */
export function WithdrawQuestion({
  action,
  busy,
  headingRef,
}: {
  action: string;
  busy: boolean;
  headingRef: RefObject<HTMLHeadingElement>;
}) {
  return (
    <section className="card" aria-labelledby="withdraw-confirm">
      <h2 id="withdraw-confirm" tabIndex={-1} ref={headingRef}>
        Withdraw this appeal?
      </h2>
      <p>The case will be closed and cannot be reopened. Nothing on the account changes.</p>
      <Form method="post" action={action} className="actions">
        <input type="hidden" name="intent" value="withdraw" />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" disabled={busy}>
          Yes, withdraw
        </button>
        <Link className="button secondary" to={action}>
          Keep my appeal
        </Link>
      </Form>
    </section>
  );
}

/** The first step of Withdraw only asks (a page of its own, so it works without JavaScript). */
export function WithdrawOffer({ action }: { action: string }) {
  return (
    <>
      <h2>Withdraw</h2>
      <Form method="get" action={action} className="card">
        <p>If you no longer need this appeal, you can withdraw it. Nothing on the account changes.</p>
        <button type="submit" name="withdraw" value="confirm" className="secondary">
          Withdraw appeal
        </button>
      </Form>
    </>
  );
}
