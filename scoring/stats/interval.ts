/**
 * The 95 % interval of a submission's public score, from its per-image scores.
 *
 * The public score is the mean x̄ of n per-image cosines. Its interval is Student's t interval
 *
 *   x̄ ± t(n−1) · s / √n,   s² = Σ (xᵢ − x̄)² / (n − 1)   (the sample standard deviation)
 *
 * i.e. the normal approximation (t → 1.960 as n grows) with the small-sample correction. Why
 * not the bootstrap: cosines are bounded in [−1, 1], so the mean is close to normal already for
 * n in the hundreds; the percentile bootstrap (bootstrapInterval below, kept as a cross-check)
 * agrees with it to a few % of the width there (tests/scoring/stats/interval.test.ts), yet costs
 * `resamples` passes instead of one and would put Monte Carlo jitter on every leaderboard build.
 *
 * What the interval means: the range of public scores the same submission would plausibly get on
 * another set of n images drawn like these. It is not corrected for the finite test set (see
 * width.ts for that variant), because it answers the participants' question "is a 0.001 lead
 * real?": two submissions are compared on images like these, not on these exact images.
 */
import { seededRandom } from '../random.ts'
import { studentTCritical } from './distributions.ts'

/** Per-image scores: the platform keeps float64; float32 halves the memory of big batches. */
export type ScoreArray = Float64Array | Float32Array | readonly number[]

export interface ScoreInterval {
  /** Mean of the counted per-image scores (the public score when the mask is the public one). */
  readonly mean: number
  /** Half the interval's width: t(n−1) · sd / √n. */
  readonly halfWidth: number
  readonly lo: number
  readonly hi: number
  /** Images counted. */
  readonly n: number
  /** Sample standard deviation of the per-image scores (divisor n − 1). */
  readonly sd: number
}

export interface IntervalOptions {
  /** Which images count (non-zero = counted), e.g. Truth.isPublic; all when absent. */
  readonly mask?: Uint8Array | null
  /** Coverage of the interval; 0.95 when absent. */
  readonly confidence?: number
}

/** Indices of the images the mask counts (all when there is no mask). */
export function maskedIndices(length: number, mask: Uint8Array | null | undefined): Uint32Array {
  if (mask && mask.length !== length) throw new RangeError(`mask has ${mask.length} entries for ${length} scores`)
  let n = 0
  if (mask) for (let i = 0; i < length; i++) n += mask[i] ? 1 : 0
  else n = length
  const out = new Uint32Array(n)
  for (let i = 0, k = 0; i < length; i++) if (!mask || mask[i]) out[k++] = i
  return out
}

/** t(n−1) for a two-sided `confidence` interval (~100 µs: callers with many rows compute it once). */
export function criticalValue(confidence: number, n: number): number {
  return studentTCritical(1 - confidence, n - 1)
}

/**
 * Mean and sample standard deviation in one pass, with sums shifted by the first value so that
 * Σ(x−K)² − n·(mean−K)² does not cancel (K is within the data's spread of the mean). The sd
 * matches the two-pass formula to ~1e-14 relative for cosines, 1e-13 for 10,000 values spread
 * over 6e-7 around 0.999 (tests/scoring/stats/interval.test.ts).
 */
export function meanAndSd(scores: ScoreArray, index: Uint32Array): { mean: number; sd: number } {
  const n = index.length
  if (n === 0) return { mean: NaN, sd: NaN }
  const k = scores[index[0]]
  let s = 0
  let ss = 0
  for (let j = 0; j < n; j++) {
    const d = scores[index[j]] - k
    s += d
    ss += d * d
  }
  const m = s / n
  const variance = n > 1 ? Math.max(0, (ss - s * m) / (n - 1)) : NaN
  return { mean: k + m, sd: Math.sqrt(variance) }
}

/** The interval from its parts; `critical` = criticalValue(confidence, n). */
export function intervalFrom(mean: number, sd: number, n: number, critical: number): ScoreInterval {
  const halfWidth = (critical * sd) / Math.sqrt(n)
  return { mean, halfWidth, lo: mean - halfWidth, hi: mean + halfWidth, n, sd }
}

/** The t interval of the mean score over the masked images; null with fewer than 2 images. */
export function scoreInterval(scores: ScoreArray, options: IntervalOptions = {}): ScoreInterval | null {
  const index = maskedIndices(scores.length, options.mask)
  if (index.length < 2) return null
  const { mean, sd } = meanAndSd(scores, index)
  return intervalFrom(mean, sd, index.length, criticalValue(options.confidence ?? 0.95, index.length))
}

export interface BootstrapOptions extends IntervalOptions {
  /** Resamples; 2,000 when absent (Monte Carlo error of a 2.5 % quantile ≈ 3.5 % of the width). */
  readonly resamples?: number
  /** Seed of the project PRNG (scoring/random.ts); 1 when absent. */
  readonly seed?: number
}

/**
 * Percentile bootstrap: the mean of n images drawn with replacement, `resamples` times; the
 * interval is the (1−c)/2 and (1+c)/2 quantiles of those means, halfWidth half its width (it need
 * not be symmetric about the mean). The cross-check for scoreInterval, not what the app shows.
 */
export function bootstrapInterval(scores: ScoreArray, options: BootstrapOptions = {}): ScoreInterval | null {
  const index = maskedIndices(scores.length, options.mask)
  const n = index.length
  if (n < 2) return null
  const resamples = options.resamples ?? 2000
  const confidence = options.confidence ?? 0.95
  const rand = seededRandom(options.seed ?? 1)
  const means = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let s = 0
    for (let j = 0; j < n; j++) s += scores[index[Math.floor(rand() * n)]]
    means[r] = s / n
  }
  means.sort()
  const lo = quantileSorted(means, (1 - confidence) / 2)
  const hi = quantileSorted(means, (1 + confidence) / 2)
  const { mean, sd } = meanAndSd(scores, index)
  return { mean, halfWidth: (hi - lo) / 2, lo, hi, n, sd }
}

/** Linear interpolation between order statistics (type 7, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length
  if (n === 0) return NaN
  const h = (n - 1) * p
  const i = Math.floor(h)
  return i + 1 < n ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[n - 1]
}

export interface FormatOptions {
  /** Significant digits of the ±; 3 when absent (0.0123). */
  readonly significant?: number
  /** Fewest decimals of the score; 5 when absent, as the platform shows scores elsewhere. */
  readonly minDecimals?: number
}

/**
 * `0.57177 ± 0.0123`: the ± with 3 significant digits, the score with 5 decimals, or more when
 * the ± is finer than that (± 0.000123 shows the score to 6 decimals). No ± when there is none.
 */
export function formatInterval(value: { readonly mean: number; readonly halfWidth: number | null }, options: FormatOptions = {}): string {
  const significant = options.significant ?? 3
  const minDecimals = options.minDecimals ?? 5
  const { mean, halfWidth } = value
  if (!Number.isFinite(mean)) return '—'
  if (halfWidth === null || !Number.isFinite(halfWidth) || halfWidth < 0) return mean.toFixed(minDecimals)
  if (halfWidth === 0) return `${mean.toFixed(minDecimals)} ± 0`
  let decimals = Math.max(0, significant - 1 - Math.floor(Math.log10(halfWidth)))
  // Rounding up can add a digit (0.009996 → 0.0100): keep the ± at `significant` digits.
  if (Number(halfWidth.toFixed(decimals)) >= 10 ** (significant - decimals)) decimals = Math.max(0, decimals - 1)
  return `${mean.toFixed(Math.min(15, Math.max(minDecimals, decimals)))} ± ${halfWidth.toFixed(Math.min(15, decimals))}`
}
