// The account form schemas for loaders and actions. A route imports them from here so that its
// browser bundle does not carry zod; the browser loads ./schemas on demand (see useZodForm).
export { channelSchema, codeSchema, confirmNewEmailSchema, identityCodeSchema, newEmailSchema } from './schemas';
export { emailSchema } from './email';
