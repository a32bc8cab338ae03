// Form schemas shared by the browser (react-hook-form) and the actions.
import { z } from 'zod';
import { emailSchema } from './email';

export const codeSchema = z
  .string({ error: 'Enter the 6-digit code.' })
  .trim()
  .regex(/^\d{6}$/, 'Enter the 6-digit code from the message.');

export const newEmailSchema = z.object({ newEmail: emailSchema });
export const confirmNewEmailSchema = z.object({ newEmail: emailSchema, code: codeSchema });
export const identityCodeSchema = z.object({ code: codeSchema });
export const channelSchema = z.enum(['SMS', 'EMAIL'], { error: 'Choose how to receive the code.' });
