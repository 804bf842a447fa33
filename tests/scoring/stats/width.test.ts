import { existsSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../scoring/random.ts'
import { readTruthCsv } from '../../../scoring/truth-csv.ts'
import { DEFAULT_PER_IMAGE_SD, forecastIntervalWidth, meanPriorPerImageScores, scoreInterval } from '../../../scoring/stats/index.ts'
import { sharedDir } from '../helpers.ts'

/** A finite test set of N per-image scores, and many public subsets drawn from it without replacement. */
function publicMeans(seed: number, N: number, n: number, draws: number): { population: Float64Array; means: Float64Array } {
  const rand = seededRandom(seed)
  const population = Float64Array.from({ length: N }, () => Math.max(-1, Math.min(1, 0.5 + 0.15 * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()))))
  const order = Uint32Array.from({ length: N }, (_, i) => i)
  const means = new Float64Array(draws)
  for (let d = 0; d < draws; d++) {
    let s = 0
    for (let k = 0; k < n; k++) {
      const j = k + Math.floor(rand() * (N - k))
      const t = order[k]
      order[k] = order[j]
      order[j] = t
      s += population[order[k]]
    }
    means[d] = s / n
  }
  return { population, means }
}

const sd = (x: Float64Array) => scoreInterval(x)!.sd

describe('forecastIntervalWidth', () => {
  it('predicts the spread of simulated public means, with the finite-population correction', () => {
    for (const f of [0.2, 0.5, 0.8]) {
      const N = 2000
      const n = Math.round(f * N)
      const { population, means } = publicMeans(Math.round(f * 10), N, n, 4000)
      const mu = population.reduce((a, b) => a + b, 0) / N
      const w = forecastIntervalWidth({ images: N, publicFraction: f, perImageSd: sd(population) })
      expect(w.publicImages).toBe(n)
      expect(w.privateImages).toBe(N - n)
      expect(w.sdSource).toBe('given')
      // sd of 4,000 simulated means is itself uncertain by 1/√(2·4000) ≈ 1.1 %; ±5 %.
      const c = w.halfWidthVsTestSet / sd(means)
      expect(Math.abs(c / 1.96 - 1), `f ${f}`).toBeLessThan(0.05)
      // 95 % of the public means fall within ± halfWidthVsTestSet of the test set's mean.
      const inside = means.filter((m) => Math.abs(m - mu) <= w.halfWidthVsTestSet).length / means.length
      expect(Math.abs(inside - 0.95), `f ${f}`).toBeLessThan(0.015)
      // Without the correction the interval is too wide by 1/√(1 − f): 1.12 at f = 0.2, 2.24 at 0.8.
      expect(w.halfWidth / w.halfWidthVsTestSet).toBeCloseTo(1 / Math.sqrt(1 - n / N), 12)
      // public − private: the gap's spread.
      const gaps = Float64Array.from(means, (m) => m - (N * mu - n * m) / (N - n))
      expect(Math.abs(w.gapHalfWidth / sd(gaps) / 1.96 - 1), `f ${f}`).toBeLessThan(0.05)
    }
  })

  it('equals scoreInterval on the public images of a typical submission (what participants will see)', () => {
    const { population } = publicMeans(4, 5000, 1, 1)
    const isPublic = Uint8Array.from({ length: 5000 }, (_, i) => (i < 1500 ? 1 : 0))
    const shown = scoreInterval(population, { mask: isPublic })!
    const w = forecastIntervalWidth({ images: 5000, publicFraction: 0.3, perImageSd: shown.sd })
    expect(w.halfWidth).toBeCloseTo(shown.halfWidth, 14)
  })

  it('uses the default sd when none is given and rejects impossible inputs', () => {
    const w = forecastIntervalWidth({ images: 16_000, publicFraction: 0.25 })
    expect(w.sdSource).toBe('default')
    expect(w.perImageSd).toBe(DEFAULT_PER_IMAGE_SD)
    expect(w.halfWidth).toBeCloseTo((1.9604 * DEFAULT_PER_IMAGE_SD) / Math.sqrt(4000), 5)
    expect(() => forecastIntervalWidth({ images: 2, publicFraction: 0.5 })).toThrow(RangeError)
    expect(() => forecastIntervalWidth({ images: 100, publicFraction: 1 })).toThrow(RangeError)
    expect(() => forecastIntervalWidth({ images: 100, publicFraction: 0.5, perImageSd: -1 })).toThrow(RangeError)
  })

  it('computes leave-one-out mean-prompt cosines', () => {
    // Three orthogonal unit vectors: the mean of the other two is orthogonal to each → cosine 0.
    const eye = Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1)
    expect(Array.from(meanPriorPerImageScores(eye, 3))).toEqual([0, 0, 0])
    // (1,0) and (1,1)/√2 predict each other: cosine 1/√2 both ways.
    const two = Float64Array.of(1, 0, Math.SQRT1_2, Math.SQRT1_2)
    for (const c of meanPriorPerImageScores(two, 2)) expect(c).toBeCloseTo(Math.SQRT1_2, 14)
  })
})

describe('DEFAULT_PER_IMAGE_SD', () => {
  const file = path.join(sharedDir, 'data/kaggle-sample/sample_submission.csv')
  const present = existsSync(file)
  // CI runs beside ../shared: there its absence is a failure, not a reason to skip.
  if (!present && process.env.CI) throw new Error(`CI is set but ${file} is missing`)

  it.skipIf(!present)('is the per-image sd of the mean-prompt submission on the Kaggle sample data', async () => {
    const read = await readTruthCsv(file)
    if (!read.ok) throw new Error(read.error.message)
    const { truth } = read
    expect(truth.ids).toHaveLength(7)
    const scores = meanPriorPerImageScores(truth.vectors, truth.dim)
    const r = scoreInterval(scores)!
    expect(r.mean).toBeCloseTo(0.283, 3)
    expect(r.sd).toBeCloseTo(DEFAULT_PER_IMAGE_SD, 3)
  })
})
