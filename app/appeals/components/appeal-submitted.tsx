/** The appeal form's last step: the case number, and where its private tracking link went. */
export function AppealSubmitted({ caseNumber, sentTo }: { caseNumber: string; sentTo: string }) {
  return (
    <div className="narrow">
      <h1>Appeal submitted</h1>
      <div className="notice ok" role="status">
        <p>
          Your case number is <strong className="mono">{caseNumber}</strong>.
        </p>
        <p>
          We sent a private tracking link to <strong>{sentTo}</strong>. Use it to follow your case, answer our questions
          and add documents. We expect to decide within 3 working days.
        </p>
      </div>
      <p className="small muted">
        If you do not receive the email, check your spam folder. Do not share the tracking link.
      </p>
    </div>
  );
}
