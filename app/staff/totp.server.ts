// Staff second factor: RFC 6238 TOTP (SHA-1, 6 digits, 30 s) with otplib; a code is accepted once.
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import { decryptSecret, encryptSecret, type KeyMaterial } from '~/lib/crypto.server';

export const TOTP_PURPOSE = 'staff-totp';
authenticator.options = { step: 30, digits: 6, window: 1 };

export function newTotpSecret(): string {
  return authenticator.generateSecret(20);
}

export function sealTotpSecret(keys: KeyMaterial, plain: string): string {
  return encryptSecret(keys, TOTP_PURPOSE, plain);
}

export function openTotpSecret(keys: KeyMaterial, sealed: string): string {
  return decryptSecret(keys, TOTP_PURPOSE, sealed);
}

/** The time step a code belongs to, if it is valid now (±1 step for clock drift); null otherwise. */
export function matchTotp(secret: string, token: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(token)) return null;
  const step = Math.floor(now / 30_000);
  for (const delta of [0, -1, 1]) {
    const s = step + delta;
    if (authenticator.clone({ epoch: s * 30_000, window: 0 }).check(token, secret)) return s;
  }
  return null;
}

export function totpNow(secret: string, now = Date.now()): string {
  return authenticator.clone({ epoch: now, window: 0 }).generate(secret);
}

export async function enrolmentQr(secret: string, email: string): Promise<{ uri: string; dataUrl: string }> {
  const uri = authenticator.keyuri(email, 'Account Recovery Desk', secret);
  return { uri, dataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 220 }) };
}
