/**
 * Cross-validation for the baseline: deterministic group k-fold (images sharing a prompt stay in
 * one fold, because the hidden test set never repeats a visible prompt), and a grid search over
 * the kNN's k and the ensemble weights that maximises mean cosine on the held-out folds.
 */
import { combineMembers, knnFromRanked, meanPrior, rankNeighbours, repeatRow, type KnnIndex } from './members.ts'
import { meanCosine, takeRows } from './vectors.ts'
import { seededRandom } from '../random.ts'


/**
 * Fold number (0..folds-1) for each row. Groups (sorted, then shuffled by `seed`) are dealt
 * round-robin, so the split depends only on the set of groups and the seed.
 */
export function groupFolds(groups: readonly string[], folds: number, seed: number): number[] {
  const unique = [...new Set(groups)].sort()
  if (folds < 2 || folds > unique.length) throw new Error(`need 2..${unique.length} folds, got ${folds}`)
  const rand = seededRandom(seed)
  for (let i = unique.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[unique[i], unique[j]] = [unique[j], unique[i]]
  }
  const foldOf = new Map(unique.map((g, i) => [g, i % folds]))
  return groups.map((g) => foldOf.get(g) ?? 0)
}

export interface CvGrid {
  /** Neighbour counts to try for the kNN member. */
  readonly k: readonly number[]
  /** kNN weights to try; the mean prior gets 1 - w. */
  readonly knnWeight: readonly number[]
}

export const DEFAULT_GRID: CvGrid = {
  k: [1, 2, 3, 5, 8, 12, 20, 30],
  knnWeight: Array.from({ length: 21 }, (_, i) => i / 20),
}

export interface CvReport {
  readonly folds: number
  readonly seed: number
  /** Each member on its own (kNN at its best k). */
  readonly members: readonly { readonly name: string; readonly cvScore: number; readonly params?: Record<string, number> }[]
  /** Best ensemble found by the grid (note: chosen on the same folds it is scored on). */
  readonly ensemble: number
  readonly weights: Readonly<Record<string, number>>
  readonly k: number
}

export interface CvInput {
  /** Image descriptors, `n × featureDim`, L2-normalised. */
  readonly features: Float32Array
  readonly featureDim: number
  /** Prompt embeddings (the truth), `n × dim`, L2-normalised. */
  readonly embeddings: Float32Array
  readonly dim: number
  /** Group per row (same prompt → same group). */
  readonly groups: readonly string[]
  readonly folds: number
  readonly seed: number
  readonly grid?: CvGrid
}

/** Out-of-fold predictions of every member and grid point, scored against the truth. */
export function crossValidate(input: CvInput): CvReport {
  const grid = input.grid ?? DEFAULT_GRID
  const { dim, featureDim } = input
  const n = input.groups.length
  const fold = groupFolds(input.groups, input.folds, input.seed)
  const maxK = Math.max(...grid.k)
  const meanOof = new Float32Array(n * dim)
  const knnOof = grid.k.map(() => new Float32Array(n * dim))
  for (let f = 0; f < input.folds; f++) {
    const trainIdx: number[] = []
    const testIdx: number[] = []
    fold.forEach((g, i) => (g === f ? testIdx : trainIdx).push(i))
    if (testIdx.length === 0) continue
    const index: KnnIndex = { features: takeRows(input.features, featureDim, trainIdx), featureDim, embeddings: takeRows(input.embeddings, dim, trainIdx), dim }
    const prior = meanPrior(index.embeddings, dim)
    const ranked = rankNeighbours(index, takeRows(input.features, featureDim, testIdx), maxK)
    const place = (dst: Float32Array, src: Float32Array) => testIdx.forEach((row, i) => dst.set(src.subarray(i * dim, (i + 1) * dim), row * dim))
    place(meanOof, repeatRow(prior, testIdx.length))
    grid.k.forEach((k, ki) => place(knnOof[ki], knnFromRanked(index, ranked, k)))
  }
  const meanScore = meanCosine(meanOof, input.embeddings, dim)
  let bestKnn = { score: -Infinity, ki: 0 }
  let best = { score: -Infinity, ki: 0, w: 0 }
  grid.k.forEach((_, ki) => {
    const s = meanCosine(knnOof[ki], input.embeddings, dim)
    if (s > bestKnn.score) bestKnn = { score: s, ki }
    for (const w of grid.knnWeight) {
      const score = meanCosine(combineMembers([knnOof[ki], meanOof], [w, 1 - w], dim), input.embeddings, dim)
      if (score > best.score + 1e-12) best = { score, ki, w }
    }
  })
  return {
    folds: input.folds,
    seed: input.seed,
    members: [
      { name: 'knn', cvScore: bestKnn.score, params: { k: grid.k[bestKnn.ki] } },
      { name: 'mean-prior', cvScore: meanScore },
    ],
    ensemble: best.score,
    weights: { knn: best.w, 'mean-prior': 1 - best.w },
    k: grid.k[best.ki],
  }
}
