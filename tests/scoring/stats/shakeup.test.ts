import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../scoring/random.ts'
import { compareForecast, exactShakeUp, forecastShakeUp, moveBuckets, type ShakeUpForecast, type ShakeUpTeam } from '../../../scoring/stats/index.ts'
import { rankDescending, rankScratch } from '../../../scoring/stats/shakeup.ts'

function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
}

/** Teams of the given skills on shared per-image difficulty, one float32 selection each. */
function field(seed: number, skills: readonly number[], images: number, noise = 0.08): ShakeUpTeam[] {
  const rand = seededRandom(seed)
  const g = gaussian(rand)
  const difficulty = Float64Array.from({ length: images }, () => 0.12 * g())
  return skills.map((s) => ({ selections: [Float32Array.from(difficulty, (d) => s + d + noise * g())] }))
}

/** Independent reference: every public subset of a tiny test set, equally likely, ranked by sort. */
function enumerate(teams: ShakeUpTeam[], publicCount: number): { pMove: number[]; absMove: number[]; rho: number } {
  const N = teams[0].selections[0].length
  const T = teams.length
  const pMove = new Array<number>(T).fill(0)
  const absMove = new Array<number>(T).fill(0)
  let rho = 0
  let splits = 0
  for (let mask = 0; mask < 1 << N; mask++) {
    let bits = 0
    for (let i = 0; i < N; i++) bits += (mask >> i) & 1
    if (bits !== publicCount) continue
    splits++
    const mean = (x: ArrayLike<number>, pub: boolean) => {
      let s = 0
      let n = 0
      for (let i = 0; i < N; i++) {
        if (((mask >> i) & 1) === (pub ? 1 : 0)) {
          s += x[i]
          n++
        }
      }
      return s / n
    }
    const pub = teams.map((t) => Math.max(...t.selections.map((x) => mean(x, true))))
    const priv = teams.map((t) => Math.max(...t.selections.map((x) => mean(x, false))))
    const rank = (v: number[]) => {
      const order = v.map((_, i) => i).sort((a, b) => v[b] - v[a] || a - b)
      const r = new Array<number>(T)
      order.forEach((t, k) => (r[t] = k + 1))
      return r
    }
    const rp = rank(pub)
    const rq = rank(priv)
    let d2 = 0
    for (let t = 0; t < T; t++) {
      const m = rp[t] - rq[t]
      if (m !== 0) pMove[t]++
      absMove[t] += Math.abs(m)
      d2 += m * m
    }
    rho += 1 - (6 * d2) / (T * (T * T - 1))
  }
  return { pMove: pMove.map((c) => c / splits), absMove: absMove.map((c) => c / splits), rho: rho / splits }
}

describe('rankDescending', () => {
  it('ranks like a comparator sort by score, ties by position', () => {
    const rand = seededRandom(1)
    for (const T of [1, 2, 7, 300, 2000]) {
      const scores = Float64Array.from({ length: T }, () => (rand() < 0.2 ? 0.5 : 0.4 + 0.2 * rand()))
      const out = new Int32Array(T)
      rankDescending(scores, rankScratch(T), out)
      const order = Array.from({ length: T }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b)
      order.forEach((t, r) => expect(out[t], `T ${T} team ${t}`).toBe(r + 1))
    }
    const out = new Int32Array(3)
    rankDescending(Float64Array.of(0.3, 0.3, 0.3), rankScratch(3), out)
    expect(Array.from(out)).toEqual([1, 2, 3])
  })
})

describe('forecastShakeUp', () => {
  it('labels the move buckets', () => {
    expect(moveBuckets().map((b) => b.label)).toEqual(['≤ −20', '−19…−10', '−9…−5', '−4…−2', '−1', '0', '+1', '+2…+4', '+5…+9', '+10…+19', '≥ +20'])
    expect(moveBuckets()[0]).toEqual({ lo: null, hi: -20, label: '≤ −20' })
    expect(moveBuckets()[10]).toEqual({ lo: 20, hi: null, label: '≥ +20' })
    expect(moveBuckets([])).toEqual([{ lo: null, hi: null, label: 'all' }])
    expect(() => moveBuckets([0, 0])).toThrow(RangeError)
    expect(() => moveBuckets([0.5])).toThrow(RangeError)
  })

  it('matches the enumeration of every split of a tiny test set, best-of-selections rule included', () => {
    // 8 images, 4 public: 70 equally likely splits. Team 1 has two selections, one strong on
    // the first half of the images and one on the second; team 3 copies team 2 exactly (a tie
    // ranked by position).
    const rand = seededRandom(2)
    const img = () => Float64Array.from({ length: 8 }, () => 0.4 + 0.2 * rand())
    const a1 = Float64Array.from(img(), (x, i) => x + (i < 4 ? 0.1 : 0))
    const a2 = Float64Array.from(img(), (x, i) => x + (i >= 4 ? 0.1 : 0))
    const b = img()
    const teams: ShakeUpTeam[] = [{ selections: [img()] }, { selections: [a1, a2] }, { selections: [b] }, { selections: [Float64Array.from(b)] }, { selections: [img()] }]
    const want = enumerate(teams, 4)
    for (const forecast of [
      forecastShakeUp(teams, { publicFraction: 0.5, splits: 20_000, seed: 3 }),
      exactShakeUp(teams, { publicFraction: 0.5, splits: 20_000, seed: 4 }),
    ]) {
      expect(forecast.blocks).toBe(8)
      expect(forecast.publicImages).toBe(4)
      // Binomial sd of a probability over 20,000 splits ≤ 0.0035; ±4 sd.
      forecast.perTeam.forEach((t, i) => {
        expect(Math.abs(t.pMoveAtLeast[0] - want.pMove[i]), `team ${i}`).toBeLessThan(0.014)
        expect(Math.abs(t.expectedAbsMove - want.absMove[i]), `team ${i}`).toBeLessThan(0.04)
      })
      expect(Math.abs(forecast.spearman.mean - want.rho)).toBeLessThan(0.01)
    }
  })

  it('agrees with the exact simulation within Monte Carlo tolerance (block splits)', () => {
    const T = 60
    const skills = Array.from({ length: T }, (_, t) => 0.45 + 0.04 * (1 - t / T) ** 2)
    const teams = field(5, skills, 3000)
    const opts = { publicFraction: 0.3, splits: 1500 }
    const exact = exactShakeUp(teams, { ...opts, seed: 6 })
    const fast = forecastShakeUp(teams, { ...opts, seed: 7 })
    expect(fast.blocks).toBe(130)
    expect(fast.partitions).toBe(8)
    expect(Math.abs(fast.publicImages - 900) / 900).toBeLessThan(0.01)
    // The forecast is non-trivial here (ρ well below 1, teams move several places)…
    expect(exact.spearman.mean).toBeLessThan(0.97)
    expect(exact.expectedAbsMove).toBeGreaterThan(2)
    // …and both simulations agree: ρ and its range, mean |move|, every team's probabilities.
    expect(Math.abs(fast.spearman.mean - exact.spearman.mean)).toBeLessThan(0.005)
    expect(Math.abs(fast.spearman.p05 - exact.spearman.p05)).toBeLessThan(0.01)
    expect(Math.abs(fast.expectedAbsMove - exact.expectedAbsMove) / exact.expectedAbsMove).toBeLessThan(0.04)
    let worstP = 0
    let worstAbs = 0
    fast.perTeam.forEach((t, i) => {
      const e = exact.perTeam[i]
      worstP = Math.max(worstP, ...t.pMoveAtLeast.map((p, k) => Math.abs(p - e.pMoveAtLeast[k])))
      worstAbs = Math.max(worstAbs, Math.abs(t.expectedAbsMove - e.expectedAbsMove) / Math.max(1, e.expectedAbsMove))
    })
    // 60 teams × 3 thresholds, binomial sd ≤ 0.013 for each of two runs: the worst of 180 ≈ 4.5 sd.
    expect(worstP).toBeLessThan(0.085)
    expect(worstAbs).toBeLessThan(0.2)
  })

  it('gives ρ ≈ 1 and no moves for clearly separated teams', () => {
    const teams = field(8, [0.8, 0.7, 0.6, 0.5, 0.4, 0.3], 2000, 0.05)
    const f = forecastShakeUp(teams, { publicFraction: 0.25, splits: 500 })
    expect(f.spearman.mean).toBe(1)
    expect(f.spearman.p05).toBe(1)
    expect(f.expectedAbsMove).toBe(0)
    for (const t of f.perTeam) {
      expect(t.pMoveAtLeast).toEqual([0, 0, 0])
      expect(t.moveQuantiles).toEqual({ p05: 0, p50: 0, p95: 0 })
      expect(t.histogram[5]).toBe(1)
    }
  })

  it('gives a low ρ and near-certain moves for teams of identical skill', () => {
    const T = 40
    const teams = field(9, new Array<number>(T).fill(0.5), 4000, 0.1)
    const f = forecastShakeUp(teams, { publicFraction: 0.3, splits: 1000 })
    // Not exactly 0: the teams' means over all 4,000 images still differ by chance (sd 0.0016),
    // and both boards see that; the split noise (public sd 0.0024) dominates. Independent
    // rankings would give ρ = 0 and E|move| = (T² − 1)/(3T) = 13.3.
    expect(f.spearman.mean).toBeLessThan(0.3)
    expect(f.spearman.p05).toBeLessThan(0)
    for (const t of f.perTeam) expect(t.pMoveAtLeast[0]).toBeGreaterThan(0.9)
    expect(f.expectedAbsMove).toBeGreaterThan(10)
    // Versus the exact simulation of the same field.
    const exact = exactShakeUp(teams, { publicFraction: 0.3, splits: 1000, seed: 2 })
    expect(Math.abs(f.spearman.mean - exact.spearman.mean)).toBeLessThan(0.03)
    // The pooled histogram is a distribution.
    expect(f.histogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
  })

  it('is deterministic for a seed, changes with it, and survives JSON', () => {
    const teams = field(10, Array.from({ length: 20 }, (_, t) => 0.5 + 0.001 * t), 1000)
    const a = forecastShakeUp(teams, { publicFraction: 0.4, splits: 200, seed: 1 })
    expect(forecastShakeUp(teams, { publicFraction: 0.4, splits: 200, seed: 1 })).toEqual(a)
    expect(forecastShakeUp(teams, { publicFraction: 0.4, splits: 200, seed: 2 })).not.toEqual(a)
    // Plain JSON (to cache or send to the organizer page): nothing lost on the way.
    expect(JSON.parse(JSON.stringify(a))).toEqual(a)
  })

  it('rejects a bad public fraction, no teams, a team without selections and ragged inputs', () => {
    const ok = [{ selections: [[0.5, 0.6, 0.7]] }]
    expect(() => forecastShakeUp(ok, { publicFraction: 0 })).toThrow(RangeError)
    expect(() => forecastShakeUp(ok, { publicFraction: 1 })).toThrow(RangeError)
    expect(() => forecastShakeUp([], { publicFraction: 0.5 })).toThrow(RangeError)
    expect(() => forecastShakeUp([{ selections: [] }], { publicFraction: 0.5 })).toThrow(RangeError)
    expect(() => forecastShakeUp([...ok, { selections: [[0.5]] }], { publicFraction: 0.5 })).toThrow(RangeError)
    // One team: nothing to rank against.
    const one = forecastShakeUp(ok, { publicFraction: 0.5, splits: 10 })
    expect(Number.isNaN(one.spearman.mean)).toBe(true)
    expect(one.perTeam[0].pMoveAtLeast).toEqual([0, 0, 0])
  })
})

describe('compareForecast', () => {
  const teams = field(11, Array.from({ length: 30 }, (_, t) => 0.5 + 0.0015 * (30 - t)), 2000)
  const forecast: ShakeUpForecast = forecastShakeUp(teams, { publicFraction: 0.3, splits: 1000, seed: 12 })

  it('computes the actual ρ and moves, and places them in the forecast', () => {
    const T = 30
    const publicRank = Array.from({ length: T }, (_, t) => t + 1)
    // Swap neighbours 1↔2 and 10↔13: Σd² = 1 + 1 + 9 + 9 = 20.
    const privateRank = publicRank.slice()
    ;[privateRank[0], privateRank[1]] = [2, 1]
    ;[privateRank[9], privateRank[12]] = [13, 10]
    const c = compareForecast(forecast, { publicRank, privateRank })
    expect(c.spearman.actual).toBeCloseTo(1 - (6 * 20) / (T * (T * T - 1)), 14)
    expect(c.perTeam.map((t) => t.move).filter((m) => m !== 0)).toEqual([-1, 1, -3, 3])
    expect(c.meanAbsMove.actual).toBeCloseTo(8 / T, 14)
    expect(c.meanAbsMove.forecast).toBe(forecast.expectedAbsMove)
    // A far calmer reveal than forecast: ρ above every simulated split.
    expect(c.spearman.percentile).toBe(1)
    expect(c.histogram.actual.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(c.histogram.forecast).toEqual(forecast.histogram)
    const j = forecast.buckets.findIndex((b) => b.label === '0')
    expect(c.perTeam[2].pBucket).toBe(forecast.perTeam[2].histogram[j])
  })

  it('finds a real split of the same data typical of the forecast', () => {
    // The "reveal": one more random split of the same images, ranked as the boards would.
    const rand = seededRandom(13)
    const N = 2000
    const isPublic = Uint8Array.from({ length: N }, () => (rand() < 0.3 ? 1 : 0))
    const mean = (x: ArrayLike<number>, pub: number) => {
      let s = 0
      let n = 0
      for (let i = 0; i < N; i++) {
        if (isPublic[i] !== pub) continue
        s += x[i]
        n++
      }
      return s / n
    }
    const rank = (v: number[]) => {
      const order = v.map((_, i) => i).sort((a, b) => v[b] - v[a] || a - b)
      const r = new Array<number>(v.length)
      order.forEach((t, k) => (r[t] = k + 1))
      return r
    }
    const c = compareForecast(forecast, {
      publicRank: rank(teams.map((t) => mean(t.selections[0], 1))),
      privateRank: rank(teams.map((t) => mean(t.selections[0], 0))),
    })
    expect(c.spearman.percentile).toBeGreaterThan(0.01)
    expect(c.spearman.percentile).toBeLessThan(0.99)
    // 90 % ranges: most teams fall inside theirs.
    expect(c.withinRangeShare).toBeGreaterThan(0.7)
    expect(() => compareForecast(forecast, { publicRank: [1], privateRank: [1] })).toThrow(RangeError)
  })
})

describe('compareForecast with board ranks', () => {
  it('uses only the order of the ranks given (ranks on a larger board, ties by position)', () => {
    const teams = field(14, [0.6, 0.55, 0.5], 500)
    const forecast = forecastShakeUp(teams, { publicFraction: 0.5, splits: 100 })
    const c = compareForecast(forecast, { publicRank: [3, 7, 5], privateRank: [10, 2, 2] })
    // Public order 1, 3, 2; private order 3, 1, 2 (the two 2s by position).
    expect(c.perTeam.map((t) => t.move)).toEqual([-2, 2, 0])
    expect(c.spearman.actual).toBeCloseTo(1 - (6 * 8) / (3 * 8), 14)
  })
})
