/**
 * Per-image running cosine terms, so the parser never stores the predictions themselves.
 *
 * A shuffled submission writes its rows all over the n × dim matrix; with 16,000 × 384 slots
 * that is a 49 MB Float64Array written at random, one cache miss per row. Instead each row is
 * folded straight into three float64 per image (~384 KB for 16,000 images: stays in cache):
 *
 *   scale  largest |p| seen so far for the image
 *   ss     Σ (p / scale)²
 *   dot    Σ (p / scale) · t
 *
 * When a larger |p| arrives, ss and dot are rescaled to the new scale (as LAPACK's dnrm2
 * does), so 1e200 does not overflow and 1e-200 does not underflow, matching cosineScores'
 * divide-by-max-abs. Several threads each keep their own block, merged at the end by
 * rescaling both to the larger scale. The result differs from the two-pass reference only by
 * summation order and a few extra roundings per rescale, far below the 1e-12 tolerance.
 */
import type { Scores } from './cosine.ts'
import { summarizeScores } from './cosine.ts'
import type { Truth } from './truth.ts'

/** Float64s per image: scale, ss, dot. */
export const ACC_STRIDE = 3

export function newAccumulators(images: number): Float64Array {
  return new Float64Array(images * ACC_STRIDE)
}

/** Folds prediction `p` with truth component `t` into image `img`'s terms. Hot path. */
export function accumulate(acc: Float64Array, img: number, p: number, t: number): void {
  const o = img * ACC_STRIDE
  const a = p < 0 ? -p : p
  if (a === 0) return
  let scale = acc[o]
  if (a > scale) {
    if (scale > 0) {
      const r = scale / a
      acc[o + 1] *= r * r
      acc[o + 2] *= r
    }
    acc[o] = scale = a
  }
  const q = p / scale
  acc[o + 1] += q * q
  acc[o + 2] += q * t
}

/** `into += from`, image by image, each pair brought to the larger of the two scales. */
export function mergeAccumulators(into: Float64Array, from: Float64Array): void {
  for (let o = 0; o < into.length; o += ACC_STRIDE) {
    const s2 = from[o]
    if (s2 === 0) continue
    const s1 = into[o]
    if (s1 < s2) {
      const r = s1 / s2
      into[o] = s2
      into[o + 1] = into[o + 1] * r * r + from[o + 1]
      into[o + 2] = into[o + 2] * r + from[o + 2]
    } else {
      const r = s2 / s1
      into[o + 1] += from[o + 1] * r * r
      into[o + 2] += from[o + 2] * r
    }
  }
}

/** Per-image cosines and their means; a zero prediction (or zero truth) scores 0. */
export function scoresFromAccumulators(acc: Float64Array, truth: Truth): Scores {
  const { dim, vectors } = truth
  const count = truth.ids.length
  const perImage = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const o = i * ACC_STRIDE
    if (acc[o] === 0) continue
    let tt = 0
    for (let k = i * dim, e = k + dim; k < e; k++) tt += vectors[k] * vectors[k]
    perImage[i] = tt > 0 ? acc[o + 2] / (Math.sqrt(acc[o + 1]) * Math.sqrt(tt)) : 0
  }
  return summarizeScores(perImage, truth.isPublic)
}
