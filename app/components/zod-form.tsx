import { zodResolver } from '@hookform/resolvers/zod';
import { useNavigation, useSubmit } from '@remix-run/react';
import { useEffect, useRef, type FormEvent } from 'react';
import { useForm, type FieldValues, type DefaultValues, type Resolver } from 'react-hook-form';
import type { z } from 'zod';

type Schema = z.ZodType<FieldValues, FieldValues>;

/**
 * react-hook-form with the same zod schema the action uses. In the browser it validates before
 * posting (errors appear at the fields); without JavaScript the form posts natively and the action
 * answers with the same messages. The clicked button's name/value travels with the submission.
 *
 * The schema may be given as a loader (`() => import('~/…/schema').then((m) => m.x)`): the browser
 * then fetches zod only when the form is first checked, not with the page — customer pages stay small.
 */
export function useZodForm<S extends Schema>(
  schema: S | (() => Promise<S>),
  options: {
    defaultValues?: DefaultValues<z.input<S>>;
    /** Buttons that check only some fields, by the button's value (e.g. "send-code" → the email only). */
    partial?: Record<string, string[]>;
  } = {},
) {
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    resolver: (typeof schema === 'function'
      ? lazyResolver(schema as () => Promise<S>)
      : zodResolver(schema as never)) as never,
    mode: 'onTouched',
    defaultValues: options.defaultValues,
  });
  const submit = useSubmit();
  // One submission at a time: a double click posts once. From the first click (its check is async)
  // until the navigation it starts is over; a check that fails frees it at once.
  const inFlight = useRef(false);
  const navigation = useNavigation();
  useEffect(() => {
    if (navigation.state === 'idle') inFlight.current = false;
  }, [navigation.state]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const formEl = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const only = submitter?.value ? options.partial?.[submitter.value] : undefined;
    event.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    const post = () => submit(submitter ?? formEl, { method: 'post' });
    const refused = () => {
      inFlight.current = false;
    };
    if (only) {
      void form.trigger(only as never).then((ok) => (ok ? post() : refused()));
      return;
    }
    void form.handleSubmit(post, refused)(event);
  };
  return { ...form, onSubmit };
}

/** A resolver that loads its schema the first time it runs, then behaves as zodResolver. */
function lazyResolver<S extends Schema>(load: () => Promise<S>): Resolver<FieldValues> {
  let resolver: Promise<Resolver<FieldValues>> | null = null;
  return async (values, context, options) => {
    resolver ??= load().then((schema) => zodResolver(schema as never) as unknown as Resolver<FieldValues>);
    return (await resolver)(values, context, options);
  };
}

/** The browser's message for a field first, else the server's. */
export function fieldError(
  client: { message?: string } | undefined,
  server: string | undefined | null,
): string | undefined {
  return client?.message ?? server ?? undefined;
}
