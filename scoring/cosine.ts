/** Mean cosine similarity between predictions and truth, overall / public / private. */
import type { Truth } from './truth.ts'

export interface Scores {
  /** Mean over all images. */
  readonly score: number
  /** Mean over public images; null when there are none. */
  readonly public: number | null
  /** Mean over private images; null when there are none. */
  readonly private: number | null
  /** Cosine per image, aligned with truth.ids. */
  readonly perImage: Float64Array
}

/**
 * Each prediction is divided by its largest |value| before squaring, so 1e200 does not
 * overflow and 1e-200 does not underflow; a zero vector scores 0 instead of NaN.
 */
export function cosineScores(pred: Float64Array, truth: Truth): Scores {
  const { dim, vectors, isPublic } = truth
  const count = truth.ids.length
  const perImage = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const o = i * dim
    let maxAbs = 0
    for (let k = 0; k < dim; k++) {
      const a = Math.abs(pred[o + k])
      if (a > maxAbs) maxAbs = a
    }
    let cos = 0
    if (maxAbs > 0) {
      let dot = 0
      let pp = 0
      let tt = 0
      for (let k = 0; k < dim; k++) {
        const p = pred[o + k] / maxAbs
        const t = vectors[o + k]
        dot += p * t
        pp += p * p
        tt += t * t
      }
      cos = tt > 0 ? dot / (Math.sqrt(pp) * Math.sqrt(tt)) : 0
    }
    perImage[i] = cos
  }
  return summarizeScores(perImage, isPublic)
}

/** Overall / public / private means of per-image cosines. */
export function summarizeScores(perImage: Float64Array, isPublic: Uint8Array): Scores {
  const count = perImage.length
  let all = 0
  let pub = 0
  let pubN = 0
  let priv = 0
  for (let i = 0; i < count; i++) {
    const cos = perImage[i]
    all += cos
    if (isPublic[i]) {
      pub += cos
      pubN++
    } else priv += cos
  }
  const privN = count - pubN
  return {
    score: count > 0 ? all / count : 0,
    public: pubN > 0 ? pub / pubN : null,
    private: privN > 0 ? priv / privN : null,
    perImage,
  }
}
