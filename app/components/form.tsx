import type { InputHTMLAttributes, ReactNode } from 'react';
import { forwardRef, useId } from 'react';

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  name: string;
};

/** A labelled input whose hint and error are tied to it with aria-describedby. */
export const TextField = forwardRef<HTMLInputElement, FieldProps>(function TextField({ label, hint, error, id, name, type = 'text', ...rest }, ref) {
  const auto = useId();
  const inputId = id ?? `${name}-${auto}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <input
        ref={ref}
        id={inputId}
        name={name}
        type={type}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        {...rest}
      />
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
});

function Notice({ tone, role, children }: { tone: 'error' | 'ok'; role: 'alert' | 'status'; children?: ReactNode }) {
  if (!children) return null;
  return (
    <div className={`notice ${tone}`} role={role}>
      <p>{children}</p>
    </div>
  );
}

/** A form's error message (an assertive live region); nothing when there is none. */
export function FormError({ children }: { children?: ReactNode }) {
  return <Notice tone="error" role="alert">{children}</Notice>;
}

/** A short success message (a polite live region); nothing when there is none. */
export function FormStatus({ children }: { children?: ReactNode }) {
  return <Notice tone="ok" role="status">{children}</Notice>;
}
