/**
 * The reference ensemble baseline: fit on visible (image, prompt embedding) pairs, predict a
 * 384-d L2-normalised embedding for any image. Members: kNN over image descriptors (features.ts)
 * and the mean prompt prior (members.ts); k and weights chosen by group k-fold CV (cv.ts).
 * The fitted model is plain data and serialises to JSON (`serializeBaseline`/`parseBaseline`).
 */
import type { Embedder } from '../embedder.ts'
import { crossValidate, type CvGrid, type CvReport } from './cv.ts'
import { FEATURE_DIM, FEATURE_NAME, imageFeatureMatrix } from './features.ts'
import { combineMembers, knnPredict, meanPrior, repeatRow } from './members.ts'
import { normalizeRows } from './vectors.ts'

export const BASELINE_FORMAT = 'prompt-arena/baseline@1'

export interface BaselineTrainItem {
  readonly id: string
  readonly imagePath: string
  /** The prompt's sentence embedding (`dim` floats; normalised here). */
  readonly promptEmbedding: Float32Array
  /** Images with the same prompt share a group (kept in one CV fold). Default: the id. */
  readonly group?: string
}

export interface BaselineModel {
  readonly format: typeof BASELINE_FORMAT
  readonly dim: number
  readonly feature: { readonly name: string; readonly dim: number }
  readonly k: number
  readonly weights: { readonly knn: number; readonly 'mean-prior': number }
  readonly meanEmbedding: Float32Array
  readonly trainIds: readonly string[]
  /** `trainIds.length × feature.dim`. */
  readonly trainFeatures: Float32Array
  /** `trainIds.length × dim`. */
  readonly trainEmbeddings: Float32Array
}

export interface FitBaselineOptions {
  readonly train: readonly BaselineTrainItem[]
  /** CV folds (default 5, capped at the number of groups). */
  readonly folds?: number
  readonly seed?: number
  readonly grid?: CvGrid
  readonly onProgress?: (done: number, total: number) => void
}

export interface FitBaselineResult {
  readonly model: BaselineModel
  readonly report: CvReport
}

/** Fits the baseline: image descriptors, CV grid search, then the final model on all rows. */
export async function fitBaseline(options: FitBaselineOptions): Promise<FitBaselineResult> {
  const { train } = options
  if (train.length < 2) throw new Error('fitBaseline needs at least 2 training images')
  const dim = train[0].promptEmbedding.length
  const embeddings = new Float32Array(train.length * dim)
  train.forEach((t, i) => {
    if (t.promptEmbedding.length !== dim) throw new Error(`train item '${t.id}' has a ${t.promptEmbedding.length}-d embedding; expected ${dim}`)
    embeddings.set(t.promptEmbedding, i * dim)
  })
  normalizeRows(embeddings, dim)
  const features = await imageFeatureMatrix(
    train.map((t) => t.imagePath),
    options.onProgress,
  )
  const groups = train.map((t) => t.group ?? t.id)
  const folds = Math.min(options.folds ?? 5, new Set(groups).size)
  const report = crossValidate({ features, featureDim: FEATURE_DIM, embeddings, dim, groups, folds, seed: options.seed ?? 1, grid: options.grid })
  const model: BaselineModel = {
    format: BASELINE_FORMAT,
    dim,
    feature: { name: FEATURE_NAME, dim: FEATURE_DIM },
    k: Math.min(report.k, train.length),
    weights: { knn: report.weights.knn, 'mean-prior': report.weights['mean-prior'] },
    meanEmbedding: meanPrior(embeddings, dim),
    trainIds: train.map((t) => t.id),
    trainFeatures: features,
    trainEmbeddings: embeddings,
  }
  return { model, report }
}

/** Predicts `images.length × dim` floats (rows L2-normalised), in `images` order. */
export async function predictBaseline(
  model: BaselineModel,
  images: readonly { readonly id: string; readonly path: string }[],
  onProgress?: (done: number, total: number) => void,
): Promise<Float32Array> {
  const queries = await imageFeatureMatrix(
    images.map((i) => i.path),
    onProgress,
  )
  return predictFromFeatures(model, queries)
}

/** Prediction from precomputed descriptors (pure). */
export function predictFromFeatures(model: BaselineModel, queries: Float32Array): Float32Array {
  const n = queries.length / model.feature.dim
  const knn = knnPredict({ features: model.trainFeatures, featureDim: model.feature.dim, embeddings: model.trainEmbeddings, dim: model.dim }, queries, model.k)
  return combineMembers([knn, repeatRow(model.meanEmbedding, n)], [model.weights.knn, model.weights['mean-prior']], model.dim)
}

/** Embeds training prompts with the platform's sentence embedder (each distinct prompt once). */
export async function embedTrainPrompts(
  embedder: Embedder,
  items: readonly { readonly id: string; readonly imagePath: string; readonly prompt: string; readonly group?: string }[],
): Promise<BaselineTrainItem[]> {
  const distinct = [...new Set(items.map((i) => i.prompt))]
  const vectors = await embedder.embed(distinct)
  const row = new Map(distinct.map((p, i) => [p, i]))
  return items.map((it) => {
    const r = row.get(it.prompt) ?? 0
    return {
      id: it.id,
      imagePath: it.imagePath,
      promptEmbedding: vectors.slice(r * embedder.dim, (r + 1) * embedder.dim),
      group: it.group ?? it.prompt,
    }
  })
}

const toB64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')
function fromB64(s: string): Float32Array {
  const b = Buffer.from(s, 'base64')
  const out = new Float32Array(b.length / 4)
  new Uint8Array(out.buffer).set(b.subarray(0, out.length * 4))
  return out
}

/** JSON text of a fitted model (float arrays as base64 little-endian float32). */
export function serializeBaseline(model: BaselineModel): string {
  return JSON.stringify({
    ...model,
    meanEmbedding: toB64(model.meanEmbedding),
    trainFeatures: toB64(model.trainFeatures),
    trainEmbeddings: toB64(model.trainEmbeddings),
  })
}

export type ParseBaselineResult = { ok: true; model: BaselineModel } | { ok: false; error: { code: 'bad_baseline'; message: string } }

/** Reads `serializeBaseline` output back, checking format and array sizes. */
export function parseBaseline(text: string): ParseBaselineResult {
  const bad = (message: string): ParseBaselineResult => ({ ok: false, error: { code: 'bad_baseline', message: `Stored baseline is unusable: ${message}` } })
  let v: Record<string, unknown>
  try {
    v = JSON.parse(text) as Record<string, unknown>
  } catch {
    return bad('not JSON')
  }
  if (v.format !== BASELINE_FORMAT) return bad(`format is ${JSON.stringify(v.format)}, expected ${BASELINE_FORMAT}`)
  const feature = v.feature as { name?: unknown; dim?: unknown } | undefined
  const weights = v.weights as { knn?: unknown; 'mean-prior'?: unknown } | undefined
  const ids = v.trainIds
  if (typeof v.dim !== 'number' || typeof v.k !== 'number' || !feature || typeof feature.dim !== 'number' || typeof feature.name !== 'string') return bad('missing dim, k or feature')
  if (feature.name !== FEATURE_NAME) return bad(`image feature '${feature.name}' is not this version's '${FEATURE_NAME}'`)
  if (!weights || typeof weights.knn !== 'number' || typeof weights['mean-prior'] !== 'number') return bad('missing weights')
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) return bad('missing trainIds')
  if (typeof v.meanEmbedding !== 'string' || typeof v.trainFeatures !== 'string' || typeof v.trainEmbeddings !== 'string') return bad('missing arrays')
  const model: BaselineModel = {
    format: BASELINE_FORMAT,
    dim: v.dim,
    feature: { name: feature.name, dim: feature.dim },
    k: v.k,
    weights: { knn: weights.knn, 'mean-prior': weights['mean-prior'] },
    meanEmbedding: fromB64(v.meanEmbedding),
    trainIds: ids as string[],
    trainFeatures: fromB64(v.trainFeatures),
    trainEmbeddings: fromB64(v.trainEmbeddings),
  }
  if (model.meanEmbedding.length !== model.dim) return bad('meanEmbedding has the wrong length')
  if (model.trainFeatures.length !== ids.length * feature.dim) return bad('trainFeatures has the wrong length')
  if (model.trainEmbeddings.length !== ids.length * model.dim) return bad('trainEmbeddings has the wrong length')
  return { ok: true, model }
}
