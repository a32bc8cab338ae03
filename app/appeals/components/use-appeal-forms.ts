import { useRef } from 'react';
import { firstInvalidField } from '~/components/form';
import { useZodForm } from '~/components/zod-form';
import { DETAILS_DEFAULTS, FIELD_ORDER, type AppealFormAnswer, type Errors, type Typed } from '../appeal-form';

// The browser validates with the action's own schemas, loaded when the form is first checked.
const loadDetailsSchema = () => import('~/appeals/schema').then((m) => m.appealDetailsBrowserSchema);
const loadEmailStepSchema = () => import('~/appeals/schema').then((m) => m.appealEmailStepSchema);

/**
 * Both steps' forms, for as long as the page lives whichever step it shows, and what the action's answer
 * puts back in them: a refused form comes back filled with what was typed (without JavaScript the
 * answer is a new page).
 */
export function useAppealForms(
  page: { scenario: string | null; notice: object | null; pendingEmail: string | null },
  result: AppealFormAnswer | undefined,
) {
  const errors: Errors = result?.fieldErrors ?? {};
  const typed: Typed = result?.typed ?? {};
  const { newEmail: typedEmail, ...typedDetails } = typed;
  const scenarioChosen = typed.scenario ?? page.scenario;
  const details = useZodForm(loadDetailsSchema, {
    // From a notice the page hides the identification: the schema is told the notice stands in for it
    // (the server takes the notice from the flow cookie, never from the form).
    defaultValues: {
      ...DETAILS_DEFAULTS,
      ...typedDetails,
      scenario: (scenarioChosen ?? undefined) as never,
      notice: page.notice ? 'security-notice' : undefined,
    } as never,
  });
  const emailForm = useZodForm(loadEmailStepSchema, {
    defaultValues: {
      scenario: (scenarioChosen ?? undefined) as never,
      newEmail: typedEmail ?? page.pendingEmail ?? '',
    },
    partial: {},
  });
  // Files cannot be given back: when the refusal is a new page (posted without JavaScript), they must be chosen
  // again. With JavaScript the page stays and so do the chosen files.
  const answerOfThisDocument = useRef(result);
  return {
    details,
    emailForm,
    errors,
    typed,
    typedEmail,
    scenarioChosen,
    focusField: firstInvalidField(result, FIELD_ORDER),
    chooseFilesAgain: Boolean(result?.filesDropped) && result === answerOfThisDocument.current,
  };
}

export type AppealForms = ReturnType<typeof useAppealForms>;
