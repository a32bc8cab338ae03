// The queue's words for where each case stands (appeals/queue-view.ts).
import { describe, expect, it } from 'vitest';
import { ageWords, duration, slaWords, stateWords } from '~/appeals/queue-view';

const now = new Date('2026-12-03T12:00:00Z');
const at = (hours: number) => new Date(now.getTime() + hours * 3600_000);
const row = (over: Record<string, unknown> = {}) =>
  ({
    status: 'IN_REVIEW' as const,
    assigneeId: 's1',
    slaDueAt: at(30),
    submittedAt: at(-50),
    decidedAt: null,
    handoverAt: null,
    handedOverAt: null,
    ...over,
  }) as Parameters<typeof slaWords>[0];

describe('queue words', () => {
  it.each([
    [0, '0 min'],
    [59_000, '0 min'],
    [12 * 60_000, '12 min'],
    [3600_000, '1 h'],
    [5 * 3600_000 + 10 * 60_000, '5 h 10 min'],
    [24 * 3600_000, '1 d'],
    [3 * 86400_000 + 4 * 3600_000 + 59 * 60_000, '3 d 4 h'],
    [-5_000, '0 min'],
  ])('%i ms reads %s', (ms, words) => {
    expect(duration(ms)).toBe(words);
  });

  it('a case released to the queue reads "unassigned"; one held reads "in review"', () => {
    expect(stateWords(row({ assigneeId: null }))).toBe('unassigned');
    expect(stateWords(row())).toBe('in review');
    expect(stateWords(row({ status: 'CANCELLED_BY_OWNER' }))).toBe('stopped by the owner');
  });

  it.each([
    ['on time', row(), { text: 'due in 1 d 6 h (04 Dec 2026 18:00)', tone: null }],
    ['due within 24 h', row({ slaDueAt: at(5) }), { text: 'due in 5 h (03 Dec 2026 17:00)', tone: 'warn' }],
    ['breached', row({ slaDueAt: at(-3) }), { text: 'breached 3 h ago (due 03 Dec 2026 09:00)', tone: 'bad' }],
    [
      'waiting for the customer',
      row({ status: 'AWAITING_CUSTOMER', slaDueAt: at(-3) }),
      { text: 'paused — waiting for the customer (due 03 Dec 2026 09:00, frozen)', tone: 'muted' },
    ],
    [
      'approved, on hold',
      row({ status: 'APPROVED', decidedAt: at(-1), handoverAt: at(23) }),
      { text: 'takes effect 04 Dec 2026 11:00', tone: 'muted' },
    ],
    [
      'approved, handed over',
      row({ status: 'APPROVED', decidedAt: at(-1), handoverAt: at(-1), handedOverAt: at(-1) }),
      { text: 'closed 03 Dec 2026 11:00', tone: 'muted' },
    ],
    ['rejected', row({ status: 'REJECTED', decidedAt: at(-2) }), { text: 'closed 03 Dec 2026 10:00', tone: 'muted' }],
  ])('SLA, %s', (_, r, words) => {
    expect(slaWords(r, now)).toEqual(words);
  });

  it('the age counts from the filing', () => {
    expect(ageWords(row(), now)).toBe('2 d 2 h');
  });
});
