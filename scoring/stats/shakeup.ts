/**
 * Shake-up forecast, for organizers before the private leaderboard is revealed: how much may the
 * ranking change between the public and the private part of the test set, if the split were any
 * other random split with the same public fraction?
 *
 * Input: per team, the per-image scores over ALL N images (public and private) of its final
 * selections. On each simulated split, a team's public score is the best public mean of its
 * selections and its private score the best private mean (lib/leaderboard.ts picks the best
 * private score among a team's selected submissions; here the public board is taken over the
 * selections too, the only submissions given). Rank = 1 + the number of teams with a higher
 * score; equal scores are ordered by team position in the input. Per split:
 *
 *   move_t  = publicRank_t − privateRank_t   (> 0: moved up, as the private board's `move`)
 *   ρ       = 1 − 6 Σ move_t² / (T (T² − 1))  (Spearman; ranks are permutations, so exact)
 *
 * and the forecast reports ρ's mean and 5–95 % range, each team's chance of moving ≥ k places,
 * its expected |move|, the 5/50/95 % quantiles of its move and a histogram of moves.
 *
 * The cost, and the trick. An exact split draws n of N images at random; scoring it means one
 * pass over every selection (T × S × N values: 2,000 teams × 16,000 images is 32 M values, ~50 ms
 * a pass), so 1,000 splits would take about a minute (bench/stats.ts measures it). Instead:
 *
 *   1. the images are dealt once at random into F ≈ 1,024 fine blocks (sizes differ by ≤ 1), and
 *      each selection's fine-block sums are computed in one pass over its scores (float64 sums);
 *   2. a dealing groups the fine blocks at random into B ≈ 128 blocks (F/B fine blocks each, so
 *      block sums cost F adds per selection, not N); P = 8 dealings, splits spread evenly;
 *   3. a split is a random set of b of the B blocks, b/B = f (chooseBlocks picks B so that it
 *      is, e.g. 39 of 130 for f = 0.3): its public sum is a sum of min(b, B − b) block sums,
 *      at most B/2 adds per selection (39 for f = 0.3) instead of ~5,000.
 *
 * Accuracy. Given a dealing, a block split's public mean has the exact split's expectation, but
 * its variance is that of the B block means: an estimate of the exact split variance with B − 1
 * degrees of freedom, off by √(2/(B−1)) ≈ 12 % (for B = 128) at random, not as a bias. Averaging
 * over P = 8 groupings divides that part by √8 (→ 4.4 %); what all groupings share, the spread of
 * the fine blocks, is off by √(2/(F−1)) ≈ 4.4 %: about 6 % of the variance, 3 % of the spread of
 * a team's simulated scores in all. tests/scoring/stats/shakeup.test.ts checks the forecast
 * against the exact simulation (exactShakeUp below) and against the enumeration of every split of
 * a tiny test set; bench/stats.ts prints the comparison on 200 teams × 4,000 images. With
 * B = N (whenever N ≤ blocks) each block is one image: the exact simulation.
 * Monte Carlo error with 1,000 splits: a probability p has standard error √(p(1−p)/1000) ≤ 0.016.
 */
import { seededRandom } from '../random.ts'
import { quantileSorted, type ScoreArray } from './interval.ts'

export interface ShakeUpTeam {
  /** Per-image scores over all images (same order for every team) of each final selection. */
  readonly selections: readonly ScoreArray[]
}

export interface ShakeUpOptions {
  /** Share of the images on the public board, e.g. 0.25. */
  readonly publicFraction: number
  /** Simulated splits; 1,000 when absent. */
  readonly splits?: number
  /** Seed of the project PRNG (scoring/random.ts); 1 when absent. */
  readonly seed?: number
  /** Blocks a split is made of; about 128 when absent (see chooseBlocks), at most the image count (then: exact). */
  readonly blocks?: number
  /** Fine blocks the images are dealt into once; about 1,024 when absent (a multiple of the blocks). */
  readonly fineBlocks?: number
  /** Random groupings of the fine blocks into `blocks`; 8 when absent, 1 when blocks = images. */
  readonly partitions?: number
  /** k for P(|move| ≥ k); [1, 3, 10] when absent. */
  readonly thresholds?: readonly number[]
  /** Lower bounds of the move buckets after the first (see DEFAULT_MOVE_EDGES). */
  readonly bucketEdges?: readonly number[]
}

/**
 * Histogram buckets of the rank change: the first bucket is everything below the first edge, each
 * edge starts a bucket that runs to the next edge − 1. Default: ≤ −20, −19…−10, −9…−5, −4…−2,
 * −1, 0, +1, +2…+4, +5…+9, +10…+19, ≥ +20.
 */
export const DEFAULT_MOVE_EDGES: readonly number[] = [-19, -9, -4, -1, 0, 1, 2, 5, 10, 20]

export interface MoveBucket {
  /** Smallest move in the bucket; null for the first (unbounded: JSON has no −Infinity). */
  readonly lo: number | null
  /** Largest move in the bucket; null for the last. */
  readonly hi: number | null
  /** e.g. "≤ −20", "−4…−2", "0", "+1", "≥ +20". */
  readonly label: string
}

export interface TeamForecast {
  /** Mean |publicRank − privateRank| over the splits. */
  readonly expectedAbsMove: number
  /** P(|move| ≥ k) for each of `thresholds`. */
  readonly pMoveAtLeast: readonly number[]
  /** P(move ≥ 1): ends higher on the private board. */
  readonly pUp: number
  /** P(move ≤ −1): ends lower. */
  readonly pDown: number
  /** 5 %, 50 % and 95 % quantiles of the move (nearest rank). */
  readonly moveQuantiles: { readonly p05: number; readonly p50: number; readonly p95: number }
  /** Share of the splits per bucket of `buckets`. */
  readonly histogram: readonly number[]
}

export interface ShakeUpForecast {
  readonly teams: number
  readonly images: number
  /** Mean public image count over the splits (block sizes differ by 1). */
  readonly publicImages: number
  readonly splits: number
  readonly blocks: number
  readonly fineBlocks: number
  readonly partitions: number
  readonly thresholds: readonly number[]
  readonly buckets: readonly MoveBucket[]
  /** Spearman ρ between the public and the private ranking. */
  readonly spearman: {
    readonly mean: number
    readonly p05: number
    readonly p95: number
    /** ρ of every split, ascending (for compareForecast's percentile); [] with one team. */
    readonly samples: readonly number[]
  }
  /** Mean |move| over teams and splits. */
  readonly expectedAbsMove: number
  /** Share of (team, split) pairs per bucket: the plot of the whole field's rank changes. */
  readonly histogram: readonly number[]
  /** Per team, in input order. */
  readonly perTeam: readonly TeamForecast[]
}

export function moveBuckets(edges: readonly number[] = DEFAULT_MOVE_EDGES): MoveBucket[] {
  if (edges.length > 254) throw new RangeError('at most 254 bucket edges')
  for (let i = 0; i < edges.length; i++) {
    if (!Number.isInteger(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1]))) throw new RangeError('bucket edges must be increasing integers')
  }
  const sign = (v: number) => (v > 0 ? `+${v}` : v < 0 ? `−${-v}` : '0')
  return [null, ...edges].map((lo, j) => {
    const hi = j < edges.length ? edges[j] - 1 : null
    const label =
      lo === null ? (hi === null ? 'all' : `≤ ${sign(hi)}`) : hi === null ? `≥ ${sign(lo)}` : lo === hi ? sign(lo) : `${sign(lo)}…${sign(hi)}`
    return { lo, hi, label }
  })
}

/** Bucket index of every possible move −(T−1)…T−1, at [move + T − 1]. */
function bucketTable(buckets: readonly MoveBucket[], teams: number): Uint8Array {
  const table = new Uint8Array(2 * teams - 1)
  for (let m = -(teams - 1), j = 0; m <= teams - 1; m++) {
    for (let hi = buckets[j].hi; hi !== null && m > hi; hi = buckets[j].hi) j++
    table[m + teams - 1] = j
  }
  return table
}

interface Flat {
  readonly subs: ScoreArray[]
  /** Team t's selections are subs[first[t]] … subs[first[t + 1] − 1]. */
  readonly first: Int32Array
  readonly images: number
}

function flatten(teams: readonly ShakeUpTeam[]): Flat {
  if (teams.length === 0) throw new RangeError('no teams')
  const subs: ScoreArray[] = []
  const first = new Int32Array(teams.length + 1)
  teams.forEach((t, i) => {
    if (t.selections.length === 0) throw new RangeError(`team ${i} has no selection`)
    subs.push(...t.selections)
    first[i + 1] = subs.length
  })
  const images = subs[0].length
  for (const s of subs) if (s.length !== images) throw new RangeError(`selections differ in length: ${s.length} and ${images}`)
  if (images < 2) throw new RangeError('a split needs at least 2 images')
  return { subs, first, images }
}

/** Scratch buffers of rankDescending for `teams` teams, reused across calls. */
export interface RankScratch {
  readonly keys: Uint32Array
  readonly keys2: Uint32Array
  readonly index: Int32Array
  readonly index2: Int32Array
  readonly counts: Int32Array
}

export function rankScratch(teams: number): RankScratch {
  return {
    keys: new Uint32Array(teams),
    keys2: new Uint32Array(teams),
    index: new Int32Array(teams),
    index2: new Int32Array(teams),
    counts: new Int32Array(256),
  }
}

/**
 * Ranks (1 = best) by descending score into `out`; equal scores rank by input position.
 *
 * A stable LSD radix sort (4 passes of 8 bits) of 32-bit keys ⌊(max − score) / (max − min) ·
 * (2³² − 1)⌋: ~70 µs for 2,000 teams, where V8's Float64Array sort or a comparator merge sort
 * of indices take ~270 µs, and each split ranks twice. Scores closer than (max − min) / 2³²
 * (4e-11 for a field spread over 0.15) share a key and so rank by position, as equal ones do.
 * Scores must be finite.
 */
export function rankDescending(scores: Float64Array, scratch: RankScratch, out: Int32Array): void {
  const n = scores.length
  let lo = Infinity
  let hi = -Infinity
  for (let t = 0; t < n; t++) {
    const v = scores[t]
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const scale = hi > lo ? 4294967295 / (hi - lo) : 0
  let ka = scratch.keys
  let kb = scratch.keys2
  let ia = scratch.index
  let ib = scratch.index2
  const counts = scratch.counts
  for (let t = 0; t < n; t++) {
    ka[t] = Math.floor((hi - scores[t]) * scale)
    ia[t] = t
  }
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0)
    for (let t = 0; t < n; t++) counts[(ka[t] >>> shift) & 255]++
    let sum = 0
    for (let c = 0; c < 256; c++) {
      const x = counts[c]
      counts[c] = sum
      sum += x
    }
    for (let t = 0; t < n; t++) {
      const k = ka[t]
      const d = counts[(k >>> shift) & 255]++
      kb[d] = k
      ib[d] = ia[t]
    }
    const tk = ka
    ka = kb
    kb = tk
    const ti = ia
    ia = ib
    ib = ti
  }
  // Four passes: the sorted order is back in scratch.index.
  for (let r = 0; r < n; r++) out[ia[r]] = r + 1
}

/**
 * Move statistics shared by the fast forecast and the exact reference. Moves are stored split by
 * split (contiguous writes); per-team sums are kept as they come, quantiles read at the end.
 */
class MoveTally {
  private readonly moves: Int32Array
  private readonly rho: Float64Array
  private readonly pubScore: Float64Array
  private readonly privScore: Float64Array
  private readonly pubRank: Int32Array
  private readonly privRank: Int32Array
  private readonly scratch: RankScratch
  private readonly buckets: MoveBucket[]
  private readonly table: Uint8Array
  private readonly absSum: Float64Array
  private readonly up: Int32Array
  private readonly down: Int32Array
  /** atLeast[k·T + t]: splits with |move_t| ≥ thresholds[k]. */
  private readonly atLeast: Int32Array
  /** hist[t·buckets + j]. */
  private readonly hist: Int32Array

  constructor(
    private readonly teams: number,
    private readonly splits: number,
    private readonly thresholds: readonly number[],
    edges: readonly number[],
  ) {
    this.moves = new Int32Array(teams * splits)
    this.rho = new Float64Array(splits)
    this.pubScore = new Float64Array(teams)
    this.privScore = new Float64Array(teams)
    this.pubRank = new Int32Array(teams)
    this.privRank = new Int32Array(teams)
    this.scratch = rankScratch(teams)
    this.buckets = moveBuckets(edges)
    this.table = bucketTable(this.buckets, teams)
    this.absSum = new Float64Array(teams)
    this.up = new Int32Array(teams)
    this.down = new Int32Array(teams)
    this.atLeast = new Int32Array(thresholds.length * teams)
    this.hist = new Int32Array(teams * this.buckets.length)
  }

  /** The next split's team scores, to fill: public and private, reset to −Infinity. */
  next(): { readonly pub: Float64Array; readonly priv: Float64Array } {
    this.pubScore.fill(-Infinity)
    this.privScore.fill(-Infinity)
    return { pub: this.pubScore, priv: this.privScore }
  }

  /** Ranks the scores filled since next() as split `s`. */
  record(s: number): void {
    const T = this.teams
    rankDescending(this.pubScore, this.scratch, this.pubRank)
    rankDescending(this.privScore, this.scratch, this.privRank)
    const nb = this.buckets.length
    const K = this.thresholds.length
    let d2 = 0
    const row = s * T
    for (let t = 0; t < T; t++) {
      const m = this.pubRank[t] - this.privRank[t]
      this.moves[row + t] = m
      d2 += m * m
      const a = m < 0 ? -m : m
      this.absSum[t] += a
      if (m > 0) this.up[t]++
      else if (m < 0) this.down[t]++
      for (let k = 0; k < K; k++) if (a >= this.thresholds[k]) this.atLeast[k * T + t]++
      this.hist[t * nb + this.table[m + T - 1]]++
    }
    this.rho[s] = T > 1 ? 1 - (6 * d2) / (T * (T * T - 1)) : NaN
  }

  summarize(meta: Pick<ShakeUpForecast, 'teams' | 'images' | 'publicImages' | 'splits' | 'blocks' | 'fineBlocks' | 'partitions'>): ShakeUpForecast {
    const { teams: T, splits: S, buckets, thresholds } = this
    const nb = buckets.length
    const pooled = new Float64Array(nb)
    let absTotal = 0
    // Quantiles by counting: a team's moves span at most 2T − 1 values.
    const counts = new Int32Array(2 * T - 1)
    const perTeam: TeamForecast[] = []
    for (let t = 0; t < T; t++) {
      let lo = T
      let hi = -T
      for (let s = 0, o = t; s < S; s++, o += T) {
        const m = this.moves[o]
        counts[m + T - 1]++
        if (m < lo) lo = m
        if (m > hi) hi = m
      }
      const q = (p: number) => {
        const rank = Math.min(S, Math.max(1, Math.ceil(p * S)))
        let seen = 0
        for (let m = lo; m <= hi; m++) {
          seen += counts[m + T - 1]
          if (seen >= rank) return m
        }
        return hi
      }
      const moveQuantiles = { p05: q(0.05), p50: q(0.5), p95: q(0.95) }
      counts.fill(0, lo + T - 1, hi + T)
      absTotal += this.absSum[t]
      const histogram: number[] = []
      for (let j = 0; j < nb; j++) {
        const c = this.hist[t * nb + j]
        pooled[j] += c
        histogram.push(c / S)
      }
      perTeam.push({
        expectedAbsMove: this.absSum[t] / S,
        pMoveAtLeast: thresholds.map((_, k) => this.atLeast[k * T + t] / S),
        pUp: this.up[t] / S,
        pDown: this.down[t] / S,
        moveQuantiles,
        histogram,
      })
    }
    const rho = T > 1 ? Float64Array.from(this.rho).sort() : new Float64Array(0)
    let rhoSum = 0
    for (const r of rho) rhoSum += r
    return {
      ...meta,
      thresholds: [...thresholds],
      buckets,
      spearman: {
        mean: T > 1 ? rhoSum / S : NaN,
        p05: quantileSorted(rho, 0.05),
        p95: quantileSorted(rho, 0.95),
        samples: Array.from(rho),
      },
      expectedAbsMove: absTotal / (T * S),
      histogram: Array.from(pooled, (c) => c / (T * S)),
      perTeam,
    }
  }
}

// The hot loops, as small top-level functions: V8 optimizes them on their own, with their
// arrays in registers rather than in the closure context of forecastShakeUp.

/** One pass over a selection: its total, and its fine-block sums into column q of `fine`. */
function fineSums(x: ScoreArray, fineOf: Uint32Array, scratch: Float64Array, fine: Float64Array, q: number, S: number): number {
  scratch.fill(0)
  let total = 0
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i]
    total += v
    scratch[fineOf[i]] += v
  }
  for (let j = 0, F = scratch.length; j < F; j++) fine[j * S + q] = scratch[j]
  return total
}

/** dst row rowOf[j] += src row j, rows of S values. */
function addRows(dst: Float64Array, src: Float64Array, rowOf: Uint32Array, S: number): void {
  for (let j = 0; j < rowOf.length; j++) {
    const from = j * S
    const to = rowOf[j] * S
    for (let q = 0; q < S; q++) dst[to + q] += src[from + q]
  }
}

/** acc += the rows of `sums` listed in `rows`. */
function sumRows(acc: Float64Array, sums: Float64Array, rows: Uint32Array, S: number): void {
  for (let k = 0; k < rows.length; k++) {
    const from = rows[k] * S
    for (let q = 0; q < S; q++) acc[q] += sums[from + q]
  }
}

/** Each team's best public and private mean over its selections, from the split's sums. */
function teamScores(
  first: Int32Array,
  acc: Float64Array,
  totals: Float64Array,
  accIsPublic: boolean,
  pubCount: number,
  privCount: number,
  pub: Float64Array,
  priv: Float64Array,
): void {
  for (let t = 0; t + 1 < first.length; t++) {
    for (let q = first[t]; q < first[t + 1]; q++) {
      const pubSum = accIsPublic ? acc[q] : totals[q] - acc[q]
      const ps = pubSum / pubCount
      const vs = (totals[q] - pubSum) / privCount
      if (ps > pub[t]) pub[t] = ps
      if (vs > priv[t]) priv[t] = vs
    }
  }
}

function checkFraction(f: number): void {
  if (!(f > 0 && f < 1)) throw new RangeError(`publicFraction must be in (0, 1), got ${f}`)
}

/**
 * The block count near `wanted` (±25 %) whose public share b/B is closest to f, so that the public
 * set has the requested size on average: f = 0.3 with 128 blocks would be 38/128 = 0.297, 1 %
 * short; 130 blocks give 39/130 exactly. With wanted ≥ N every image is a block (exact).
 */
export function chooseBlocks(images: number, f: number, wanted: number): { B: number; b: number } {
  const pick = (B: number) => Math.min(B - 1, Math.max(1, Math.round(f * B)))
  if (wanted >= images) return { B: images, b: pick(images) }
  let best = { B: wanted, b: pick(wanted) }
  let bestErr = Math.abs(best.b / wanted - f)
  for (let d = 1; d <= Math.floor(wanted / 4); d++) {
    for (const B of [wanted - d, wanted + d]) {
      if (B < 2 || B > images) continue
      const err = Math.abs(pick(B) / B - f)
      if (err < bestErr - 1e-12) {
        best = { B, b: pick(B) }
        bestErr = err
      }
    }
  }
  return best
}

/** The forecast by block splits (see the top of this file). Deterministic for a given seed. */
export function forecastShakeUp(teams: readonly ShakeUpTeam[], options: ShakeUpOptions): ShakeUpForecast {
  checkFraction(options.publicFraction)
  const { subs, first, images: N } = flatten(teams)
  const T = teams.length
  const splits = Math.max(1, Math.round(options.splits ?? 1000))
  const { B, b } = chooseBlocks(N, options.publicFraction, Math.max(2, Math.round(options.blocks ?? 128)))
  // Fine blocks: a multiple of B where N allows, so every block holds as many fine blocks and
  // block sizes differ by at most F/B images (≤ 7 % of a block for 16,000 images: 120…128).
  const F = B === N ? N : Math.min(N, B * Math.max(1, Math.round((options.fineBlocks ?? 1024) / B)))
  const P = B === N ? 1 : Math.max(1, Math.round(options.partitions ?? 8))
  // Sum the smaller side of the split; the other is the total minus it.
  const chosenArePublic = b <= B - b
  const m = chosenArePublic ? b : B - b
  const rand = seededRandom(options.seed ?? 1)
  const shuffle = (a: Uint32Array) => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      const tmp = a[i]
      a[i] = a[j]
      a[j] = tmp
    }
  }

  // The images dealt once into F fine blocks; each selection's fine sums in one pass (float64).
  const fineOf = new Uint32Array(N)
  const fineSize = new Float64Array(F)
  const perm = Uint32Array.from({ length: N }, (_, i) => i)
  shuffle(perm)
  for (let k = 0; k < N; k++) {
    const f = Math.floor((k * F) / N)
    fineOf[perm[k]] = f
    fineSize[f]++
  }
  const S = subs.length
  const totals = new Float64Array(S)
  // fine[j·S + q]: fine block j of selection q, block-major like `sums` below, so that a dealing
  // adds whole rows. Each selection's pass scatters into a 1,040-double scratch row (L1), which
  // is then copied into its column.
  const fine = new Float64Array(F * S)
  const scratch = new Float64Array(F)
  for (let q = 0; q < S; q++) totals[q] = fineSums(subs[q], fineOf, scratch, fine, q, S)

  // A dealing groups the fine blocks at random into B blocks: F row additions of S values,
  // not a pass over the images. sums[block·S + selection].
  const coarseOf = new Uint32Array(F)
  const finePerm = Uint32Array.from({ length: F }, (_, j) => j)
  const sizes = new Float64Array(B)
  const sums = new Float64Array(B * S)
  const deal = () => {
    shuffle(finePerm)
    for (let k = 0; k < F; k++) coarseOf[finePerm[k]] = Math.floor((k * B) / F)
    sizes.fill(0)
    for (let j = 0; j < F; j++) sizes[coarseOf[j]] += fineSize[j]
    sums.fill(0)
    addRows(sums, fine, coarseOf, S)
  }
  const acc = new Float64Array(S)

  const tally = new MoveTally(T, splits, options.thresholds ?? [1, 3, 10], options.bucketEdges ?? DEFAULT_MOVE_EDGES)
  const order = Uint32Array.from({ length: B }, (_, k) => k)
  const chosen = new Uint32Array(m)
  let publicImagesTotal = 0
  let dealt = -1
  for (let s = 0; s < splits; s++) {
    const p = Math.floor((s * P) / splits)
    if (p !== dealt) {
      deal()
      dealt = p
    }
    // Partial Fisher–Yates: the first m of `order` are a uniform random m-subset of the blocks.
    let count = 0
    for (let k = 0; k < m; k++) {
      const j = k + Math.floor(rand() * (B - k))
      const tmp = order[k]
      order[k] = order[j]
      order[j] = tmp
      chosen[k] = order[k]
      count += sizes[chosen[k]]
    }
    const pubCount = chosenArePublic ? count : N - count
    const privCount = N - pubCount
    publicImagesTotal += pubCount
    acc.fill(0)
    sumRows(acc, sums, chosen, S)
    const { pub, priv } = tally.next()
    teamScores(first, acc, totals, chosenArePublic, pubCount, privCount, pub, priv)
    tally.record(s)
  }
  return tally.summarize({ teams: T, images: N, publicImages: publicImagesTotal / splits, splits, blocks: B, fineBlocks: F, partitions: P })
}

/**
 * The slow exact simulation: each split draws round(f·N) public images uniformly at random
 * (partial Fisher–Yates over the images) and scores every selection image by image. The
 * reference forecastShakeUp is tested against, and the anchor of bench/stats.ts.
 */
export function exactShakeUp(teams: readonly ShakeUpTeam[], options: Omit<ShakeUpOptions, 'blocks' | 'fineBlocks' | 'partitions'>): ShakeUpForecast {
  checkFraction(options.publicFraction)
  const { subs, first, images: N } = flatten(teams)
  const T = teams.length
  const splits = Math.max(1, Math.round(options.splits ?? 1000))
  const n = Math.min(N - 1, Math.max(1, Math.round(options.publicFraction * N)))
  const rand = seededRandom(options.seed ?? 1)
  const totals = subs.map((x) => {
    let t = 0
    for (let i = 0; i < N; i++) t += x[i]
    return t
  })
  const order = new Uint32Array(N)
  for (let i = 0; i < N; i++) order[i] = i
  const tally = new MoveTally(T, splits, options.thresholds ?? [1, 3, 10], options.bucketEdges ?? DEFAULT_MOVE_EDGES)
  for (let s = 0; s < splits; s++) {
    for (let k = 0; k < n; k++) {
      const j = k + Math.floor(rand() * (N - k))
      const tmp = order[k]
      order[k] = order[j]
      order[j] = tmp
    }
    const { pub, priv } = tally.next()
    for (let t = 0; t < T; t++) {
      for (let q = first[t]; q < first[t + 1]; q++) {
        const x = subs[q]
        let acc = 0
        for (let k = 0; k < n; k++) acc += x[order[k]]
        const ps = acc / n
        const vs = (totals[q] - acc) / (N - n)
        if (ps > pub[t]) pub[t] = ps
        if (vs > priv[t]) priv[t] = vs
      }
    }
    tally.record(s)
  }
  return tally.summarize({ teams: T, images: N, publicImages: n, splits, blocks: N, fineBlocks: N, partitions: 1 })
}

export interface ActualShakeUp {
  /**
   * Per team, in the forecast's team order: rank on the public board (1 = best). Ranks on boards
   * with more teams than the forecast (e.g. the platform's board ranks) are fine: only their order
   * counts, equal ranks ordered by position.
   */
  readonly publicRank: readonly number[]
  /** Rank on the private board, likewise. */
  readonly privateRank: readonly number[]
}

/** 1…T in the order of `ranks` (equal ones by position), so that ρ's formula holds. */
function denseRanks(ranks: readonly number[]): number[] {
  const order = ranks.map((_, i) => i).sort((a, b) => ranks[a] - ranks[b] || a - b)
  const out = new Array<number>(ranks.length)
  order.forEach((t, k) => (out[t] = k + 1))
  return out
}

export interface TeamComparison {
  /** publicRank − privateRank, ranks taken among the forecast's teams. */
  readonly move: number
  readonly expectedAbsMove: number
  /** The move lies within the team's forecast 5–95 % range. */
  readonly withinRange: boolean
  /** Forecast share of the splits in the bucket the actual move fell in. */
  readonly pBucket: number
}

export interface ForecastComparison {
  readonly spearman: {
    readonly actual: number
    readonly forecastMean: number
    readonly p05: number
    readonly p95: number
    /** Share of simulated splits with ρ ≤ the actual one (small: a rougher shake-up than forecast). */
    readonly percentile: number
  }
  readonly meanAbsMove: { readonly actual: number; readonly forecast: number }
  /** Share of teams whose move fell in their 5–95 % range (≈ 0.9 when the forecast is calibrated). */
  readonly withinRangeShare: number
  /** Per bucket: forecast share of (team, split) pairs, and the actual share of teams. */
  readonly histogram: { readonly forecast: readonly number[]; readonly actual: readonly number[] }
  readonly perTeam: readonly TeamComparison[]
}

/** After the reveal: the real shake-up beside the forecast (teams in the forecast's order). */
export function compareForecast(forecast: ShakeUpForecast, actual: ActualShakeUp): ForecastComparison {
  const T = forecast.teams
  if (actual.publicRank.length !== T || actual.privateRank.length !== T) {
    throw new RangeError(`the actual shake-up has ${actual.publicRank.length}/${actual.privateRank.length} ranks for ${T} teams`)
  }
  const publicRank = denseRanks(actual.publicRank)
  const privateRank = denseRanks(actual.privateRank)
  const bucketOf = (v: number) => forecast.buckets.findIndex((b) => (b.lo === null || v >= b.lo) && (b.hi === null || v <= b.hi))
  const hist = new Array<number>(forecast.buckets.length).fill(0)
  let d2 = 0
  let abs = 0
  let within = 0
  const perTeam = forecast.perTeam.map((f, t) => {
    const move = publicRank[t] - privateRank[t]
    d2 += move * move
    abs += Math.abs(move)
    const j = bucketOf(move)
    hist[j]++
    const withinRange = move >= f.moveQuantiles.p05 && move <= f.moveQuantiles.p95
    if (withinRange) within++
    return { move, expectedAbsMove: f.expectedAbsMove, withinRange, pBucket: f.histogram[j] }
  })
  const rho = T > 1 ? 1 - (6 * d2) / (T * (T * T - 1)) : NaN
  const samples = forecast.spearman.samples
  let below = 0
  for (const r of samples) if (r <= rho) below++
  return {
    spearman: {
      actual: rho,
      forecastMean: forecast.spearman.mean,
      p05: forecast.spearman.p05,
      p95: forecast.spearman.p95,
      percentile: samples.length > 0 ? below / samples.length : NaN,
    },
    meanAbsMove: { actual: abs / T, forecast: forecast.expectedAbsMove },
    withinRangeShare: within / T,
    histogram: { forecast: forecast.histogram, actual: hist.map((c) => c / T) },
    perTeam,
  }
}
