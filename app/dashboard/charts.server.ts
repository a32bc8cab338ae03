// Chart geometry, computed on the server with d3-scale and d3-shape: the page renders it as plain SVG
// (no script needed for a chart to appear, and d3 never reaches the browser). Each chart also carries
// its numbers as a table and a sentence that says what it shows.
import { scaleBand, scaleLinear } from 'd3-scale';
import { line, stack } from 'd3-shape';

import { CHART_H, CHART_W } from './chart-size';

export { CHART_H, CHART_W };
const M = { top: 12, right: 8, bottom: 26, left: 48 };

export type Series = { key: string; label: string; color: string; values: (number | null)[]; dash?: string };
export type ChartModel = {
  id: string;
  title: string;
  summary: string;
  kind: 'bars' | 'stacked' | 'lines' | 'hbars';
  unit: string;
  /** The table beside the chart: the first column's heading, row labels, one column per series. */
  table: { head: string; rows: string[]; series: Series[]; format: 'count' | 'hours' | 'percent' };
  svg: {
    bars: { x: number; y: number; w: number; h: number; color: string; title: string }[];
    paths: { d: string; color: string; dash?: string }[];
    dots: { x: number; y: number; color: string; title: string }[];
    yTicks: { y: number; label: string }[];
    xTicks: { x: number; label: string }[];
    labels: { x: number; y: number; text: string; anchor: 'start' | 'end' }[];
  };
  legend: { label: string; color: string; dash?: string }[];
};

// Colours on white at ≥ 3:1 (WCAG 1.4.11), told apart by the legend's words and dashes too.
export const COLORS = {
  blue: '#1f5fbf',
  green: '#2e7d32',
  red: '#c62828',
  amber: '#8a5a00',
  grey: '#5b6470',
  purple: '#6a3fa0',
  teal: '#00796b',
};

// Coordinates to a tenth of a unit (the viewBox is CHART_W wide): d3's full doubles only make the page heavier.
const r1 = (v: number) => Math.round(v * 10) / 10;

function niceMax(max: number) {
  return max <= 0 ? 1 : max;
}

function xTicksFor(labels: string[], x: (l: string) => number, width: number) {
  const every = Math.max(1, Math.ceil(labels.length / 5));
  return labels
    .filter((_, i) => i % every === 0)
    .map((l) => ({ x: r1(x(l) + width / 2), label: l.replace('week of ', '').slice(5) }));
}

function yTicks(y: ReturnType<typeof scaleLinear<number, number>>, fmt: (v: number) => string) {
  return y.ticks(4).map((v) => ({ y: r1(y(v)), label: fmt(v) }));
}

const fmtFor = (format: ChartModel['table']['format']) => (v: number) =>
  format === 'percent' ? `${Math.round(v * 100)}%` : format === 'hours' ? `${Math.round(v)} h` : `${Math.round(v)}`;

/** Bars per bucket, stacked when there is more than one series. */
export function barChart(
  id: string,
  title: string,
  summary: string,
  head: string,
  labels: string[],
  series: Series[],
): ChartModel {
  const x = scaleBand<string>()
    .domain(labels)
    .range([M.left, CHART_W - M.right])
    .padding(0.2);
  // d3's stack over the series' values at each bucket index.
  const layers = stack<number[]>()
    .keys(series.map((_, i) => String(i)))
    .value((row, key) => row[Number(key)] ?? 0)(labels.map((_, i) => series.map((s) => s.values[i] ?? 0)));
  const max = niceMax(Math.max(0, ...layers.flatMap((l) => l.map((p) => p[1]))));
  const y = scaleLinear()
    .domain([0, max])
    .nice()
    .range([CHART_H - M.bottom, M.top]);
  const bars = layers.flatMap((layer, si) =>
    layer.map((p, i) => ({
      x: r1(x(labels[i])!),
      y: r1(y(p[1])),
      w: r1(x.bandwidth()),
      h: r1(Math.max(0, y(p[0]) - y(p[1]))),
      color: series[si].color,
      title: `${labels[i]}: ${series[si].label} ${series[si].values[i] ?? 0}`,
    })),
  );
  return {
    id,
    title,
    summary,
    kind: series.length > 1 ? 'stacked' : 'bars',
    unit: 'cases',
    table: { head, rows: labels, series, format: 'count' },
    svg: {
      bars: bars.filter((b) => b.h > 0),
      paths: [],
      dots: [],
      yTicks: yTicks(y, fmtFor('count')),
      xTicks: xTicksFor(labels, (l) => x(l)!, x.bandwidth()),
      labels: [],
    },
    legend: series.map((s) => ({ label: s.label, color: s.color })),
  };
}

/** Lines per bucket (gaps where a bucket has no value). */
export function lineChart(
  id: string,
  title: string,
  summary: string,
  head: string,
  labels: string[],
  series: Series[],
  format: 'hours' | 'percent',
): ChartModel {
  const x = scaleBand<string>()
    .domain(labels)
    .range([M.left, CHART_W - M.right])
    .padding(0.2);
  const max =
    format === 'percent'
      ? 1
      : niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const y = scaleLinear()
    .domain([0, max])
    .nice()
    .range([CHART_H - M.bottom, M.top]);
  const cx = (i: number) => x(labels[i])! + x.bandwidth() / 2;
  const paths = series.map((s) => ({
    d:
      line<number | null>()
        .digits(1)
        .defined((v) => v !== null)
        .x((_, i) => cx(i))
        .y((v) => y(v ?? 0))(s.values) ?? '',
    color: s.color,
    dash: s.dash,
  }));
  const fmt = fmtFor(format);
  const dots = series.flatMap((s) =>
    s.values.flatMap((v, i) =>
      v === null ? [] : [{ x: r1(cx(i)), y: r1(y(v)), color: s.color, title: `${labels[i]}: ${s.label} ${fmt(v)}` }],
    ),
  );
  return {
    id,
    title,
    summary,
    kind: 'lines',
    unit: format,
    table: { head, rows: labels, series, format },
    svg: {
      bars: [],
      paths,
      dots,
      yTicks: yTicks(y, fmt),
      xTicks: xTicksFor(labels, (l) => x(l)!, x.bandwidth()),
      labels: [],
    },
    legend: series.map((s) => ({ label: s.label, color: s.color, dash: s.dash })),
  };
}

/** Horizontal bars, one per row (e.g. the most frequent risk signals): the row's name above its bar, the count after it. */
export const HBAR_ROW = 46;
export function hbarChart(
  id: string,
  title: string,
  summary: string,
  head: string,
  rows: { label: string; value: number }[],
  label: string,
): ChartModel {
  const x = scaleLinear()
    .domain([0, niceMax(Math.max(0, ...rows.map((r) => r.value)))])
    .range([8, CHART_W - 40]);
  const top = (i: number) => 10 + i * HBAR_ROW;
  return {
    id,
    title,
    summary,
    kind: 'hbars',
    unit: 'cases',
    table: {
      head,
      rows: rows.map((r) => r.label),
      series: [{ key: 'count', label, color: COLORS.purple, values: rows.map((r) => r.value) }],
      format: 'count',
    },
    svg: {
      bars: rows.map((r, i) => ({
        x: 8,
        y: top(i) + 20,
        w: r1(Math.max(1, x(r.value) - 8)),
        h: 18,
        color: COLORS.purple,
        title: `${r.label}: ${r.value}`,
      })),
      paths: [],
      dots: [],
      yTicks: [],
      xTicks: [],
      labels: rows.flatMap((r, i) => [
        { x: 8, y: top(i) + 14, text: r.label, anchor: 'start' as const },
        { x: r1(x(r.value) + 8), y: top(i) + 34, text: String(r.value), anchor: 'start' as const },
      ]),
    },
    legend: [],
  };
}

export const chartHeight = (c: ChartModel) =>
  c.kind === 'hbars' ? Math.max(60, c.table.rows.length * HBAR_ROW + 20) : CHART_H;
