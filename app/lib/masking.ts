/** a***e@example.com — enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return email ? `${email[0]}***` : '';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const shown = local.length <= 2 ? `${local[0]}***` : `${local[0]}***${local[local.length - 1]}`;
  return `${shown}@${domain}`;
}

/** +86 138****0001 */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.length < 7) return '****';
  return `${digits.slice(0, digits.length - 8)}****${digits.slice(-4)}`;
}

/** An email or a phone number, masked the same way everywhere. */
export function maskDestination(target: string): string {
  return target.includes('@') ? maskEmail(target) : (maskPhone(target) ?? '');
}
