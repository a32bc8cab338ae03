// What the dashboard page and its CSV export show: the figures, read once, shaped into charts, tables
// and the people table this member may see (CASL's Report subject decides which rows).
import { z } from 'zod';
import type { AppAbility } from '~/authz/ability';
import { on } from '~/authz/ability';
import type { Database } from '~/db/connect.server';
import { RISK_LABELS } from '~/appeals/risk';
import { loadFlow, loadNow, type FlowFigures, type NowFigures } from './dashboard.server';
import {
  OUTCOMES,
  OUTCOME_LABELS,
  RANGES,
  hoursWords,
  percentWords,
  percentileHours,
  summarise,
  type RangeKey,
  type Summary,
} from './figures';
import { COLORS, barChart, hbarChart, lineChart, type ChartModel } from './charts.server';

export const rangeSchema = z.enum(Object.keys(RANGES) as [RangeKey, ...RangeKey[]], {
  error: 'Choose a range from the list.',
});

/** The range of a query string: 30 days when none is given; a message when the one given is not a range. */
export function readRange(params: URLSearchParams): { range: RangeKey; error: string | null } {
  const raw = params.get('range');
  if (raw === null || raw.trim() === '') return { range: '30d', error: null };
  const parsed = rangeSchema.safeParse(raw);
  return parsed.success ? { range: parsed.data, error: null } : { range: '30d', error: parsed.error.issues[0].message };
}

export type PersonRow = {
  staffId: string;
  name: string;
  you: boolean;
  open: number;
  decided: number;
  medianHandlingHours: number | null;
  secondApprovals: number;
};

export type DashboardModel = {
  empty: boolean;
  range: RangeKey;
  now: NowFigures;
  summary: Summary;
  charts: ChartModel[];
  people: {
    rows: PersonRow[];
    team: Omit<PersonRow, 'staffId' | 'name' | 'you'> & { members: number };
    seesEveryone: boolean;
  };
  refreshedAt: string | null;
  liveFrom: string | null;
};

const pct = (v: number | null) => percentWords(v);

export async function buildDashboard(
  db: Pick<Database, 'sql' | 'prisma'>,
  ability: AppAbility,
  me: string,
  range: RangeKey,
  now: Date,
): Promise<DashboardModel> {
  const [nowFigures, flow, staff, any] = await Promise.all([
    loadNow(db, now),
    loadFlow(db, range, now),
    db.prisma.staff.findMany({
      where: { OR: [{ active: true }, { id: me }] },
      select: { id: true, name: true, roles: true },
      orderBy: { name: 'asc' },
    }),
    db.prisma.appeal.findFirst({ select: { id: true } }),
  ]);
  const summary = summarise(flow.total);
  return {
    empty: !any,
    range,
    now: nowFigures,
    summary,
    charts: charts(flow, summary, range),
    people: people(flow, nowFigures, staff, ability, me),
    refreshedAt: flow.refreshedAt?.toISOString() ?? null,
    liveFrom: flow.liveFrom,
  };
}

function charts(flow: FlowFigures, total: Summary, range: RangeKey): ChartModel[] {
  const per = RANGES[range].bucket;
  const labels = flow.buckets.map((b) => b.day);
  const sums = flow.buckets.map((b) => summarise(b));
  const head = per === 'day' ? 'Day' : 'Week';
  const busiest = flow.buckets.reduce((m, b) => (b.filed > m.filed ? b : m), flow.buckets[0]);
  const outcomeColors = [COLORS.green, COLORS.red, COLORS.grey, COLORS.amber, COLORS.purple];
  const signals = total.topSignals.map((s) => ({ label: RISK_LABELS[s.code] ?? s.code, value: s.count }));
  return [
    barChart(
      'filed',
      'Cases filed',
      total.filed
        ? `${total.filed} cases filed in the range; the busiest ${per} was ${busiest.day} with ${busiest.filed}.`
        : 'No case was filed in the range.',
      head,
      labels,
      [{ key: 'filed', label: 'Filed', color: COLORS.blue, values: flow.buckets.map((b) => b.filed) }],
    ),
    barChart(
      'decided',
      'Cases decided, by outcome',
      total.decidedTotal
        ? `${total.decidedTotal} cases closed: ${OUTCOMES.map((o) => `${total.decided[o]} ${OUTCOME_LABELS[o].toLowerCase()}`).join(', ')}.`
        : 'No case was closed in the range.',
      head,
      labels,
      OUTCOMES.map((o, i) => ({
        key: o,
        label: OUTCOME_LABELS[o],
        color: outcomeColors[i],
        values: flow.buckets.map((b) => b[o]),
      })),
    ),
    lineChart(
      'time',
      'Time from filing to decision',
      total.medianHours === null
        ? 'No case was approved or rejected in the range.'
        : `Approved and rejected cases: half were decided within ${hoursWords(total.medianHours)}, nine in ten within ${hoursWords(total.p90Hours)}.`,
      head,
      labels,
      [
        { key: 'median', label: 'Median (hours)', color: COLORS.blue, values: sums.map((s) => s.medianHours) },
        {
          key: 'p90',
          label: '90th percentile (hours)',
          color: COLORS.red,
          dash: '6 4',
          values: sums.map((s) => s.p90Hours),
        },
      ],
      'hours',
    ),
    lineChart(
      'shares',
      'Within SLA, approval rate and high risk',
      `Decided within the SLA: ${pct(total.withinSlaShare)}; approved of approved and rejected: ${pct(total.approvalRate)}; filed as high risk: ${pct(total.highRiskShare)}.`,
      head,
      labels,
      [
        {
          key: 'withinSla',
          label: 'Decided within SLA',
          color: COLORS.green,
          values: sums.map((s) => s.withinSlaShare),
        },
        {
          key: 'approvalRate',
          label: 'Approval rate',
          color: COLORS.blue,
          dash: '6 4',
          values: sums.map((s) => s.approvalRate),
        },
        {
          key: 'highRisk',
          label: 'Filed as high risk',
          color: COLORS.red,
          dash: '2 3',
          values: sums.map((s) => s.highRiskShare),
        },
      ],
      'percent',
    ),
    hbarChart(
      'signals',
      'Most frequent risk signals',
      signals.length
        ? `Of the cases filed in the range, the most frequent signal was “${signals[0].label}” (${signals[0].value}).`
        : 'No case filed in the range carried a risk signal.',
      'Risk signal',
      signals,
      'Cases',
    ),
  ];
}

function people(
  flow: FlowFigures,
  nowFigures: NowFigures,
  staff: { id: string; name: string; roles: string[] }[],
  ability: AppAbility,
  me: string,
): DashboardModel['people'] {
  // Each member's days, gathered once: one pass over the range's rows, not one per member.
  type Sums = { decided: number; secondApprovals: number; hours: Record<string, number> };
  const byStaff = new Map<string, Sums>();
  const teamSums: Sums = { decided: 0, secondApprovals: 0, hours: {} };
  const add = (into: Sums, p: FlowFigures['people'][number]) => {
    into.decided += p.decided;
    into.secondApprovals += p.secondApprovals;
    for (const [k, v] of Object.entries(p.handlingHours)) into.hours[k] = (into.hours[k] ?? 0) + v;
  };
  for (const p of flow.people) {
    let sums = byStaff.get(p.staffId);
    if (!sums) byStaff.set(p.staffId, (sums = { decided: 0, secondApprovals: 0, hours: {} }));
    add(sums, p);
    add(teamSums, p);
  }
  const workers = staff.filter(
    (s) =>
      s.roles.includes('AGENT') || s.roles.includes('SENIOR_AGENT') || nowFigures.assigned[s.id] || byStaff.has(s.id),
  );
  const row = (s: { id: string; name: string }): PersonRow => {
    const sums = byStaff.get(s.id);
    return {
      staffId: s.id,
      name: s.name,
      you: s.id === me,
      open: nowFigures.assigned[s.id] ?? 0,
      decided: sums?.decided ?? 0,
      medianHandlingHours: percentileHours(sums?.hours ?? {}, 0.5),
      secondApprovals: sums?.secondApprovals ?? 0,
    };
  };
  const all = workers.map(row);
  const team = {
    members: workers.length,
    open: Object.values(nowFigures.assigned).reduce((a, b) => a + b, 0),
    decided: teamSums.decided,
    medianHandlingHours: percentileHours(teamSums.hours, 0.5),
    secondApprovals: teamSums.secondApprovals,
  };
  const visible = all.filter((r) => ability.can('read', on('Report', { kind: 'person', staffId: r.staffId }) as never));
  return {
    rows: visible,
    team,
    seesEveryone: ability.can(
      'read',
      on('Report', { kind: 'person', staffId: '00000000-0000-0000-0000-000000000000' }) as never,
    ),
  };
}

/** The series a CSV export can carry, each a table of the page. */
export const CSV_SERIES = ['filed', 'decided', 'time', 'shares', 'signals', 'people'] as const;
export type CsvSeries = (typeof CSV_SERIES)[number];
export const csvSeriesSchema = z.enum(CSV_SERIES, { error: 'Choose a series from the list.' });

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quoted always; a leading =, +, - or @ is defused so a spreadsheet never runs it as a formula.
  return `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

/** One series as CSV: the chart's table (raw numbers: shares as fractions, times in hours), or the people table. */
export function seriesCsv(model: DashboardModel, series: CsvSeries): string {
  const lines: unknown[][] = [];
  if (series === 'people') {
    lines.push(['member', 'open assigned', 'decided in range', 'median handling hours', 'second approvals given']);
    for (const r of model.people.rows)
      lines.push([r.name, r.open, r.decided, r.medianHandlingHours, r.secondApprovals]);
    const t = model.people.team;
    lines.push([`team (${t.members})`, t.open, t.decided, t.medianHandlingHours, t.secondApprovals]);
  } else {
    const chart = model.charts.find((c) => c.id === series)!;
    lines.push([chart.table.head.toLowerCase(), ...chart.table.series.map((s) => s.label)]);
    chart.table.rows.forEach((label, i) => lines.push([label, ...chart.table.series.map((s) => s.values[i])]));
  }
  return `${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
}
