// The appeal form's own fields: evidence files, groups of choices and their messages, "What happened?".
import type { UseFormRegisterReturn } from 'react-hook-form';
import { SCENARIOS, type EvidenceField } from '~/appeals/options';

export function FileField({
  name,
  label,
  hint,
  required,
  error,
  filesError,
  chooseAgainId,
  autoFocus,
  register,
}: {
  name: EvidenceField;
  label: string;
  hint: string;
  required?: boolean;
  error?: string;
  filesError?: string;
  /** The id of the note that files must be chosen again, when there is one. */
  chooseAgainId?: string;
  autoFocus?: boolean;
  register: (name: never, options: object) => object;
}) {
  const id = `file-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? '' : ' (optional)'}
      </label>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      <input
        id={id}
        type="file"
        accept="image/jpeg,image/png,application/pdf"
        multiple={name === 'otherEvidence'}
        aria-invalid={error || filesError ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}${filesError ? ' files-error' : ''}${chooseAgainId ? ` ${chooseAgainId}` : ''}`}
        autoFocus={autoFocus}
        {...register(name as never, {})}
      />
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The message of a group of choices (radios, a select), at the id its fieldset or select names in aria-describedby. */
export function ChoiceError({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p className="field-error" id={id}>
      {error}
    </p>
  ) : null;
}

/**
 * "What happened?": the scenario's radios, in both forms (the email step shows each one's hint). With
 * `only`, the others are disabled (a security notice's appeal is always "not me").
 */
export function ScenarioChoices(props: {
  errorId: string;
  error?: string;
  chosen?: string | null;
  autoFocus: boolean;
  field: UseFormRegisterReturn;
  withHints?: boolean;
  only?: string;
}) {
  const { errorId, error, chosen, autoFocus, field, withHints, only } = props;
  return (
    <fieldset
      className="field"
      role="radiogroup"
      aria-invalid={error ? true : undefined}
      aria-describedby={error ? errorId : undefined}
    >
      <legend>What happened?</legend>
      {SCENARIOS.map((s, i) => (
        <label key={s.value} className="choice">
          <input
            type="radio"
            value={s.value}
            defaultChecked={s.value === chosen}
            autoFocus={i === 0 && autoFocus}
            {...field}
            disabled={only !== undefined && s.value !== only}
          />
          <span>
            {s.label}
            {withHints ? (
              <>
                <br />
                <span className="muted small">{s.hint}</span>
              </>
            ) : null}
          </span>
        </label>
      ))}
      <ChoiceError id={errorId} error={error} />
    </fieldset>
  );
}

export const ACCOUNT_TYPES = [
  { value: 'INDIVIDUAL', label: 'Individual' },
  { value: 'ENTERPRISE', label: 'Enterprise' },
] as const;
