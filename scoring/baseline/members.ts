/**
 * The baseline's members. Each turns query images into one 384-d prediction per image:
 * - `mean-prior`: the mean training prompt embedding (normalised), the same for every image;
 * - `knn`: the similarity-weighted mean of the prompt embeddings of the k most similar training
 *   images (similarity = cosine of image descriptors, negative similarities count as 0).
 */
import { dot, normalizeRows } from './vectors.ts'

/** Mean of `n` rows of `dim`, L2-normalised. */
export function meanPrior(embeddings: Float32Array, dim: number): Float32Array {
  const n = embeddings.length / dim
  const mean = new Float32Array(dim)
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += embeddings[i * dim + j] / n
  return normalizeRows(mean, dim)
}

/** Repeats one vector for `n` images. */
export function repeatRow(row: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * row.length)
  for (let i = 0; i < n; i++) out.set(row, i * row.length)
  return out
}

export interface KnnIndex {
  /** Training image descriptors, row-major `n × featureDim`, L2-normalised. */
  readonly features: Float32Array
  readonly featureDim: number
  /** Training prompt embeddings, row-major `n × dim`. */
  readonly embeddings: Float32Array
  readonly dim: number
}

/** For each query, the training rows sorted by similarity (best first): `[index, similarity][]`. */
export function rankNeighbours(index: KnnIndex, queries: Float32Array, maxK: number): [number, number][][] {
  const n = index.features.length / index.featureDim
  const q = queries.length / index.featureDim
  const out: [number, number][][] = []
  for (let i = 0; i < q; i++) {
    const sims: [number, number][] = []
    for (let r = 0; r < n; r++) sims.push([r, dot(queries, i * index.featureDim, index.features, r * index.featureDim, index.featureDim)])
    // Ties broken by training row, so results do not depend on sort stability.
    sims.sort((a, b) => b[1] - a[1] || a[0] - b[0])
    out.push(sims.slice(0, maxK))
  }
  return out
}

/** kNN predictions from ranked neighbours (see rankNeighbours), rows L2-normalised. */
export function knnFromRanked(index: KnnIndex, ranked: readonly (readonly [number, number])[][], k: number): Float32Array {
  const dim = index.dim
  const out = new Float32Array(ranked.length * dim)
  ranked.forEach((list, i) => {
    const top = list.slice(0, k)
    const total = top.reduce((s, [, sim]) => s + Math.max(sim, 0), 0)
    for (const [r, sim] of top) {
      // All neighbours dissimilar: fall back to their plain average.
      const w = total > 0 ? Math.max(sim, 0) / total : 1 / top.length
      for (let j = 0; j < dim; j++) out[i * dim + j] += w * index.embeddings[r * dim + j]
    }
  })
  return normalizeRows(out, dim)
}

/** kNN member: predictions for `queries` (row-major descriptors) with `k` neighbours. */
export function knnPredict(index: KnnIndex, queries: Float32Array, k: number): Float32Array {
  return knnFromRanked(index, rankNeighbours(index, queries, k), k)
}

/** Weighted sum of member predictions (each `n × dim`), rows L2-normalised. */
export function combineMembers(predictions: readonly Float32Array[], weights: readonly number[], dim: number): Float32Array {
  if (predictions.length !== weights.length || predictions.length === 0) throw new Error('one weight per member is needed')
  const out = new Float32Array(predictions[0].length)
  predictions.forEach((p, m) => {
    const w = weights[m]
    if (w !== 0) for (let i = 0; i < out.length; i++) out[i] += w * p[i]
  })
  return normalizeRows(out, dim)
}
