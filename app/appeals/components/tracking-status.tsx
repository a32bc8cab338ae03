/** The tracking page's status box: the case's status in plain words and, while open, when we expect to decide. */
export function TrackingStatus({
  statusLabel,
  tone,
  open,
  paused,
  dueAt,
  slaDays,
}: {
  statusLabel: string;
  tone: string;
  open: boolean;
  paused: boolean;
  dueAt: string;
  slaDays: number;
}) {
  return (
    <div
      className={`notice ${tone === 'ok' ? 'ok' : tone === 'bad' ? 'error' : tone === 'warn' ? 'warn' : ''}`}
      role="status"
      data-testid="appeal-status"
    >
      <p>
        <strong>{statusLabel}</strong>
      </p>
      {open ? (
        <p className="small">
          {paused
            ? 'The decision clock is paused until you answer below.'
            : `We expect to decide by ${new Date(dueAt).toUTCString()} (${slaDays} working day${slaDays === 1 ? '' : 's'} from submission).`}
        </p>
      ) : null}
    </div>
  );
}
