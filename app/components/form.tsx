import type { InputHTMLAttributes, ReactNode } from 'react';
import { createContext, forwardRef, useContext, useEffect, useId, useMemo, useRef } from 'react';

/** An action's answer as the forms read it: errors per field and/or one for the whole form. */
type FormAnswer =
  { fieldErrors?: Record<string, string | null | undefined> | null; error?: string | null } | null | undefined;

type ErrorFocusScope = {
  /** The answer carries errors: focus goes to them. */
  active: boolean;
  /** The field that takes focus (the first in `order` with an error), or null: then the form's error message. */
  first: string | null;
};

const ErrorFocusContext = createContext<ErrorFocusScope | null>(null);

/**
 * After the server answers a form with errors, focus goes to the first invalid field — or, when no field is
 * at fault, to the form's error message — so keyboard and screen-reader users learn what went wrong.
 * Without JavaScript the answer is a new page: that field (or the message) carries `autofocus`. With
 * JavaScript the page stays, so focus is moved once the answer is shown (the first invalid element in the page).
 *
 * `order` lists the field names in the order the page shows them, when the answer's own order differs.
 * `notShown` names fields whose error the page shows in the form's error message because the field itself is not
 * on the page (a code that no longer works has no code field): focus then goes to that message.
 */
export function ErrorFocus({
  answer,
  order,
  notShown,
  children,
}: {
  answer: FormAnswer;
  order?: readonly string[];
  notShown?: readonly string[];
  children: ReactNode;
}) {
  const notShownKey = notShown?.join(' ');
  const scope = useMemo<ErrorFocusScope>(
    () => ({
      active: Boolean(answer && (answer.error || firstInvalidField(answer, order))),
      first: firstInvalidField(answer, order, notShown),
    }),
    // A new answer is a new object: focus moves once per answer, not on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [answer, notShownKey],
  );
  useEffect(() => {
    if (!scope.active) return;
    const main = document.getElementById('main') ?? document.body;
    const target =
      main.querySelector<HTMLElement>('[aria-invalid="true"]') ?? main.querySelector<HTMLElement>('[data-form-error]');
    target?.focus();
  }, [scope]);
  return <ErrorFocusContext.Provider value={scope}>{children}</ErrorFocusContext.Provider>;
}

/**
 * The field an answer's errors send focus to: the first of `order` (the page's order of fields) with an error,
 * else the first the answer names, leaving out those in `notShown`; null when no field is at fault. For fields that are not TextFields
 * (radios, selects, file inputs, text areas): `autoFocus={firstInvalidField(answer, ORDER) === 'name'}`.
 */
export function firstInvalidField(
  answer: FormAnswer,
  order?: readonly string[],
  notShown?: readonly string[],
): string | null {
  const invalid = Object.entries(answer?.fieldErrors ?? {})
    .filter(([name, message]) => Boolean(message) && !notShown?.includes(name))
    .map(([name]) => name);
  return (order ? order.find((name) => invalid.includes(name)) : undefined) ?? invalid[0] ?? null;
}

/** Whether the field `name` takes focus on the page that answers a form (see ErrorFocus). */
export function useErrorAutoFocus(name: string): boolean {
  const scope = useContext(ErrorFocusContext);
  return Boolean(scope?.active && scope.first === name);
}

/**
 * A refused password is not offered again. Without JavaScript the answer is a new page whose password
 * fields are empty; with it the page stays, so after each answer (the action's data: a refusal, since
 * success redirects) the password fields of the form this ref is on are emptied here.
 */
export function usePasswordsEmptiedOn(answer: unknown) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!answer || !form.current) return;
    for (const input of form.current.querySelectorAll<HTMLInputElement>('input[type="password"]')) input.value = '';
  }, [answer]);
  return form;
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  name: string;
};

/** A labelled input whose hint and error are tied to it with aria-describedby. */
export const TextField = forwardRef<HTMLInputElement, FieldProps>(function TextField(
  { label, hint, error, id, name, type = 'text', autoFocus, ...rest },
  ref,
) {
  const auto = useId();
  const inputId = id ?? `${name}-${auto}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const focusError = useErrorAutoFocus(name) && Boolean(error);
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
        autoFocus={focusError || autoFocus}
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

function Notice({
  tone,
  role,
  children,
  focusable,
}: {
  tone: 'error' | 'ok';
  role: 'alert' | 'status';
  children?: ReactNode;
  focusable?: { autoFocus: boolean };
}) {
  if (!children) return null;
  return (
    <div
      className={`notice ${tone}`}
      role={role}
      {...(focusable ? { tabIndex: -1, 'data-form-error': '', autoFocus: focusable.autoFocus } : {})}
    >
      <p>{children}</p>
    </div>
  );
}

/**
 * A form's error message (an assertive live region); nothing when there is none. It takes focus after an
 * answer with errors when no field is at fault (see ErrorFocus).
 */
export function FormError({ children }: { children?: ReactNode }) {
  const scope = useContext(ErrorFocusContext);
  return (
    <Notice tone="error" role="alert" focusable={{ autoFocus: Boolean(scope?.active && scope.first === null) }}>
      {children}
    </Notice>
  );
}

/** A short success message (a polite live region); nothing when there is none. */
export function FormStatus({ children }: { children?: ReactNode }) {
  return (
    <Notice tone="ok" role="status">
      {children}
    </Notice>
  );
}
