import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Keys for secrets kept in the database (staff TOTP secrets, SSO client secrets) and in sealed cookies,
 * apart from the cookie-signing secrets. `keys` (ENCRYPTION_KEYS, newest first): the first encrypts,
 * every one decrypts what names its id. `legacy`: what values sealed before key ids (format v1) may be
 * under — ENCRYPTION_SECRET, then each SESSION_SECRET — tried in turn (the GCM tag tells which fits).
 */
export type EncryptionKeys = { keys: { id: string; secret: string }[]; legacy: string[] };
/** A key ring, or one secret (values sealed with it use the v1 format). */
export type KeyMaterial = EncryptionKeys | string;

const ringOf = (material: KeyMaterial): EncryptionKeys =>
  typeof material === 'string' ? { keys: [], legacy: [material] } : material;

/** AES-256-GCM, one key per purpose derived from the secret. */
function keyFor(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'account-recovery-desk', purpose, 32));
}

function seal(secret: string, purpose: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, purpose), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function open(secret: string, purpose: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, purpose), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** `v2.<key id>.<sealed>` under the newest key; `v1.<sealed>` when there are no key ids (no ENCRYPTION_KEYS). */
export function encryptSecret(material: KeyMaterial, purpose: string, plain: string): string {
  const ring = ringOf(material);
  const newest = ring.keys[0];
  if (newest) return `v2.${newest.id}.${seal(newest.secret, purpose, plain)}`;
  if (!ring.legacy[0]) throw new Error('no encryption key');
  return `v1.${seal(ring.legacy[0], purpose, plain)}`;
}

export class UnknownKeyError extends Error {}

export function decryptSecret(material: KeyMaterial, purpose: string, sealed: string): string {
  const ring = ringOf(material);
  const v2 = /^v2\.([A-Za-z0-9_-]{1,32})\.(.*)$/s.exec(sealed);
  if (v2) {
    const key = ring.keys.find((k) => k.id === v2[1]);
    if (!key)
      throw new UnknownKeyError(`a secret is sealed under the key "${v2[1]}", which ENCRYPTION_KEYS does not hold`);
    return open(key.secret, purpose, v2[2]);
  }
  if (!sealed.startsWith('v1.')) throw new Error('unknown secret format');
  let failure: unknown = new UnknownKeyError(
    'no key opens this secret (sealed before key ids: under ENCRYPTION_SECRET or a SESSION_SECRET no longer set)',
  );
  for (const secret of new Set([...ring.legacy, ...ring.keys.map((k) => k.secret)])) {
    try {
      return open(secret, purpose, sealed.slice(3));
    } catch (err) {
      failure = err instanceof Error && /authenticate/.test(err.message) ? failure : err;
    }
  }
  throw failure;
}

/** Whether a sealed value is under the key that encrypts now (else `npm run secrets:reencrypt` moves it there). */
export function sealedUnderNewest(material: KeyMaterial, purpose: string, sealed: string): boolean {
  const ring = ringOf(material);
  const newest = ring.keys[0];
  if (newest) return sealed.startsWith(`v2.${newest.id}.`);
  if (!sealed.startsWith('v1.') || !ring.legacy[0]) return false;
  try {
    open(ring.legacy[0], purpose, sealed.slice(3));
    return true;
  } catch {
    return false;
  }
}
