import type { PrismaClient } from '~/generated/prisma/client';

export type DeliveredMessage = {
  id: string;
  channel: 'EMAIL' | 'SMS';
  to: string;
  subject: string;
  text: string;
  template: string;
  sentAt: string;
};

/** Delivered messages, newest first — only ever served outside production. */
export async function listDelivered(
  prisma: PrismaClient,
  options: { to?: string | null; limit?: number } = {},
): Promise<DeliveredMessage[]> {
  const rows = await prisma.outboxMessage.findMany({
    where: { status: 'SENT', ...(options.to ? { recipient: options.to.trim().toLowerCase() } : {}) },
    orderBy: [{ sentAt: 'desc' }, { createdAt: 'desc' }],
    take: Math.min(options.limit ?? 50, 200),
  });
  return rows.map((m) => ({
    id: m.id,
    channel: m.channel,
    to: m.recipient,
    subject: m.subject,
    text: m.text,
    template: m.template,
    sentAt: (m.sentAt ?? m.createdAt).toISOString(),
  }));
}
