import { YGrid } from './YGrid'
import { linear, niceTicks } from './scale'

export interface Bar {
  label: string
  value: number
}

const W = 720
const H = 260
const M = { top: 28, right: 16, bottom: 44, left: 48 }

/** Vertical bars with a value axis from zero (e.g. submissions per day). */
export function BarChart({ id, title, bars, yLabel, xLabel }: { id: string; title: string; bars: Bar[]; yLabel: string; xLabel: string }) {
  if (bars.length === 0) {
    return <p className="muted">{title}: no data yet.</p>
  }
  const ticks = niceTicks(0, Math.max(1, ...bars.map((b) => b.value)), 4)
  const y = linear([0, ticks[ticks.length - 1]], [H - M.bottom, M.top])
  const band = (W - M.left - M.right) / bars.length
  const gap = Math.min(4, band * 0.2)
  const labelEvery = Math.max(1, Math.ceil(bars.length / 12))
  const total = bars.reduce((a, b) => a + b.value, 0)
  return (
    <div className="chart-scroll">
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>
        {`${total} in total over ${bars.length} ${xLabel.toLowerCase()}s; `}
        {bars.map((b) => `${b.label}: ${b.value}`).join(', ')}
      </desc>
      <text className="title" x={M.left} y={16}>
        {title}
      </text>
      <YGrid ticks={ticks} y={y} left={M.left} right={W - M.right} />
      {bars.map((b, i) => {
        const bx = M.left + i * band + gap / 2
        return (
          <g key={b.label}>
            <rect x={bx} y={y(b.value)} width={Math.max(1, band - gap)} height={Math.max(0, y(0) - y(b.value))} fill="var(--accent)" rx={2}>
              <title>{`${b.label}: ${b.value}`}</title>
            </rect>
            {i % labelEvery === 0 && (
              <text x={bx + (band - gap) / 2} y={H - M.bottom + 16} textAnchor="middle">
                {b.label}
              </text>
            )}
          </g>
        )
      })}
      <line className="axis" x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} />
      <text x={(M.left + W - M.right) / 2} y={H - 6} textAnchor="middle">
        {xLabel}
      </text>
      <text transform={`translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
        {yLabel}
      </text>
    </svg>
    </div>
  )
}
