// The appeal schemas for loaders and actions. A route imports them from here so that its browser
// bundle does not carry zod; the browser loads ./schema on demand (see useZodForm).
export { appealDetailsSchema, appealEmailStepSchema, scenarioSchema, APPEAL_FORM_MESSAGES } from './schema';
