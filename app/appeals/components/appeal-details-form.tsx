// The appeal form's second step: which account, what only its owner knows, and the evidence. From a
// security notice the account is known, so the identification is not asked.
import { Form, Link } from '@remix-run/react';
import { CURRENCIES, NEEDS_NEW_PHONE } from '~/appeals/options';
import { TextField } from '~/components/form';
import { fieldError } from '~/components/zod-form';
import { DETAILS_DEFAULTS } from '../appeal-form';
import { ACCOUNT_TYPES, ChoiceError, EvidenceFileFields, ScenarioChoices } from './appeal-form-fields';
import type { AppealForms } from './use-appeal-forms';

export function AppealDetailsForm({
  forms,
  fromNotice,
  busy,
}: {
  forms: AppealForms;
  fromNotice: boolean;
  busy: boolean;
}) {
  const { details, errors, typed, scenarioChosen, focusField, chooseFilesAgain } = forms;
  const ce = details.formState.errors as Record<string, { message?: string } | undefined>;
  const scenarioError = fieldError(ce.scenario, errors.scenario);
  const accountTypeError = fieldError(ce.accountType, errors.accountType);
  const currencyError = fieldError(ce.lastPaymentCurrency, errors.lastPaymentCurrency);
  const scenario = details.watch('scenario') ?? scenarioChosen;
  return (
    <Form method="post" encType="multipart/form-data" noValidate onSubmit={details.onSubmit} className="card">
      <input type="hidden" name="intent" value="submit" />
      <ScenarioChoices
        errorId="scenario-error"
        error={scenarioError}
        chosen={scenarioChosen}
        autoFocus={focusField === 'scenario'}
        field={details.register('scenario')}
        only={fromNotice ? 'EMAIL_CHANGED_NOT_ME' : undefined}
      />

      {fromNotice ? null : (
        <fieldset className="field">
          <legend>Which account? Give any one of these</legend>
          <TextField
            label="Account ID (UID)"
            inputMode="numeric"
            maxLength={16}
            hint="16 digits"
            error={fieldError(ce.givenUid, errors.givenUid)}
            defaultValue={typed.givenUid}
            {...details.register('givenUid')}
          />
          <TextField
            label="Account alias"
            error={fieldError(ce.givenAlias, errors.givenAlias)}
            defaultValue={typed.givenAlias}
            {...details.register('givenAlias')}
          />
          <TextField
            label="Old logon email"
            type="email"
            error={fieldError(ce.givenOldEmail, errors.givenOldEmail)}
            defaultValue={typed.givenOldEmail}
            {...details.register('givenOldEmail')}
          />
        </fieldset>
      )}

      <fieldset
        className="field"
        role="radiogroup"
        aria-invalid={accountTypeError ? true : undefined}
        aria-describedby={accountTypeError ? 'accountType-error' : undefined}
      >
        <legend>Account type</legend>
        {ACCOUNT_TYPES.map((t, i) => (
          <label key={t.value} className="choice">
            <input
              type="radio"
              value={t.value}
              defaultChecked={t.value === (typed.accountType ?? DETAILS_DEFAULTS.accountType)}
              autoFocus={i === 0 && focusField === 'accountType'}
              {...details.register('accountType')}
            />{' '}
            <span>{t.label}</span>
          </label>
        ))}
        <ChoiceError id="accountType-error" error={accountTypeError} />
      </fieldset>
      <TextField
        label="Full name or company name on the account"
        autoComplete="name"
        error={fieldError(ce.holderName, errors.holderName)}
        defaultValue={typed.holderName}
        {...details.register('holderName')}
      />
      {scenario && NEEDS_NEW_PHONE.includes(scenario as never) ? (
        <TextField
          label="New secure phone"
          type="tel"
          autoComplete="tel"
          hint="International format, e.g. +8613800000001"
          error={fieldError(ce.newPhone, errors.newPhone)}
          defaultValue={typed.newPhone}
          {...details.register('newPhone')}
        />
      ) : (
        <TextField
          label="New secure phone (optional)"
          type="tel"
          autoComplete="tel"
          hint="International format, e.g. +8613800000001"
          error={fieldError(ce.newPhone, errors.newPhone)}
          defaultValue={typed.newPhone}
          {...details.register('newPhone')}
        />
      )}

      <h2>What only the owner knows</h2>
      <TextField
        label="Amount of the last payment"
        inputMode="decimal"
        hint="e.g. 128.00"
        error={fieldError(ce.lastPaymentAmount, errors.lastPaymentAmount)}
        defaultValue={typed.lastPaymentAmount}
        {...details.register('lastPaymentAmount')}
      />
      <div className="field">
        <label htmlFor="currency">Currency of the last payment</label>
        <select
          id="currency"
          defaultValue={typed.lastPaymentCurrency ?? DETAILS_DEFAULTS.lastPaymentCurrency}
          aria-invalid={currencyError ? true : undefined}
          autoFocus={focusField === 'lastPaymentCurrency'}
          aria-describedby={currencyError ? 'currency-error' : undefined}
          {...details.register('lastPaymentCurrency')}
        >
          {CURRENCIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <ChoiceError id="currency-error" error={currencyError} />
      </div>
      <TextField
        label="When was the account created? (approximately)"
        type="month"
        hint="YYYY-MM"
        error={fieldError(ce.createdMonth, errors.createdMonth)}
        defaultValue={typed.createdMonth}
        {...details.register('createdMonth')}
      />

      <EvidenceFileFields
        errors={ce}
        serverErrors={errors}
        focusField={focusField}
        chooseFilesAgain={chooseFilesAgain}
        enterprise={details.watch('accountType') === 'ENTERPRISE'}
        register={details.register as never}
      />

      <div className="visually-hidden" aria-hidden="true">
        <label htmlFor="website">Leave this empty</label>
        <input id="website" type="text" name="website" tabIndex={-1} autoComplete="off" />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Submitting…' : 'Submit appeal'}
        </button>
        <Link to="/help/change-logon-email">Help</Link>
      </div>
    </Form>
  );
}
