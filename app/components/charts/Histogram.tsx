import { YGrid } from './YGrid'
import { fmtTick, linear, niceTicks } from './scale'

export interface HistogramSeries {
  name: string
  /** Images per bin of the histogram's edges (binned on the server: lib/submissions/distribution.ts). */
  counts: number[]
  count: number
  mean: number | null
  /** Filled bars for the main series, an outline for the comparison. */
  style: 'fill' | 'outline'
}

const W = 720
const H = 280
const M = { top: 28, right: 16, bottom: 44, left: 48 }

const fmtMean = (m: number | null) => (m === null ? '–' : m.toFixed(3))

/**
 * Distribution of per-image cosine similarities: bins shared by all series, a dashed line at
 * each series' mean (the score).
 */
export function Histogram({ id, title, edges, series, xLabel = 'Cosine similarity per image' }: { id: string; title: string; edges: number[]; series: HistogramSeries[]; xLabel?: string }) {
  const nonEmpty = series.filter((s) => s.count > 0)
  if (nonEmpty.length === 0) return <p className="muted">{title}: no per-image scores.</p>
  const perSeries = nonEmpty.map((s) => s.counts)
  const yTicks = niceTicks(0, Math.max(1, ...perSeries.flat()), 4)
  const y = linear([0, yTicks[yTicks.length - 1]], [H - M.bottom, M.top])
  const x = linear([edges[0], edges[edges.length - 1]], [M.left, W - M.right])
  const xTicks = niceTicks(edges[0], edges[edges.length - 1], 6).filter((v) => v >= edges[0] - 1e-9 && v <= edges[edges.length - 1] + 1e-9)
  return (
    <figure style={{ margin: 0 }}>
      <div className="chart-scroll">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{nonEmpty.map((s) => `${s.name}: ${s.count} images, mean ${fmtMean(s.mean)}`).join('; ')}</desc>
        <text className="title" x={M.left} y={16}>
          {title}
        </text>
        <YGrid ticks={yTicks} y={y} left={M.left} right={W - M.right} />
        {perSeries.map((c, si) =>
          c.map((n, i) => {
            const x0 = x(edges[i]) + 1
            const w = Math.max(1, x(edges[i + 1]) - x(edges[i]) - 2)
            const outline = nonEmpty[si].style === 'outline'
            return n === 0 ? null : (
              <rect
                key={`${si}-${i}`}
                x={x0}
                y={y(n)}
                width={w}
                height={y(0) - y(n)}
                fill={outline ? 'none' : 'var(--accent)'}
                fillOpacity={outline ? undefined : 0.85}
                stroke={outline ? 'var(--warn)' : 'none'}
                strokeWidth={outline ? 2 : 0}
              >
                <title>{`${nonEmpty[si].name}: ${n} image(s) with cosine in [${edges[i].toFixed(3)}, ${edges[i + 1].toFixed(3)})`}</title>
              </rect>
            )
          }),
        )}
        {nonEmpty.map((s) => {
          const m = s.mean
          if (m === null) return null
          return (
            <g key={`m-${s.name}`}>
              <line x1={x(m)} x2={x(m)} y1={M.top} y2={y(0)} stroke={s.style === 'outline' ? 'var(--warn)' : 'var(--fg)'} strokeDasharray="5 4" strokeWidth={1.5} />
            </g>
          )
        })}
        {xTicks.map((v) => (
          <text key={`x${v}`} x={x(v)} y={H - M.bottom + 16} textAnchor="middle">
            {fmtTick(v)}
          </text>
        ))}
        <line className="axis" x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} />
        <text x={(M.left + W - M.right) / 2} y={H - 6} textAnchor="middle">
          {xLabel}
        </text>
        <text transform={`translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
          Images
        </text>
      </svg>
      </div>
      <ul className="legend" aria-label="Legend">
        {nonEmpty.map((s) => (
          <li key={s.name}>
            <span
              className="swatch"
              aria-hidden="true"
              style={s.style === 'outline' ? { border: '2px solid var(--warn)' } : { background: 'var(--accent)' }}
            />
            {s.name} — {s.count} images, mean {fmtMean(s.mean)} (dashed line)
          </li>
        ))}
      </ul>
    </figure>
  )
}
