import { YGrid } from './YGrid'
import { DAY_MS, fmtDay, linear, niceTicks, PALETTE } from './scale'

export interface LinePoint {
  /** Epoch milliseconds. */
  t: number
  y: number
}

export interface LineSeries {
  name: string
  points: LinePoint[]
  highlight?: boolean
}

const W = 720
const H = 320
const M = { top: 28, right: 16, bottom: 44, left: 56 }

/**
 * Step lines over time (e.g. a team's best score so far), one colour per series, extended to
 * `until`. Server-rendered SVG with a title, description, axis labels and a legend.
 */
export function LineChart({ id, title, series, yLabel, xLabel = 'Date (UTC)', from, until }: { id: string; title: string; series: LineSeries[]; yLabel: string; xLabel?: string; from?: number; until?: number }) {
  const all = series.flatMap((s) => s.points)
  if (all.length === 0) {
    return (
      <figure className="chart-figure">
        <figcaption className="muted">{title}: no data yet.</figcaption>
      </figure>
    )
  }
  const last = Math.max(...all.map((p) => p.t))
  const end = Math.max(until ?? last, last)
  const t0 = Math.min(from ?? Infinity, ...all.map((p) => p.t))
  const t1 = Math.max(end, t0 + DAY_MS)
  const yTicks = niceTicks(Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y)))
  const y = linear([yTicks[0], yTicks[yTicks.length - 1]], [H - M.bottom, M.top])
  const x = linear([t0, t1], [M.left, W - M.right])
  const days = Math.max(1, Math.round((t1 - t0) / DAY_MS))
  const stepDays = Math.max(1, Math.ceil(days / 8))
  const xTicks: number[] = []
  for (let t = Math.ceil(t0 / DAY_MS) * DAY_MS; t <= t1; t += stepDays * DAY_MS) xTicks.push(t)
  const path = (pts: LinePoint[]) => {
    const sorted = [...pts].sort((a, b) => a.t - b.t)
    let d = ''
    sorted.forEach((p, i) => {
      d += i === 0 ? `M${x(p.t).toFixed(1)},${y(p.y).toFixed(1)}` : `H${x(p.t).toFixed(1)}V${y(p.y).toFixed(1)}`
    })
    return `${d}H${x(end).toFixed(1)}`
  }
  const best = series.map((s) => Math.max(...s.points.map((p) => p.y)))
  return (
    <figure className="chart-figure" style={{ margin: 0 }}>
      <div className="chart-scroll">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>
          {series.map((s, i) => `${s.name}: best ${best[i].toFixed(4)}`).join('; ')}
        </desc>
        <text className="title" x={M.left} y={16}>
          {title}
        </text>
        <YGrid ticks={yTicks} y={y} left={M.left} right={W - M.right} />
        {xTicks.map((t) => (
          <text key={`x${t}`} x={x(t)} y={H - M.bottom + 16} textAnchor="middle">
            {fmtDay(t)}
          </text>
        ))}
        <line className="axis" x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
        <line className="axis" x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
        <text x={(M.left + W - M.right) / 2} y={H - 6} textAnchor="middle">
          {xLabel}
        </text>
        <text transform={`translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
          {yLabel}
        </text>
        {series.map((s, i) => (
          <g key={s.name}>
            <path d={path(s.points)} fill="none" stroke={PALETTE[i % PALETTE.length]} strokeWidth={s.highlight ? 3.5 : 2} strokeLinejoin="round" />
            {s.points.map((p) => (
              <circle key={`${p.t}-${p.y}`} cx={x(p.t)} cy={y(p.y)} r={s.highlight ? 3.5 : 2.5} fill={PALETTE[i % PALETTE.length]} />
            ))}
          </g>
        ))}
      </svg>
      </div>
      <ul className="legend" aria-label="Legend">
        {series.map((s, i) => (
          <li key={s.name}>
            <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} aria-hidden="true" />
            {s.highlight ? <strong>{s.name} (you)</strong> : s.name} <span className="muted">{best[i].toFixed(4)}</span>
          </li>
        ))}
      </ul>
    </figure>
  )
}
