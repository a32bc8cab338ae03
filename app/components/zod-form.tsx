import { zodResolver } from '@hookform/resolvers/zod';
import { useSubmit } from '@remix-run/react';
import type { FormEvent } from 'react';
import { useForm, type FieldValues, type DefaultValues } from 'react-hook-form';
import type { z } from 'zod';

/**
 * react-hook-form with the same zod schema the action uses. In the browser it validates before
 * posting (errors appear at the fields); without JavaScript the form posts natively and the action
 * answers with the same messages. The clicked button's name/value travels with the submission.
 */
export function useZodForm<S extends z.ZodType<FieldValues, FieldValues>>(
  schema: S,
  options: {
    defaultValues?: DefaultValues<z.input<S>>;
    /** Buttons that check only some fields, by the button's value (e.g. "send-code" → the email only). */
    partial?: Record<string, string[]>;
  } = {},
) {
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    resolver: zodResolver(schema as never) as never,
    mode: 'onTouched',
    defaultValues: options.defaultValues,
  });
  const submit = useSubmit();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const formEl = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const only = submitter?.value ? options.partial?.[submitter.value] : undefined;
    event.preventDefault();
    if (only) {
      void form.trigger(only as never).then((ok) => ok && submit(submitter ?? formEl, { method: 'post' }));
      return;
    }
    void form.handleSubmit(() => submit(submitter ?? formEl, { method: 'post' }))(event);
  };
  return { ...form, onSubmit };
}

/** The browser's message for a field first, else the server's. */
export function fieldError(client: { message?: string } | undefined, server: string | undefined | null): string | undefined {
  return client?.message ?? server ?? undefined;
}
