import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../scoring/random.ts'
import { leaderboardStatistics, pairedTest, scoreInterval } from '../../../scoring/stats/index.ts'

function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
}

describe('pairedTest', () => {
  it('matches a hand computation (scipy ttest_rel: t = 2.4494897427831788, p = 0.0917211133115718)', () => {
    // d = 0.1, 0, 0.2, 0.1: d̄ = 0.1, s_d = √(0.02/3), SE = s_d/2, t = √6, df = 3.
    const a = [0.5, 0.6, 0.7, 0.8]
    const b = [0.4, 0.6, 0.5, 0.7]
    const r = pairedTest(a, b)!
    expect(r.n).toBe(4)
    expect(r.df).toBe(3)
    expect(Math.abs(r.meanDifference - 0.1)).toBeLessThan(1e-15)
    expect(Math.abs(r.standardError - Math.sqrt(0.02 / 3) / 2)).toBeLessThan(1e-15)
    expect(Math.abs(r.t - Math.sqrt(6))).toBeLessThan(1e-12)
    expect(Math.abs(r.pValue - 0.0917211133115718)).toBeLessThan(1e-12)
    expect(r.tie).toBe(true)
    expect(pairedTest(a, b, { alpha: 0.1 })!.tie).toBe(false)
  })

  it('is symmetric: swapping the submissions flips d̄ and t and keeps p', () => {
    const rand = seededRandom(3)
    const g = gaussian(rand)
    for (let k = 0; k < 20; k++) {
      const n = 5 + Math.floor(rand() * 500)
      const a = Float64Array.from({ length: n }, () => 0.5 + 0.1 * g())
      const b = Float64Array.from(a, (x) => x + 0.003 * k * rand() + 0.05 * g())
      const ab = pairedTest(a, b)!
      const ba = pairedTest(b, a)!
      expect(ba.meanDifference).toBeCloseTo(-ab.meanDifference, 15)
      expect(ba.t).toBeCloseTo(-ab.t, 10)
      expect(ba.pValue).toBeCloseTo(ab.pValue, 14)
      expect(ba.tie).toBe(ab.tie)
    }
  })

  it('counts only the masked images and pairs them (a shared per-image difficulty cancels)', () => {
    const rand = seededRandom(4)
    const g = gaussian(rand)
    const n = 2000
    const difficulty = Float64Array.from({ length: n }, () => 0.2 * g())
    const a = Float64Array.from(difficulty, (d) => 0.55 + d + 0.01 * g())
    const b = Float64Array.from(difficulty, (d) => 0.548 + d + 0.01 * g())
    const mask = Uint8Array.from({ length: n }, (_, i) => (i % 2 ? 1 : 0))
    const r = pairedTest(a, b, { mask })!
    expect(r.n).toBe(1000)
    // A 0.002 lead with paired noise sd 0.014 over 1,000 images: t ≈ 4.5, significant…
    expect(r.tie).toBe(false)
    // …where the two intervals (width ± 0.012 from the shared difficulty) overlap completely.
    const ia = scoreInterval(a, { mask })!
    const ib = scoreInterval(b, { mask })!
    expect(ia.lo < ib.hi && ib.lo < ia.hi).toBe(true)
    // The masked-out images do not count: changing them changes nothing.
    const a2 = Float64Array.from(a, (x, i) => (mask[i] ? x : x + 1))
    expect(pairedTest(a2, b, { mask })).toEqual(r)
  })

  it('handles constant differences, too few images and mismatched lengths', () => {
    expect(pairedTest([0.5, 0.6, 0.7], [0.5, 0.6, 0.7])).toMatchObject({ meanDifference: 0, t: 0, pValue: 1, tie: true })
    expect(pairedTest([1.5, 2.5, 3.5], [1, 2, 3])).toMatchObject({ meanDifference: 0.5, t: Infinity, pValue: 0, tie: false })
    expect(pairedTest([0.5], [0.4])).toBeNull()
    expect(() => pairedTest([0.5, 0.6], [0.4])).toThrow(RangeError)
  })

  it('rejects a true null about 5 % of the time (2,000 pairs of equally good submissions)', () => {
    const rand = seededRandom(5)
    const g = gaussian(rand)
    let rejected = 0
    for (let k = 0; k < 2000; k++) {
      const a = Float64Array.from({ length: 30 }, () => 0.5 + 0.1 * g())
      const b = Float64Array.from(a, (x) => x + 0.05 * g())
      if (!pairedTest(a, b)!.tie) rejected++
    }
    expect(Math.abs(rejected / 2000 - 0.05)).toBeLessThan(0.015)
  })
})

describe('leaderboardStatistics', () => {
  it('equals scoreInterval and pairedTest row by row, with tie groups as runs of ties', () => {
    const rand = seededRandom(6)
    const g = gaussian(rand)
    const n = 3000
    const difficulty = Float64Array.from({ length: n }, () => 0.15 * g())
    const mask = Uint8Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0))
    // Skills with gaps and near-ties; rows in rank order (float32, as a batch would hold them).
    const skills = [0.7, 0.65, 0.6499, 0.6498, 0.6, 0.55, 0.5501, 0.4]
    const rows = skills.map((s) => Float32Array.from(difficulty, (d) => s + d + 0.05 * g()))
    const stats = leaderboardStatistics(rows, { mask })
    expect(stats).toHaveLength(rows.length)
    let group = 0
    stats.forEach((row, r) => {
      const iv = scoreInterval(rows[r], { mask })!
      expect(Math.abs(row.mean - iv.mean)).toBeLessThan(1e-13)
      expect(Math.abs(row.halfWidth! - iv.halfWidth) / iv.halfWidth).toBeLessThan(1e-10)
      if (r === 0) {
        expect(row).toMatchObject({ tiedWithPrevious: false, pValueVsPrevious: null, tieGroup: 0 })
        return
      }
      const test = pairedTest(rows[r - 1], rows[r], { mask })!
      expect(Math.abs(row.pValueVsPrevious! - test.pValue)).toBeLessThan(1e-10)
      expect(row.tiedWithPrevious).toBe(test.tie)
      if (!test.tie) group++
      expect(row.tieGroup).toBe(group)
    })
    // The clear gaps are not ties; 0.65 / 0.6499 / 0.6498 form one group.
    expect(stats.map((s) => s.tiedWithPrevious)).toEqual([false, false, true, true, false, false, true, false])
    expect(stats.map((s) => s.tieGroup)).toEqual([0, 1, 1, 1, 2, 3, 3, 4])
    // Nothing per image in the output.
    for (const s of stats) expect(Object.keys(s).sort()).toEqual(['halfWidth', 'mean', 'pValueVsPrevious', 'tieGroup', 'tiedWithPrevious'])
  })

  it('handles an empty board, a board without public images and rows of different lengths', () => {
    expect(leaderboardStatistics([])).toEqual([])
    const none = leaderboardStatistics([[0.5, 0.6], [0.4, 0.5]], { mask: Uint8Array.of(0, 0) })
    expect(none.map((r) => [r.halfWidth, r.tiedWithPrevious, r.pValueVsPrevious])).toEqual([
      [null, false, null],
      [null, false, null],
    ])
    expect(() => leaderboardStatistics([[0.5, 0.6], [0.4]])).toThrow(RangeError)
  })
})
