/** Prisma's unique-constraint error (P2002), optionally on a given column — without instanceof across bundles. */
export function isUniqueViolation(err: unknown, field?: string): boolean {
  const e = err as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } }; message?: string };
  if (e?.code !== 'P2002') return false;
  if (!field) return true;
  const target = e.meta?.target;
  const fields = Array.isArray(target) ? target : typeof target === 'string' ? [target] : e.meta?.driverAdapterError?.cause?.constraint?.fields ?? [];
  return fields.some((f) => String(f).includes(field)) || (e.message ?? '').includes(field);
}
