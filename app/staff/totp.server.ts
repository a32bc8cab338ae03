// Staff second factor: RFC 6238 TOTP (SHA-1, 6 digits, 30 s) with otplib; a code is accepted once.
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import { decryptSecret, encryptSecret, type KeyMaterial } from '~/lib/crypto.server';
import { safeEqual } from '~/lib/tokens.server';

export const TOTP_PURPOSE = 'staff-totp';
authenticator.options = { step: 30, digits: 6 };

export function newTotpSecret(): string {
  return authenticator.generateSecret(20);
}

export function sealTotpSecret(keys: KeyMaterial, plain: string): string {
  return encryptSecret(keys, TOTP_PURPOSE, plain);
}

export function openTotpSecret(keys: KeyMaterial, sealed: string): string {
  return decryptSecret(keys, TOTP_PURPOSE, sealed);
}

/**
 * The time step a code belongs to, if it is valid now (±1 step for clock drift); null otherwise. Each
 * step's code is generated and compared, so the step returned is the code's own: `check` would apply
 * the default window again around every step tried, and a code would count as its neighbour's.
 */
export function matchTotp(secret: string, token: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(token)) return null;
  const step = Math.floor(now / 30_000);
  let matched: number | null = null;
  for (const s of [step - 1, step, step + 1]) {
    if (safeEqual(totpNow(secret, s * 30_000), token) && matched === null) matched = s;
  }
  return matched;
}

export function totpNow(secret: string, now = Date.now()): string {
  return authenticator.clone({ epoch: now, window: 0 }).generate(secret);
}

export async function enrolmentQr(secret: string, email: string): Promise<{ uri: string; dataUrl: string }> {
  const uri = authenticator.keyuri(email, 'Account Recovery Desk', secret);
  return { uri, dataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 220 }) };
}
