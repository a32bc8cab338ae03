import { useEffect, useRef } from 'react';
import { Form, useLocation } from '@remix-run/react';
import { EVIDENCE_LIMITS } from '~/appeals/options';

/** The customer's reply on the tracking page: a message, files, or both. */
export function TrackingReplyForm({
  action,
  errors,
  focusField,
  replySent,
  busy,
}: {
  action: string;
  errors: Record<string, string>;
  focusField: string | null;
  /** The reply was just sent (the page after its redirect). */
  replySent: boolean;
  busy: boolean;
}) {
  const location = useLocation();
  const replyForm = useRef<HTMLFormElement>(null);
  // With JavaScript the page stays mounted through the redirect, so the sent text and files would stay in the form.
  useEffect(() => {
    if (replySent) replyForm.current?.reset();
  }, [replySent, location.key]);
  return (
    <Form method="post" action={action} encType="multipart/form-data" className="card" noValidate ref={replyForm}>
      <input type="hidden" name="intent" value="reply" />
      <div className="field">
        <label htmlFor="reply-body">Your message</label>
        <textarea
          id="reply-body"
          name="body"
          rows={5}
          maxLength={5000}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={errors.body ? 'reply-body-error' : undefined}
          autoFocus={focusField === 'body'}
        />
        {errors.body ? (
          <p className="field-error" id="reply-body-error">
            {errors.body}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="reply-files">Add files (optional)</label>
        <p className="hint" id="reply-files-hint">
          JPEG, PNG or PDF, at most 10 MB each, {EVIDENCE_LIMITS.maxFiles} files at a time.
        </p>
        <input
          id="reply-files"
          type="file"
          name="otherEvidence"
          multiple
          accept="image/jpeg,image/png,application/pdf"
          aria-describedby={`reply-files-hint${errors.otherEvidence ? ' reply-files-error' : ''}`}
          aria-invalid={errors.otherEvidence ? true : undefined}
          autoFocus={focusField === 'otherEvidence'}
        />
        {errors.otherEvidence ? (
          <p className="field-error" id="reply-files-error">
            {errors.otherEvidence}
          </p>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          Send reply
        </button>
      </div>
    </Form>
  );
}
