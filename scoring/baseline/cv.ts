/**
 * Cross-validation for the baseline: deterministic group k-fold (images sharing a prompt stay in
 * one fold, because the hidden test set never repeats a visible prompt). Each member's
 * hyper-parameters are chosen by its own out-of-fold (OOF) mean cosine, then the ensemble
 * weights by a grid over the simplex on the members' OOF predictions, with and without the
 * flip test-time augmentation; the better of the two is kept.
 */
import { seededRandom } from '../random.ts'
import {
  average,
  combineMembers,
  interrogatorPredict,
  knnFromSimilarities,
  matMulT,
  meanCosine,
  meanPrior,
  normalizeRows,
  rankRows,
  repeatRow,
  ridgePath,
  takeRows,
  type Matrix,
} from './members.ts'

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

export const MEMBER_NAMES = ['ridge', 'knn', 'interrogator', 'prior'] as const
export type MemberName = (typeof MEMBER_NAMES)[number]

export interface CvGrid {
  readonly ridgeLambda: readonly number[]
  /** Neighbour counts (capped at the training rows of a fold). */
  readonly knnK: readonly number[]
  readonly knnTemperature: readonly number[]
  readonly interrogatorTemperature: readonly number[]
  /** Step of the weight grid over the simplex of the four members (1/step must be an integer). */
  readonly weightStep: number
  /** Whether to try the flip augmentation (needs flipped outputs). */
  readonly flip: readonly boolean[]
}

export const DEFAULT_GRID: CvGrid = {
  ridgeLambda: [0.03, 0.1, 0.3, 1, 3, 10],
  knnK: [1, 3, 5, 10, 20, 50, 100],
  knnTemperature: [0.01, 0.02, 0.05, 0.1, 1],
  interrogatorTemperature: [0.5, 1, 2, 4, 8],
  weightStep: 0.05,
  flip: [false, true],
}

/** Everything the exported model needs besides the fitted arrays. */
export interface EnsembleParams {
  readonly flip: boolean
  readonly ridgeLambda: number
  readonly knnK: number
  readonly knnTemperature: number
  readonly template: string
  readonly interrogatorTemperature: number
  readonly weights: Readonly<Record<MemberName, number>>
}

export interface MemberReport {
  readonly name: MemberName
  readonly cvScore: number
  readonly params: Readonly<Record<string, number | string | boolean>>
}

export interface CvReport {
  readonly folds: number
  readonly seed: number
  /** Each member on its own at its best parameters (with the chosen flip setting). */
  readonly members: readonly MemberReport[]
  /** Best ensemble (note: weights chosen on the same folds it is scored on). */
  readonly ensemble: number
  /** Ensemble CV without and with flip augmentation (when tried). */
  readonly flipScores: Readonly<Partial<Record<'plain' | 'flip', number>>>
  readonly params: EnsembleParams
}

/** Backbone outputs for n images: features n×featureDim, logits n×classes; flipped when computed. */
export interface ImageOutputs {
  readonly features: Matrix
  readonly logits: Matrix
  readonly flippedFeatures?: Matrix
  readonly flippedLogits?: Matrix
}

export interface CvInput {
  readonly outputs: ImageOutputs
  readonly featureDim: number
  readonly classes: number
  /** Prompt embeddings (the truth), n × dim, L2-normalised. */
  readonly embeddings: Matrix
  readonly dim: number
  /** Class-name embeddings by prompt template, each classes × dim, L2-normalised. */
  readonly classEmbeddings: ReadonlyMap<string, Matrix>
  /** Group per row (same prompt → same group). */
  readonly groups: readonly string[]
  readonly folds: number
  readonly seed: number
  readonly grid?: CvGrid
}

/** Features and logits after the (optional) flip averaging; features L2-normalised. */
export function viewOutputs(outputs: ImageOutputs, featureDim: number, flip: boolean): { features: Float64Array; logits: Float64Array } {
  if (flip && (!outputs.flippedFeatures || !outputs.flippedLogits)) throw new Error('flip needs flipped outputs')
  const features = flip && outputs.flippedFeatures ? average(outputs.features, outputs.flippedFeatures) : Float64Array.from(outputs.features)
  const logits = flip && outputs.flippedLogits ? average(outputs.logits, outputs.flippedLogits) : Float64Array.from(outputs.logits)
  return { features: normalizeRows(features, featureDim), logits }
}

interface Candidate<P> {
  readonly params: P
  readonly oof: Float64Array
  readonly score: number
}

function best<P>(cands: readonly Candidate<P>[]): Candidate<P> {
  // Strictly better only: ties keep the earlier grid point, so the choice is deterministic.
  return cands.reduce((a, b) => (b.score > a.score + 1e-12 ? b : a))
}

/** Every weight vector on the simplex grid with `step`. */
export function simplexGrid(members: number, step: number): number[][] {
  const units = Math.round(1 / step)
  const out: number[][] = []
  const rec = (prefix: number[], left: number) => {
    if (prefix.length === members - 1) {
      out.push([...prefix, left].map((u) => u / units))
      return
    }
    for (let u = 0; u <= left; u++) rec([...prefix, u], left - u)
  }
  rec([], units)
  return out
}

function crossValidateView(input: CvInput, flip: boolean): { members: MemberReport[]; ensemble: number; params: EnsembleParams } {
  const grid = input.grid ?? DEFAULT_GRID
  const { dim, featureDim, classes, embeddings } = input
  const n = input.groups.length
  const { features, logits } = viewOutputs(input.outputs, featureDim, flip)
  const fold = groupFolds(input.groups, input.folds, input.seed)
  const priorOof = new Float64Array(n * dim)
  const ridgeOof = grid.ridgeLambda.map(() => new Float64Array(n * dim))
  const knnGrid = grid.knnK.flatMap((k) => grid.knnTemperature.map((t) => ({ k, t })))
  const knnOof = knnGrid.map(() => new Float64Array(n * dim))
  for (let f = 0; f < input.folds; f++) {
    const trainIdx: number[] = []
    const testIdx: number[] = []
    fold.forEach((g, i) => (g === f ? testIdx : trainIdx).push(i))
    if (testIdx.length === 0) continue
    const xTr = takeRows(features, featureDim, trainIdx)
    const yTr = takeRows(embeddings, dim, trainIdx)
    const xTe = takeRows(features, featureDim, testIdx)
    const place = (dst: Float64Array, src: Float64Array) => testIdx.forEach((row, i) => dst.set(src.subarray(i * dim, (i + 1) * dim), row * dim))
    place(priorOof, repeatRow(meanPrior(yTr, dim), testIdx.length))
    ridgePath(xTr, yTr, xTe, featureDim, dim, grid.ridgeLambda).forEach((pred, li) => place(ridgeOof[li], pred))
    const sims = matMulT(xTe, xTr, testIdx.length, featureDim, trainIdx.length)
    const ranked = rankRows(sims, trainIdx.length)
    knnGrid.forEach(({ k, t }, gi) => place(knnOof[gi], knnFromSimilarities(sims, trainIdx.length, yTr, dim, k, t, ranked)))
  }
  const score = (oof: Float64Array) => meanCosine(oof, embeddings, dim)
  const ridge = best(grid.ridgeLambda.map((lambda, i) => ({ params: { lambda }, oof: ridgeOof[i], score: score(ridgeOof[i]) })))
  const knn = best(knnGrid.map((p, i) => ({ params: p, oof: knnOof[i], score: score(knnOof[i]) })))
  // The interrogator has nothing to fit: its predictions are out-of-fold by construction.
  const interrogatorCands: Candidate<{ template: string; t: number }>[] = []
  for (const [template, cls] of input.classEmbeddings) {
    for (const t of grid.interrogatorTemperature) {
      const oof = interrogatorPredict(logits, cls, classes, dim, t)
      interrogatorCands.push({ params: { template, t }, oof, score: score(oof) })
    }
  }
  const interrogator = best(interrogatorCands)
  const prior = { oof: priorOof, score: score(priorOof) }
  const oofs = [ridge.oof, knn.oof, interrogator.oof, prior.oof]
  let ens = { score: -Infinity, w: [0, 0, 0, 1] }
  for (const w of simplexGrid(4, grid.weightStep)) {
    const s = score(combineMembers(oofs, w, dim))
    if (s > ens.score + 1e-12) ens = { score: s, w }
  }
  return {
    members: [
      { name: 'ridge', cvScore: ridge.score, params: { lambda: ridge.params.lambda } },
      { name: 'knn', cvScore: knn.score, params: { k: knn.params.k, temperature: knn.params.t } },
      { name: 'interrogator', cvScore: interrogator.score, params: { template: interrogator.params.template, temperature: interrogator.params.t } },
      { name: 'prior', cvScore: prior.score, params: {} },
    ],
    ensemble: ens.score,
    params: {
      flip,
      ridgeLambda: ridge.params.lambda,
      knnK: knn.params.k,
      knnTemperature: knn.params.t,
      template: interrogator.params.template,
      interrogatorTemperature: interrogator.params.t,
      weights: { ridge: ens.w[0], knn: ens.w[1], interrogator: ens.w[2], prior: ens.w[3] },
    },
  }
}

/** Grouped k-fold CV of every member and the ensemble; picks all parameters. */
export function crossValidate(input: CvInput): CvReport {
  const grid = input.grid ?? DEFAULT_GRID
  if (input.classEmbeddings.size === 0) throw new Error('crossValidate needs at least one prompt template')
  const canFlip = input.outputs.flippedFeatures !== undefined && input.outputs.flippedLogits !== undefined
  const tried = grid.flip.filter((f) => !f || canFlip)
  if (tried.length === 0) throw new Error('the grid tries no flip setting this data allows')
  const results = tried.map((flip) => crossValidateView(input, flip))
  const chosen = results.reduce((a, b) => (b.ensemble > a.ensemble + 1e-12 ? b : a))
  const flipScores: Partial<Record<'plain' | 'flip', number>> = {}
  results.forEach((r) => (flipScores[r.params.flip ? 'flip' : 'plain'] = r.ensemble))
  return { folds: input.folds, seed: input.seed, members: chosen.members, ensemble: chosen.ensemble, flipScores, params: chosen.params }
}
