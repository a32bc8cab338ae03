import { useEffect, useRef } from 'react';
import { Form, Link } from '@remix-run/react';

/**
 * The first step of Deactivate only asks, on a page of its own (so it works without JavaScript); its
 * heading takes focus. "Yes, deactivate" posts the act.
 */
export function DeactivateQuestion({ member, busy }: { member: { id: string; name: string }; busy: boolean }) {
  const question = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    question.current?.focus();
  }, [member]);
  return (
    <section className="card notice warn" aria-labelledby="deactivate-question">
      <h2 id="deactivate-question" tabIndex={-1} ref={question}>
        Deactivate {member.name}?
      </h2>
      <p>
        They are signed out everywhere at once and cannot sign in; their open cases go back to the queue. Nothing is
        deleted, and you can reactivate them later.
      </p>
      <Form method="post" action="/staff/admin/staff" className="actions">
        <input type="hidden" name="intent" value="deactivate" />
        <input type="hidden" name="staffId" value={member.id} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" disabled={busy}>
          Yes, deactivate
        </button>
        <Link className="button secondary" to="/staff/admin/staff">
          Cancel
        </Link>
      </Form>
    </section>
  );
}
