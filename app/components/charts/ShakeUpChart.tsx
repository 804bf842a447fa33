import { YGrid } from './YGrid'
import { linear, niceTicks, PALETTE } from './scale'

export interface ShakeUpBucket {
  label: string
  /** Forecast share of team × split pairs in the bucket (0…1). */
  forecast: number
  /** After the reveal: share of teams whose real move fell in it; null before. */
  actual: number | null
}

const W = 720
const H = 260
const M = { top: 28, right: 16, bottom: 44, left: 48 }

/**
 * The forecast distribution of rank changes (private rank vs public rank, positive = climbs), in
 * percent per bucket; after the reveal the real one beside it.
 */
export function ShakeUpChart({ id, title, buckets }: { id: string; title: string; buckets: readonly ShakeUpBucket[] }) {
  if (buckets.length === 0) return <p className="muted">{title}: no data yet.</p>
  const withActual = buckets.some((b) => b.actual !== null)
  const series = withActual ? 2 : 1
  const pct = (v: number | null) => (v ?? 0) * 100
  const ticks = niceTicks(0, Math.max(1, ...buckets.map((b) => Math.max(pct(b.forecast), pct(b.actual)))), 4)
  const y = linear([0, ticks[ticks.length - 1]], [H - M.bottom, M.top])
  const band = (W - M.left - M.right) / buckets.length
  const gap = Math.min(6, band * 0.2)
  const barW = Math.max(1, (band - gap) / series)
  const fmt = (v: number | null) => `${pct(v).toFixed(1)} %`
  return (
    <figure style={{ margin: 0 }}>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{buckets.map((b) => `${b.label}: forecast ${fmt(b.forecast)}${withActual ? `, actual ${fmt(b.actual)}` : ''}`).join('; ')}</desc>
        <text className="title" x={M.left} y={16}>
          {title}
        </text>
        <YGrid ticks={ticks} y={y} left={M.left} right={W - M.right} />
        {buckets.map((b, i) => {
          const bx = M.left + i * band + gap / 2
          const values = withActual ? [b.forecast, b.actual] : [b.forecast]
          return (
            <g key={b.label}>
              {values.map((v, k) => (
                <rect key={k} x={bx + k * barW} y={y(pct(v))} width={barW} height={Math.max(0, y(0) - y(pct(v)))} fill={PALETTE[k]} rx={2}>
                  <title>{`${b.label}: ${k === 0 ? 'forecast' : 'actual'} ${fmt(v)}`}</title>
                </rect>
              ))}
              <text x={bx + (band - gap) / 2} y={H - M.bottom + 16} textAnchor="middle">
                {b.label}
              </text>
            </g>
          )
        })}
        <line className="axis" x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} />
        <text x={(M.left + W - M.right) / 2} y={H - 6} textAnchor="middle">
          Rank change, public → private (places; + = climbs)
        </text>
        <text transform={`translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
          % of teams
        </text>
      </svg>
      {withActual && (
        <figcaption className="muted">
          <span style={{ color: PALETTE[0] }}>■</span> forecast (share of team × split pairs) · <span style={{ color: PALETTE[1] }}>■</span> actual (share of teams)
        </figcaption>
      )}
    </figure>
  )
}
