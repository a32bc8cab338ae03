// What the error boundaries (the customer side's in root.tsx, the back office's in staff.tsx) say of an error.
import { isRouteErrorResponse } from '@remix-run/react';

const ERROR_HEADINGS: Record<number, string> = {
  403: 'Not allowed',
  404: 'Page not found',
  410: 'This link was replaced',
};

/** The heading (and the title's first part) for a refusal, a missing page or a failure. */
export const errorHeading = (error: unknown) =>
  (isRouteErrorResponse(error) && ERROR_HEADINGS[error.status]) || 'Something went wrong';

/** What a failure that is not a refusal says: the request had no effect. */
export const ERROR_HELP = 'We could not complete your request. Nothing was changed. Please try again in a moment.';
