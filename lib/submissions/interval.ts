// A submission's 95 % interval as the platform stores and shows it: scoring/stats scoreInterval
// over the public (or private) images, with a half-width below the per-image scores' own
// precision recorded as 0.
import { scoreInterval, type ScoreArray } from '../../scoring/stats/index.ts'

/**
 * Per-image cosines come from float32 embeddings (about 7 significant digits), so a half-width
 * under 5e-7 is rounding noise (e.g. a submission equal to the truth: every cosine 1 ± 1e-16
 * would show as `1.000000000000002 ± 0.000000000000001`); it is recorded as 0.
 */
export const HALF_WIDTH_RESOLUTION = 5e-7

export function meaningfulHalfWidth(halfWidth: number | null | undefined): number | null {
  if (halfWidth === null || halfWidth === undefined || !Number.isFinite(halfWidth)) return null
  return halfWidth < HALF_WIDTH_RESOLUTION ? 0 : halfWidth
}

/** The 95 % half-width of the mean score over the masked images; null with fewer than 2. */
export function halfWidthOver(perImage: ScoreArray, mask: Uint8Array): number | null {
  return meaningfulHalfWidth(scoreInterval(perImage, { mask })?.halfWidth)
}
