// The appeal form's first step: a code to the new logon email, then the code typed back; once the address
// is proved, the page says so and offers to use another.
import { Form } from '@remix-run/react';
import { CodeHelp, ResendButton } from '~/components/code-entry';
import { TextField } from '~/components/form';
import { fieldError } from '~/components/zod-form';
import { ScenarioChoices } from './appeal-form-fields';
import type { AppealForms } from './use-appeal-forms';

export function AppealEmailStep({
  forms,
  pendingEmail,
  resendAt,
  busy,
}: {
  forms: AppealForms;
  pendingEmail: string | null;
  resendAt: string | null;
  busy: boolean;
}) {
  const { emailForm, errors, typedEmail, scenarioChosen, focusField } = forms;
  return (
    <div className="card">
      <h2>Prove your new email</h2>
      <p>The new logon email must be yours: we send a 6-digit code to it, and all news about your appeal goes there.</p>
      <Form method="post" noValidate onSubmit={emailForm.onSubmit}>
        <ScenarioChoices
          errorId="email-scenario-error"
          error={fieldError(emailForm.formState.errors.scenario, errors.scenario)}
          chosen={scenarioChosen}
          autoFocus={focusField === 'scenario'}
          field={emailForm.register('scenario')}
          withHints
        />
        <TextField
          label="New logon email"
          type="email"
          autoComplete="email"
          defaultValue={typedEmail ?? pendingEmail ?? ''}
          error={fieldError(emailForm.formState.errors.newEmail, errors.newEmail)}
          {...emailForm.register('newEmail')}
        />
        <div className="actions">
          <ResendButton resendAt={resendAt} label={pendingEmail ? 'Resend code' : 'Get verification code'} />
        </div>
      </Form>
      {pendingEmail ? (
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="verify-email" />
          <p role="status">
            We sent a verification code to <strong className="mono">{pendingEmail}</strong>.
          </p>
          <TextField
            label="Verification code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            error={errors.code}
          />
          <div className="actions">
            <button type="submit" disabled={busy}>
              Verify email
            </button>
          </div>
        </Form>
      ) : null}
      <CodeHelp variant="new-address" />
    </div>
  );
}

export function ProvedEmail({ email }: { email: string }) {
  return (
    <div className="notice ok" role="status">
      <p>
        New logon email verified: <strong className="mono">{email}</strong>
      </p>
      <Form method="post">
        <button type="submit" name="intent" value="change-email" className="link">
          Use a different email
        </button>
      </Form>
    </div>
  );
}
