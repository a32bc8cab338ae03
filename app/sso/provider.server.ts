// The account owner's identity provider settings: read for the SSO page, saved from its form.
import type { Services } from '~/services.server';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';
import type { FieldErrors } from '~/lib/form-errors';
import { issuerProblem } from './oidc.server';
import type { IdentityProviderInput, ProviderField } from './schema';
import { sealClientSecret } from './secret.server';

/** The account's identity provider as the owner sees it. The secret is never given out, not even masked. */
export async function providerSettings(prisma: Services['prisma'], accountUid: string) {
  const provider = await prisma.identityProvider.findUnique({ where: { accountUid } });
  return provider
    ? {
        issuer: provider.issuer,
        clientId: provider.clientId,
        userClaim: provider.userClaim,
        roleClaim: provider.roleClaim,
        mode: provider.mode,
        enabled: provider.enabled,
        updatedAt: provider.updatedAt.toISOString(),
      }
    : null;
}

/**
 * Registers or changes the account's identity provider (the parsed form), audited. Refused: an issuer the
 * portal's mode does not allow, or no client secret the first time (later, empty keeps the stored one).
 */
export async function saveIdentityProvider(
  services: Pick<Services, 'prisma' | 'config'>,
  owner: { accountUid: string; sessionId: string },
  input: IdentityProviderInput,
  meta: RequestMeta,
): Promise<{ ok: true } | { ok: false; fieldErrors: FieldErrors<ProviderField> }> {
  const { prisma, config } = services;
  const fieldErrors: FieldErrors<ProviderField> = {};
  // Kept exactly as typed: the issuer must match the one in the IdP's discovery document.
  const issuer = input.issuer;
  const problem = issuerProblem(issuer, config.mode !== 'production');
  if (problem) fieldErrors.issuer = problem;
  const existing = await prisma.identityProvider.findUnique({
    where: { accountUid: owner.accountUid },
    select: { id: true },
  });
  const secret = input.clientSecret.trim();
  if (!existing && !secret)
    fieldErrors.clientSecret = 'Enter the client secret the identity provider gave this portal.';
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };

  const values = {
    issuer,
    clientId: input.clientId,
    userClaim: input.userClaim,
    roleClaim: input.roleClaim,
    mode: input.mode,
    enabled: input.enabled,
  };
  await prisma.$transaction(async (tx) => {
    await tx.identityProvider.upsert({
      where: { accountUid: owner.accountUid },
      create: { accountUid: owner.accountUid, ...values, clientSecretEncrypted: sealClientSecret(config, secret) },
      update: { ...values, ...(secret ? { clientSecretEncrypted: sealClientSecret(config, secret) } : {}) },
    });
    await recordAudit(tx, {
      actor: { type: 'customer', id: owner.sessionId },
      action: existing ? 'sso.provider_updated' : 'sso.provider_created',
      accountUid: owner.accountUid,
      meta,
      data: { ...values, secretChanged: Boolean(secret) },
    });
  });
  return { ok: true };
}
