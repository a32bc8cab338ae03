// The dashboard's arithmetic on day figures: merging days into buckets, percentiles from hour
// histograms, rates. Pure, so every statistic is checked against hand-worked values without a database.

/** One UTC day of the desk's flow (a roll-up row, or the same counted live). */
export type DayFigures = {
  day: string; // YYYY-MM-DD
  filed: number;
  filedHigh: number;
  approved: number;
  rejected: number;
  withdrawn: number;
  expired: number;
  cancelled: number;
  /** Approved or rejected by the due date. */
  withinSla: number;
  /** Filing to decision (approved or rejected), whole hours → how many. */
  decisionHours: Record<string, number>;
  /** Risk signal code → cases filed that day carrying it. */
  signals: Record<string, number>;
};

/** One UTC day of one member's decisions. */
export type StaffDayFigures = {
  day: string;
  staffId: string;
  decided: number;
  secondApprovals: number;
  handlingHours: Record<string, number>;
};

export const OUTCOMES = ['approved', 'rejected', 'withdrawn', 'expired', 'cancelled'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME_LABELS: Record<Outcome, string> = {
  approved: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  expired: 'Expired',
  cancelled: 'Stopped by the owner',
};

export const emptyDay = (day: string): DayFigures => ({
  day,
  filed: 0,
  filedHigh: 0,
  approved: 0,
  rejected: 0,
  withdrawn: 0,
  expired: 0,
  cancelled: 0,
  withinSla: 0,
  decisionHours: {},
  signals: {},
});

function addCounts(into: Record<string, number>, from: Record<string, number>) {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + Number(v);
}

/** Days added up (into a bucket or the whole range). */
export function sumDays(label: string, days: DayFigures[]): DayFigures {
  const out = emptyDay(label);
  for (const d of days) {
    for (const k of [
      'filed',
      'filedHigh',
      'approved',
      'rejected',
      'withdrawn',
      'expired',
      'cancelled',
      'withinSla',
    ] as const)
      out[k] += d[k];
    addCounts(out.decisionHours, d.decisionHours);
    addCounts(out.signals, d.signals);
  }
  return out;
}

/**
 * The p-th percentile (0 < p ≤ 1) of a histogram of whole hours, by nearest rank: the smallest value
 * with at least ⌈p·n⌉ observations at or below it. Null when there are none.
 */
export function percentileHours(hist: Record<string, number>, p: number): number | null {
  const entries = Object.entries(hist)
    .map(([h, n]) => [Number(h), Number(n)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0]);
  const n = entries.reduce((s, [, c]) => s + c, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (const [h, c] of entries) {
    seen += c;
    if (seen >= rank) return h;
  }
  return entries[entries.length - 1][0];
}

/** A share as a fraction, or null when there is nothing to share. */
export const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

export type Summary = {
  filed: number;
  decided: Record<Outcome, number>;
  decidedTotal: number;
  medianHours: number | null;
  p90Hours: number | null;
  withinSlaShare: number | null;
  approvalRate: number | null;
  highRiskShare: number | null;
  topSignals: { code: string; count: number }[];
};

/** The figures of a range (or a bucket): the statistics the dashboard shows. */
export function summarise(d: DayFigures, topN = 5): Summary {
  const staffDecisions = d.approved + d.rejected;
  return {
    filed: d.filed,
    decided: {
      approved: d.approved,
      rejected: d.rejected,
      withdrawn: d.withdrawn,
      expired: d.expired,
      cancelled: d.cancelled,
    },
    decidedTotal: OUTCOMES.reduce((s, o) => s + d[o], 0),
    medianHours: percentileHours(d.decisionHours, 0.5),
    p90Hours: percentileHours(d.decisionHours, 0.9),
    withinSlaShare: share(d.withinSla, staffDecisions),
    approvalRate: share(d.approved, staffDecisions),
    highRiskShare: share(d.filedHigh, d.filed),
    topSignals: Object.entries(d.signals)
      .map(([code, count]) => ({ code, count: Number(count) }))
      .filter((s) => s.count > 0)
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
      .slice(0, topN),
  };
}

// ───── ranges and buckets ─────

export const RANGES = {
  '30d': { label: 'Last 30 days, by day', bucket: 'day' as const },
  '12m': { label: 'Last 12 months, by week', bucket: 'week' as const },
};
export type RangeKey = keyof typeof RANGES;

const DAY_MS = 86_400_000;
export const isoDay = (t: number | Date) =>
  new Date(typeof t === 'number' ? t : t.getTime()).toISOString().slice(0, 10);
const dayStart = (now: Date) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());

/** The days of a range, ending today (UTC), and its buckets (of `size` days from `from`): 30 days; or 52 weeks (Monday to Sunday) ending with this week. */
export function rangeDays(
  key: RangeKey,
  now: Date,
): { from: string; to: string; size: number; buckets: { label: string; days: string[] }[] } {
  const today = dayStart(now);
  if (key === '30d') {
    const days = Array.from({ length: 30 }, (_, i) => isoDay(today - (29 - i) * DAY_MS));
    return { from: days[0], to: isoDay(today + DAY_MS), size: 1, buckets: days.map((d) => ({ label: d, days: [d] })) };
  }
  const monday = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY_MS;
  const first = monday - 51 * 7 * DAY_MS;
  const buckets = Array.from({ length: 52 }, (_, w) => {
    const start = first + w * 7 * DAY_MS;
    const days = Array.from({ length: 7 }, (_, i) => start + i * DAY_MS)
      .filter((t) => t <= today)
      .map(isoDay);
    return { label: `week of ${isoDay(start)}`, days };
  });
  return { from: isoDay(first), to: isoDay(today + DAY_MS), size: 7, buckets };
}

/** Hours as people read them: "18 h", "2 d 6 h". */
export function hoursWords(h: number | null): string {
  if (h === null) return '—';
  if (h < 24) return `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export const percentWords = (f: number | null) => (f === null ? '—' : `${Math.round(f * 1000) / 10} %`);
