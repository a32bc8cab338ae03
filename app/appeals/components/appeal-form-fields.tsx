// The appeal form's own fields: evidence files, groups of choices and their messages, "What happened?".
import type { UseFormRegisterReturn } from 'react-hook-form';
import { SCENARIOS, type EvidenceField } from '~/appeals/options';
import { fieldError } from '~/components/zod-form';

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

const EVIDENCE_FILES: { name: EvidenceField; label: string; hint: string }[] = [
  { name: 'idDocument', label: 'ID document', hint: "A photo or scan of the holder's identity document." },
  { name: 'businessLicence', label: 'Business licence', hint: 'Required for enterprise accounts.' },
  {
    name: 'paymentRecord',
    label: 'Recent payment record',
    hint: 'An invoice or bank statement of a payment to the account.',
  },
  { name: 'otherEvidence', label: 'Other evidence', hint: 'Anything else that shows the account is yours.' },
];

/**
 * The details form's evidence: what files it takes, the message about all of them, the note that a refused
 * form's files must be chosen again, and a file field per kind (an ID document always, a business licence
 * for an enterprise). `errors` are the browser's per field, `serverErrors` the action's.
 */
export function EvidenceFileFields({
  errors,
  serverErrors,
  focusField,
  chooseFilesAgain,
  enterprise,
  register,
}: {
  errors: Record<string, { message?: string } | undefined>;
  serverErrors: Record<string, string>;
  focusField: string | null;
  chooseFilesAgain: boolean;
  enterprise: boolean;
  register: (name: never, options: object) => object;
}) {
  return (
    <>
      <h2>Evidence</h2>
      <p className="small muted">
        JPEG, PNG or PDF only (we check the content, not the name), at most 10 MB each and 5 files in all.
      </p>
      {serverErrors.files ? (
        <p className="field-error" role="alert" id="files-error">
          {serverErrors.files}
        </p>
      ) : null}
      {chooseFilesAgain ? (
        <div className="notice warn" role="note" id="choose-files-again" data-testid="choose-files-again">
          <p>The files you attached were not kept when the form came back: choose them again before you submit.</p>
        </div>
      ) : null}
      {EVIDENCE_FILES.map(({ name, label, hint }) => (
        <FileField
          key={name}
          name={name}
          label={label}
          hint={hint}
          required={name === 'idDocument' || (name === 'businessLicence' && enterprise)}
          autoFocus={focusField === name || (name === 'idDocument' && focusField === 'files')}
          error={fieldError(errors[name], serverErrors[name])}
          filesError={serverErrors.files}
          chooseAgainId={chooseFilesAgain ? 'choose-files-again' : undefined}
          register={register}
        />
      ))}
    </>
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
