import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../scoring/random.ts'
import { bootstrapInterval, formatInterval, scoreInterval } from '../../../scoring/stats/index.ts'
import { studentTCritical } from '../../../scoring/stats/distributions.ts'

/** Obviously-correct float64 reference: two passes over a plain array. */
function reference(values: number[]): { mean: number; sd: number; halfWidth: number } {
  const n = values.length
  const mean = values.reduce((a, b) => a + b, 0) / n
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1))
  return { mean, sd, halfWidth: (studentTCritical(0.05, n - 1) * sd) / Math.sqrt(n) }
}

function cosines(seed: number, n: number, mean = 0.55, sd = 0.12): Float64Array {
  const rand = seededRandom(seed)
  return Float64Array.from({ length: n }, () => {
    const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
    return Math.max(-1, Math.min(1, mean + sd * g))
  })
}

describe('scoreInterval', () => {
  it('matches a known value: 1, 2, 3, 4, 5 → 3 ± 2.776 · 1.5811 / √5 (scipy: 1.9632431614775572)', () => {
    const r = scoreInterval([1, 2, 3, 4, 5])!
    expect(r.mean).toBe(3)
    expect(r.n).toBe(5)
    expect(Math.abs(r.sd - 1.5811388300841898)).toBeLessThan(1e-14)
    expect(Math.abs(r.halfWidth - 1.9632431614775572)).toBeLessThan(1e-12)
    expect(r.lo).toBeCloseTo(3 - r.halfWidth, 14)
    expect(r.hi).toBeCloseTo(3 + r.halfWidth, 14)
  })

  it('matches the two-pass float64 reference over the masked images, float64 and float32 inputs', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = seededRandom(100 + seed)
      const n = [2, 3, 50, 4000][seed % 4]
      const x = cosines(seed, n, 0.3 + 0.4 * rand(), 0.01 + 0.2 * rand())
      const mask = Uint8Array.from(x, (_, i) => (i < 2 || rand() < 0.3 ? 1 : 0))
      const kept = Array.from(x).filter((_, i) => mask[i])
      const want = reference(kept)
      const got = scoreInterval(x, { mask })!
      expect(got.n).toBe(kept.length)
      expect(Math.abs(got.mean - want.mean), `seed ${seed}`).toBeLessThan(1e-14)
      expect(Math.abs(got.sd - want.sd) / want.sd, `seed ${seed}`).toBeLessThan(1e-11)
      expect(Math.abs(got.halfWidth - want.halfWidth) / want.halfWidth, `seed ${seed}`).toBeLessThan(1e-11)
      // float32 storage: the same statistics of the rounded values.
      const f32 = Float32Array.from(x)
      const want32 = reference(Array.from(f32).filter((_, i) => mask[i]))
      const got32 = scoreInterval(f32, { mask })!
      expect(Math.abs(got32.mean - want32.mean)).toBeLessThan(1e-14)
      expect(Math.abs(got32.sd - want32.sd) / want32.sd).toBeLessThan(1e-11)
    }
  })

  it('keeps the sd exact for values with a large common offset (no cancellation)', () => {
    const x = Float64Array.from({ length: 10_000 }, (_, i) => 0.999 + (i % 7) * 1e-7)
    const want = reference(Array.from(x))
    expect(Math.abs(scoreInterval(x)!.sd - want.sd) / want.sd).toBeLessThan(1e-9)
  })

  it('has null below 2 images, zero width for constant scores, and rejects a mask of the wrong length', () => {
    expect(scoreInterval([0.5])).toBeNull()
    expect(scoreInterval([0.5, 0.7], { mask: Uint8Array.of(1, 0) })).toBeNull()
    expect(scoreInterval([0.4, 0.4, 0.4])!.halfWidth).toBe(0)
    expect(() => scoreInterval([0.1, 0.2], { mask: Uint8Array.of(1) })).toThrow(RangeError)
  })

  it('covers the true mean ~95 % of the time (2,000 samples of 40 images from a known population)', () => {
    const population = cosines(7, 100_000, 0.5, 0.15)
    const mu = population.reduce((a, b) => a + b, 0) / population.length
    const rand = seededRandom(8)
    let covered = 0
    const trials = 2000
    for (let k = 0; k < trials; k++) {
      const sample = Float64Array.from({ length: 40 }, () => population[Math.floor(rand() * population.length)])
      const r = scoreInterval(sample)!
      if (r.lo <= mu && mu <= r.hi) covered++
    }
    // Binomial sd at 0.95 over 2,000 trials: 0.0049; ±3 sd.
    expect(Math.abs(covered / trials - 0.95)).toBeLessThan(0.015)
  })

  it('agrees with the percentile bootstrap within a few % of the width once n is in the hundreds', () => {
    for (const n of [300, 3000]) {
      const x = cosines(n, n, 0.55, 0.14)
      const t = scoreInterval(x)!
      const b = bootstrapInterval(x, { resamples: 4000, seed: 3 })!
      expect(b.mean).toBe(t.mean)
      expect(Math.abs(b.halfWidth - t.halfWidth) / t.halfWidth, `n ${n}`).toBeLessThan(0.06)
      expect(Math.abs((b.lo + b.hi) / 2 - t.mean) / t.halfWidth, `n ${n}`).toBeLessThan(0.06)
    }
    // Seeded: the same seed gives the same interval.
    const x = cosines(1, 200)
    expect(bootstrapInterval(x, { seed: 9 })).toEqual(bootstrapInterval(x, { seed: 9 }))
  })
})

describe('formatInterval', () => {
  it('shows the ± with 3 significant digits and the score with 5 decimals or as many as the ±', () => {
    expect(formatInterval({ mean: 0.571771, halfWidth: 0.012345 })).toBe('0.57177 ± 0.0123')
    expect(formatInterval({ mean: 0.571771, halfWidth: 0.0012345 })).toBe('0.57177 ± 0.00123')
    expect(formatInterval({ mean: 0.5717712, halfWidth: 0.00012345 })).toBe('0.571771 ± 0.000123')
    expect(formatInterval({ mean: 0.5, halfWidth: 0.009996 })).toBe('0.50000 ± 0.0100')
    expect(formatInterval({ mean: 0.5, halfWidth: 0.25 })).toBe('0.50000 ± 0.250')
    expect(formatInterval({ mean: 12.5, halfWidth: 123.4 })).toBe('12.50000 ± 123')
    expect(formatInterval({ mean: 0.5, halfWidth: 0 })).toBe('0.50000 ± 0')
    expect(formatInterval({ mean: 0.5, halfWidth: null })).toBe('0.50000')
    expect(formatInterval({ mean: NaN, halfWidth: 0.1 })).toBe('—')
    expect(formatInterval(scoreInterval([1, 2, 3, 4, 5])!, { significant: 2 })).toBe('3.00000 ± 2.0')
  })
})
