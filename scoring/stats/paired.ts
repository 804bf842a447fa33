/**
 * Is one submission really better than another on the public images? The paired t-test.
 *
 * Both submissions are scored on the same n public images, so the question is about the
 * per-image differences dᵢ = aᵢ − bᵢ (a paired design: an image that is hard for one is usually
 * hard for the other, and pairing removes that shared difficulty from the comparison; comparing
 * the two intervals instead would call far too many ties: in tests/scoring/stats/paired.test.ts
 * a 0.002 lead over 1,000 images is significant although the two ± 0.012 intervals overlap):
 *
 *   d̄ = Σ dᵢ / n,   s_d² = Σ (dᵢ − d̄)² / (n − 1),   SE = s_d / √n,   t = d̄ / SE,
 *   p = P(|T_{n−1}| ≥ |t|)   (two-sided)
 *
 * The pair is a statistical tie when p ≥ alpha (0.05): the data do not show which one is better.
 * The test is symmetric: swapping a and b flips the sign of d̄ and t and keeps p.
 */
import { criticalValue, intervalFrom, maskedIndices, meanAndSd, type ScoreArray } from './interval.ts'
import { studentTTwoSided } from './distributions.ts'

export interface PairedTest {
  /** Images compared. */
  readonly n: number
  /** d̄ = mean(a − b): the public score of a minus that of b. */
  readonly meanDifference: number
  /** s_d / √n. */
  readonly standardError: number
  /** d̄ / SE (±Infinity when every image differs by the same non-zero amount, 0 when none differs). */
  readonly t: number
  /** n − 1. */
  readonly df: number
  /** Two-sided p-value. */
  readonly pValue: number
  /** p ≥ alpha: not distinguishable at that level. */
  readonly tie: boolean
}

export interface PairedOptions {
  /** Which images count (non-zero = counted), e.g. Truth.isPublic; all when absent. */
  readonly mask?: Uint8Array | null
  /** Significance level; 0.05 when absent. */
  readonly alpha?: number
}

function testFrom(meanDifference: number, sd: number, n: number, alpha: number): PairedTest {
  const standardError = sd / Math.sqrt(n)
  const t = standardError > 0 ? meanDifference / standardError : meanDifference === 0 ? 0 : meanDifference > 0 ? Infinity : -Infinity
  const pValue = studentTTwoSided(t, n - 1)
  return { n, meanDifference, standardError, t, df: n - 1, pValue, tie: !(pValue < alpha) }
}

/** Paired t-test of a against b over the masked images; null with fewer than 2 images. */
export function pairedTest(a: ScoreArray, b: ScoreArray, options: PairedOptions = {}): PairedTest | null {
  if (a.length !== b.length) throw new RangeError(`paired scores differ in length: ${a.length} and ${b.length}`)
  const index = maskedIndices(a.length, options.mask)
  const n = index.length
  if (n < 2) return null
  const k = a[index[0]] - b[index[0]]
  let s = 0
  let ss = 0
  for (let j = 0; j < n; j++) {
    const i = index[j]
    const d = a[i] - b[i] - k
    s += d
    ss += d * d
  }
  const m = s / n
  const sd = Math.sqrt(Math.max(0, (ss - s * m) / (n - 1)))
  return testFrom(k + m, sd, n, options.alpha ?? 0.05)
}

export interface LeaderboardStatsOptions extends PairedOptions {
  /** Coverage of each row's interval; 0.95 when absent. */
  readonly confidence?: number
}

export interface LeaderboardRowStats {
  /** Public score recomputed from the per-image scores (a check against the stored one). */
  readonly mean: number
  /** ± of the row's public score (scoreInterval); null with fewer than 2 public images. */
  readonly halfWidth: number | null
  /** The paired test against the row above finds no significant difference. */
  readonly tiedWithPrevious: boolean
  /** p-value of that test; null on the first row (and with fewer than 2 public images). */
  readonly pValueVsPrevious: number | null
  /**
   * Runs of rows joined by tiedWithPrevious share a number (0, 1, …, in rank order). A run is a
   * chain: in A ~ B ~ C, A and C may still differ significantly.
   */
  readonly tieGroup: number
}

/**
 * Statistics of a ranked public leaderboard: `rows[r]` holds the per-image scores of the best
 * public submission of the team ranked r + 1, all over the same images in the same order. Each row
 * gets its interval and a paired test against the row above, in one pass over each row (reading
 * the row above again, still in cache). Nothing per image comes out.
 */
export function leaderboardStatistics(rows: readonly ScoreArray[], options: LeaderboardStatsOptions = {}): LeaderboardRowStats[] {
  if (rows.length === 0) return []
  const images = rows[0].length
  for (const r of rows) if (r.length !== images) throw new RangeError(`leaderboard rows differ in length: ${r.length} and ${images}`)
  const index = maskedIndices(images, options.mask)
  const n = index.length
  const alpha = options.alpha ?? 0.05
  const critical = n >= 2 ? criticalValue(options.confidence ?? 0.95, n) : NaN
  const out: LeaderboardRowStats[] = []
  let group = 0
  for (let r = 0; r < rows.length; r++) {
    const x = rows[r]
    if (n < 2) {
      const { mean } = meanAndSd(x, index)
      out.push({ mean, halfWidth: null, tiedWithPrevious: false, pValueVsPrevious: null, tieGroup: r })
      continue
    }
    if (r === 0) {
      const { mean, sd } = meanAndSd(x, index)
      out.push({ mean, halfWidth: intervalFrom(mean, sd, n, critical).halfWidth, tiedWithPrevious: false, pValueVsPrevious: null, tieGroup: 0 })
      continue
    }
    const y = rows[r - 1]
    // Shifted sums (see meanAndSd) of x and of d = y − x, the lead of the row above.
    const i0 = index[0]
    const kx = x[i0]
    const kd = y[i0] - kx
    let sx = 0
    let ssx = 0
    let sd = 0
    let ssd = 0
    for (let j = 0; j < n; j++) {
      const i = index[j]
      const xi = x[i]
      const a = xi - kx
      const d = y[i] - xi - kd
      sx += a
      ssx += a * a
      sd += d
      ssd += d * d
    }
    const mx = sx / n
    const md = sd / n
    const mean = kx + mx
    const sdx = Math.sqrt(Math.max(0, (ssx - sx * mx) / (n - 1)))
    const sdd = Math.sqrt(Math.max(0, (ssd - sd * md) / (n - 1)))
    const test = testFrom(kd + md, sdd, n, alpha)
    if (!test.tie) group++
    out.push({ mean, halfWidth: intervalFrom(mean, sdx, n, critical).halfWidth, tiedWithPrevious: test.tie, pValueVsPrevious: test.pValue, tieGroup: group })
  }
  return out
}
