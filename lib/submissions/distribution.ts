// What a participant may see of per-image scores: their distribution, never the table. Image ids
// would tell the public images from the private ones, and full-precision per-image cosines invite
// reconstructing the hidden embeddings; so participants get histogram counts over edges on a
// 0.05 grid, five quantiles and the mean rounded to 3 decimals, and the count. Pure: no I/O.

/** Decimals kept in every value a participant sees (quantiles, mean). */
export const DISTRIBUTION_DECIMALS = 3
/** Histogram bins; edges are rounded outward to multiples of EDGE_STEP. */
export const HISTOGRAM_BINS = 20
const EDGE_STEP = 0.05
export const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const

export interface Distribution {
  count: number
  /** Mean of the values, rounded (equal to the score up to rounding). */
  mean: number | null
  /** HISTOGRAM_BINS + 1 increasing edges; bin i is [edges[i], edges[i+1]), the last one closed. */
  edges: number[]
  counts: number[]
  /** `p5`, `p25`, `p50`, `p75`, `p95`: nearest-rank quantiles, rounded. */
  quantiles: Record<string, number>
}

export function round(value: number, decimals = DISTRIBUTION_DECIMALS): number {
  const f = 10 ** decimals
  const r = Math.round(value * f) / f
  return Object.is(r, -0) ? 0 : r
}

/**
 * Edges shared by several series (a submission and the baseline): the observed range of all of
 * them rounded outward to the 0.05 grid, cut into `bins` equal bins, each edge rounded to 3
 * decimals. Non-finite values are ignored; no values gives [-1, 1].
 */
export function histogramEdges(series: readonly (readonly number[])[], bins = HISTOGRAM_BINS): number[] {
  let lo = Infinity
  let hi = -Infinity
  for (const values of series) {
    for (const v of values) {
      if (!Number.isFinite(v)) continue
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
  }
  if (lo > hi) {
    lo = -1
    hi = 1
  }
  lo = round(Math.floor(lo / EDGE_STEP) * EDGE_STEP, 2)
  hi = round(Math.ceil(hi / EDGE_STEP) * EDGE_STEP, 2)
  if (hi <= lo) hi = round(lo + EDGE_STEP, 2)
  return Array.from({ length: bins + 1 }, (_, i) => round(lo + ((hi - lo) * i) / bins))
}

/** Counts of `values` in the bins of `edges` (values outside go to the first or last bin). */
export function histogramCounts(values: readonly number[], edges: readonly number[]): number[] {
  const n = edges.length - 1
  const out = new Array<number>(n).fill(0)
  for (const v of values) {
    if (!Number.isFinite(v)) continue
    let i = 0
    while (i < n - 1 && v >= edges[i + 1]) i++
    out[i]++
  }
  return out
}

/** The distribution of `values` over `edges` (default: their own rounded range). */
export function distribution(values: readonly number[], edges: readonly number[] = histogramEdges([values])): Distribution {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  const quantiles: Record<string, number> = {}
  if (sorted.length > 0) {
    for (const q of QUANTILES) {
      // Nearest rank: an actual value, never an interpolation of two images.
      const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
      quantiles[`p${Math.round(q * 100)}`] = round(sorted[rank])
    }
  }
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    count: sorted.length,
    mean: sorted.length > 0 ? round(sum / sorted.length) : null,
    edges: [...edges],
    counts: histogramCounts(sorted, edges),
    quantiles,
  }
}
