import type { PortalConfig } from '~/config.server';
import { decryptSecret, encryptSecret } from '~/lib/crypto.server';

/** Key purpose of the IdP client secrets (AES-256-GCM, ENCRYPTION_KEYS, see lib/crypto.server). */
export const SSO_SECRET_PURPOSE = 'sso-client-secret';

export function sealClientSecret(config: Pick<PortalConfig, 'encryptionKeys'>, secret: string): string {
  return encryptSecret(config.encryptionKeys, SSO_SECRET_PURPOSE, secret);
}

export function openClientSecret(config: Pick<PortalConfig, 'encryptionKeys'>, sealed: string): string {
  return decryptSecret(config.encryptionKeys, SSO_SECRET_PURPOSE, sealed);
}
