/**
 * What the appeal form says of the "This wasn't me" link it was opened from: the change it reports (the
 * appeal is bound to that account), that it was already used, or that it no longer works.
 */
export function NoticeLinkNotes({
  notice,
  used,
  invalid,
}: {
  notice: { oldEmailMasked: string; newEmailMasked: string } | null;
  used: string | null;
  invalid: boolean;
}) {
  return (
    <>
      {notice ? (
        <div className="notice warn" role="note">
          <p>
            You came from the security notice about the change of the logon email from{' '}
            <strong>{notice.oldEmailMasked}</strong> to <strong>{notice.newEmailMasked}</strong>. Your appeal is linked
            to that account and handled with priority.
          </p>
        </div>
      ) : null}
      {used ? (
        <div className="notice warn" role="note" data-testid="notice-used">
          <p>{used}</p>
        </div>
      ) : null}
      {invalid ? (
        <div className="notice warn" role="note">
          <p>
            The link from the security notice has expired, so the account is not filled in for you. Identify it below.
          </p>
        </div>
      ) : null}
    </>
  );
}
