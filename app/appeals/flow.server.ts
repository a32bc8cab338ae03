import { portalCookie } from '~/lib/cookies.server';
import { z } from 'zod';
import type { PortalConfig } from '~/config.server';
import { newToken } from '~/lib/tokens.server';
import { scenarioSchema } from './schema';

/** An appeal being filed lives in a signed cookie: the key its email proof is bound to, the scenario, the notice. */
const flowSchema = z.object({
  flowKey: z.string().min(20),
  scenario: scenarioSchema.optional(),
  notice: z.string().max(100).optional(),
});
export type AppealFlow = z.infer<typeof flowSchema>;

export const appealFlowCookie = portalCookie('ard_appeal', { path: '/appeals', maxAgeSec: 2 * 3600 });

export async function readAppealFlow(config: PortalConfig, request: Request): Promise<AppealFlow | null> {
  const parsed = flowSchema.safeParse(await appealFlowCookie(config).parse(request.headers.get('Cookie')));
  return parsed.success ? parsed.data : null;
}

export function newAppealFlow(partial: Partial<AppealFlow> = {}): AppealFlow {
  return { flowKey: newToken(), ...partial };
}
