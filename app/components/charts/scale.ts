// Small helpers shared by the hand-made SVG charts.

export interface Scale {
  (v: number): number
  ticks: number[]
}

/** "Nice" tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1
    lo -= pad
    hi += pad
  }
  const raw = (hi - lo) / Math.max(1, count)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const start = Math.floor(lo / step) * step
  const out: number[] = []
  for (let v = start; v <= hi + step * 1e-9; v += step) out.push(Number(v.toFixed(10)))
  if (out[out.length - 1] < hi) out.push(Number((out[out.length - 1] + step).toFixed(10)))
  return out
}

export function linear(domain: [number, number], range: [number, number], ticks: number[] = []): Scale {
  const [d0, d1] = domain
  const [r0, r1] = range
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0)
  const f = ((v: number) => r0 + (v - d0) * k) as Scale
  f.ticks = ticks
  return f
}

/** Colour-blind-safe palette (Okabe–Ito, then Tableau) readable on light and dark backgrounds. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#B8A600', '#8c564b', '#7f7f7f', '#9467bd']

export function fmtTick(v: number): string {
  if (Math.abs(v) >= 1000) return `${Math.round(v / 100) / 10}k`
  if (Number.isInteger(v)) return String(v)
  return String(Number(v.toFixed(3)))
}

export const DAY_MS = 86_400_000

export function fmtDay(ms: number): string {
  return new Date(ms).toISOString().slice(5, 10)
}
