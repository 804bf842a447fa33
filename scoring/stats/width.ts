/**
 * At test-set import: how wide will the public-score interval be for a typical submission, given
 * the image count N, the public fraction f and the per-image standard deviation σ of the scores?
 *
 * With n = round(f·N) public images and c = t(n−1) (1.96 for large n):
 *
 *   halfWidth          = c · σ / √n
 *       what scoreInterval will show participants (images "like these": no finite correction);
 *   halfWidthVsTestSet = c · σ / √n · √(1 − n/N)
 *       how far the public score may be from the score on the whole test set: the public images
 *       are drawn without replacement from the N test images, hence the finite-population
 *       correction (Var(p̄) = S²/n · (1 − n/N) with S² the test set's per-image variance, divisor
 *       N − 1, which a sample sd estimates; f = 0.5 narrows the interval by √0.5 ≈ 0.71);
 *   gapHalfWidth       = c · σ · √(1/n + 1/(N − n))
 *       the 95 % range of public − private for one submission (p̄ − q̄ = (p̄ − μ)·N/(N − n), so
 *       Var(p̄ − q̄) = S²·N/(n(N − n)) = S²·(1/n + 1/(N − n))): the noise a shake-up is made of.
 *
 * σ: take it from a submission's per-image scores (scoreInterval(...).sd, e.g. the sample
 * submission or the reference baseline); without one, DEFAULT_PER_IMAGE_SD.
 */
import { criticalValue } from './interval.ts'

/**
 * 0.068: the sample standard deviation of the per-image cosines of a mean-prompt submission (each
 * image predicted by the mean embedding of the other prompts, the classic Kaggle starter) on the
 * Kaggle sample data (../shared/data/kaggle-sample, 7 images: cosines 0.19…0.40, mean 0.283,
 * sd 0.0684; computed by meanPriorPerImageScores, printed by bench/stats.ts and checked in
 * tests/scoring/stats/width.test.ts). The sample submission itself is the truth (every cosine is 1,
 * sd 0), so it cannot serve. With 7 images the figure is rough: a 95 % interval for σ is about
 * 0.044…0.151, so prefer a real submission's sd once there is one.
 */
export const DEFAULT_PER_IMAGE_SD = 0.068

export interface WidthForecastInput {
  /** Images in the test set (N). */
  readonly images: number
  /** Public share f, 0 < f < 1. */
  readonly publicFraction: number
  /** Per-image standard deviation σ; DEFAULT_PER_IMAGE_SD when absent. */
  readonly perImageSd?: number
  /** Coverage; 0.95 when absent. */
  readonly confidence?: number
}

export interface WidthForecast {
  readonly images: number
  /** n = round(f·N), at least 2 and at most N − 1. */
  readonly publicImages: number
  readonly privateImages: number
  readonly perImageSd: number
  /** Whether perImageSd was given or is DEFAULT_PER_IMAGE_SD. */
  readonly sdSource: 'given' | 'default'
  /** ± participants will see on a public score. */
  readonly halfWidth: number
  /** ± of the public score as an estimate of the whole test set's score. */
  readonly halfWidthVsTestSet: number
  /** 95 % range of (public − private) for one submission. */
  readonly gapHalfWidth: number
}

export function forecastIntervalWidth(input: WidthForecastInput): WidthForecast {
  const N = Math.round(input.images)
  if (!(N >= 3)) throw new RangeError(`a public/private split needs at least 3 images, got ${input.images}`)
  if (!(input.publicFraction > 0 && input.publicFraction < 1)) throw new RangeError(`publicFraction must be in (0, 1), got ${input.publicFraction}`)
  const n = Math.min(N - 1, Math.max(2, Math.round(input.publicFraction * N)))
  const sigma = input.perImageSd ?? DEFAULT_PER_IMAGE_SD
  if (!(sigma >= 0)) throw new RangeError(`perImageSd must be ≥ 0, got ${sigma}`)
  const c = criticalValue(input.confidence ?? 0.95, n)
  const halfWidth = (c * sigma) / Math.sqrt(n)
  return {
    images: N,
    publicImages: n,
    privateImages: N - n,
    perImageSd: sigma,
    sdSource: input.perImageSd === undefined ? 'default' : 'given',
    halfWidth,
    halfWidthVsTestSet: halfWidth * Math.sqrt(1 - n / N),
    gapHalfWidth: c * sigma * Math.sqrt(1 / n + 1 / (N - n)),
  }
}

/**
 * Per-image cosines of the mean-prompt submission, leave-one-out: image i is predicted by the
 * mean of the other images' truth vectors (`vectors` is images × dim, row-major, as Truth keeps
 * them). How DEFAULT_PER_IMAGE_SD was measured.
 */
export function meanPriorPerImageScores(vectors: Float32Array | Float64Array, dim: number): Float64Array {
  const images = vectors.length / dim
  if (!Number.isInteger(images) || images < 2) throw new RangeError('need at least 2 whole vectors')
  const total = new Float64Array(dim)
  for (let i = 0; i < vectors.length; i++) total[i % dim] += vectors[i]
  const out = new Float64Array(images)
  for (let i = 0; i < images; i++) {
    let dot = 0
    let pp = 0
    let tt = 0
    for (let k = 0; k < dim; k++) {
      const t = vectors[i * dim + k]
      const p = total[k] - t
      dot += p * t
      pp += p * p
      tt += t * t
    }
    out[i] = pp > 0 && tt > 0 ? dot / Math.sqrt(pp * tt) : 0
  }
  return out
}
