import type { PortalConfig } from '~/config.server';
import { decryptSecret, encryptSecret } from '~/lib/crypto.server';

/** Key purpose of the IdP client secrets (AES-256-GCM, key derived from ENCRYPTION_SECRET). */
export const SSO_SECRET_PURPOSE = 'sso-client-secret';

export function sealClientSecret(config: Pick<PortalConfig, 'encryptionSecret'>, secret: string): string {
  return encryptSecret(config.encryptionSecret, SSO_SECRET_PURPOSE, secret);
}

export function openClientSecret(config: Pick<PortalConfig, 'encryptionSecret'>, sealed: string): string {
  return decryptSecret(config.encryptionSecret, SSO_SECRET_PURPOSE, sealed);
}
