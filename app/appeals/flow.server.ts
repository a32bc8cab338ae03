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

/** A flow and, when it is new or changed, the cookie that keeps it. */
export type FlowInRequest = { flow: AppealFlow; setCookie?: string };

/**
 * The flow a view of the form continues: the cookie's, or a new one. A `scenario` or `notice` in the
 * address (a link from the help page, from the security notice) replaces the cookie's.
 */
export async function appealFlowForView(config: PortalConfig, request: Request): Promise<FlowInRequest> {
  const url = new URL(request.url);
  const flow = await readAppealFlow(config, request);
  const askedScenario = scenarioSchema.safeParse(url.searchParams.get('scenario'));
  const askedNotice = url.searchParams.get('notice');
  if (
    flow &&
    !(askedScenario.success && askedScenario.data !== flow.scenario) &&
    !(askedNotice && askedNotice !== flow.notice)
  )
    return { flow };
  const changed = {
    ...(flow ?? newAppealFlow()),
    ...(askedScenario.success ? { scenario: askedScenario.data } : {}),
    ...(askedNotice ? { notice: askedNotice.slice(0, 100) } : {}),
  };
  return { flow: changed, setCookie: await appealFlowCookie(config).serialize(changed) };
}

/** The flow a post belongs to: the cookie's, or a new one. */
export async function appealFlowForPost(config: PortalConfig, request: Request): Promise<FlowInRequest> {
  const flow = await readAppealFlow(config, request);
  if (flow) return { flow };
  const fresh = newAppealFlow();
  return { flow: fresh, setCookie: await appealFlowCookie(config).serialize(fresh) };
}
