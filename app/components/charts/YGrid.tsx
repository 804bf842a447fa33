import { fmtTick } from './scale'

/** Horizontal grid lines with their value labels, left of the plot area. */
export function YGrid({ ticks, y, left, right }: { ticks: readonly number[]; y: (v: number) => number; left: number; right: number }) {
  return (
    <>
      {ticks.map((v) => (
        <g key={`y${v}`}>
          <line className="grid" x1={left} x2={right} y1={y(v)} y2={y(v)} />
          <text x={left - 6} y={y(v) + 4} textAnchor="end">
            {fmtTick(v)}
          </text>
        </g>
      ))}
    </>
  )
}
