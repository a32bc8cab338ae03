// A chart as the server computed it: an SVG (role="img", named by its title and described by its
// summary), its legend in words, and its numbers as a table beside it.
import type { ChartModel } from '../charts.server';
import { CHART_H, CHART_W } from '../chart-size';

const fmt = (format: ChartModel['table']['format'], v: number | null) => {
  if (v === null || v === undefined) return '—';
  if (format === 'percent') return `${Math.round(v * 1000) / 10} %`;
  if (format === 'hours') return `${v} h`;
  return String(v);
};

export function Chart({ chart, csvHref }: { chart: ChartModel; csvHref: string }) {
  const height = chart.kind === 'hbars' ? Math.max(60, chart.table.rows.length * 46 + 20) : CHART_H;
  const titleId = `chart-${chart.id}-title`;
  const summaryId = `chart-${chart.id}-summary`;
  const { svg } = chart;
  return (
    <section className="card chart" aria-labelledby={titleId} data-testid={`chart-${chart.id}`}>
      <h3 id={titleId}>{chart.title}</h3>
      <p id={summaryId}>{chart.summary}</p>
      <div className="chart-body">
        <figure className="chart-figure">
          {chart.table.rows.length ? (
            <svg
              viewBox={`0 0 ${CHART_W} ${height}`}
              role="img"
              aria-labelledby={titleId}
              aria-describedby={summaryId}
              preserveAspectRatio="xMidYMid meet"
            >
              {svg.yTicks.map((t) => (
                <g key={`y${t.y}`}>
                  <line x1={48} x2={CHART_W - 8} y1={t.y} y2={t.y} stroke="#d9dde3" />
                  <text x={44} y={t.y + 5} textAnchor="end" fontSize={14} fill="#4a525c">
                    {t.label}
                  </text>
                </g>
              ))}
              {svg.xTicks.map((t) => (
                <text key={`x${t.x}`} x={t.x} y={height - 6} textAnchor="middle" fontSize={14} fill="#4a525c">
                  {t.label}
                </text>
              ))}
              {svg.bars.map((b, i) => (
                <rect key={`b${i}`} x={b.x} y={b.y} width={b.w} height={b.h} fill={b.color}>
                  <title>{b.title}</title>
                </rect>
              ))}
              {svg.paths.map((p, i) => (
                <path key={`p${i}`} d={p.d} fill="none" stroke={p.color} strokeWidth={2.5} strokeDasharray={p.dash} />
              ))}
              {svg.dots.map((d, i) => (
                <circle key={`d${i}`} cx={d.x} cy={d.y} r={3} fill={d.color}>
                  <title>{d.title}</title>
                </circle>
              ))}
              {svg.labels.map((l, i) => (
                <text key={`l${i}`} x={l.x} y={l.y} textAnchor={l.anchor} fontSize={14} fill="#1f2329">
                  {l.text}
                </text>
              ))}
            </svg>
          ) : null}
          {chart.legend.length ? (
            <figcaption>
              <ul className="legend">
                {chart.legend.map((l) => (
                  <li key={l.label}>
                    <svg width="24" height="10" aria-hidden="true">
                      <line
                        x1="0"
                        x2="24"
                        y1="5"
                        y2="5"
                        stroke={l.color}
                        strokeWidth={chart.kind === 'lines' ? 3 : 10}
                        strokeDasharray={l.dash}
                      />
                    </svg>{' '}
                    {l.label}
                  </li>
                ))}
              </ul>
            </figcaption>
          ) : null}
        </figure>
        <div className="chart-table" role="region" aria-label={`${chart.title}: the numbers`} tabIndex={0}>
          <table>
            <caption className="visually-hidden">{chart.title}: the numbers</caption>
            <thead>
              <tr>
                <th scope="col">{chart.table.head}</th>
                {chart.table.series.map((s) => (
                  <th scope="col" key={s.key}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {chart.table.rows.map((r, i) => (
                <tr key={r}>
                  <th scope="row">{r}</th>
                  {chart.table.series.map((s) => (
                    <td key={s.key}>{fmt(chart.table.format, s.values[i])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <p className="small">
        <a href={csvHref} download>
          Download “{chart.title}” as CSV
        </a>
      </p>
    </section>
  );
}
