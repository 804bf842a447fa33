/**
 * The fitted ensemble as plain arrays (pure): fit from backbone outputs with grouped CV
 * (cv.ts), predict in TypeScript (the reference the exported ONNX graph is tested against), and
 * fold everything into one ONNX model after the backbone (export-onnx.ts).
 */
import { crossValidate, groupFolds, viewOutputs, type CvGrid, type CvReport, type EnsembleParams, type ImageOutputs, type MemberName } from './cv.ts'
import {
  combineMembers,
  fitRidge,
  interrogatorPredict,
  knnFromSimilarities,
  matMulT,
  meanCosine,
  meanPrior,
  normalizeRows,
  repeatRow,
  ridgePredict,
  takeRows,
  type Matrix,
} from './members.ts'

export interface FittedEnsemble {
  readonly dim: number
  readonly featureDim: number
  readonly classes: number
  readonly params: EnsembleParams
  /** featureDim × dim and dim (prediction = normalised features · W + b). */
  readonly ridgeWeight: Float32Array
  readonly ridgeBias: Float32Array
  /** n × featureDim training features (flip-averaged when params.flip), L2-normalised. */
  readonly trainFeatures: Float32Array
  /** n × dim training prompt embeddings, L2-normalised. */
  readonly trainEmbeddings: Float32Array
  /** classes × dim class-name embeddings of params.template. */
  readonly classEmbeddings: Float32Array
  /** dim: the mean prompt prior. */
  readonly prior: Float32Array
}

export interface FitEnsembleInput {
  readonly outputs: ImageOutputs
  readonly featureDim: number
  readonly classes: number
  readonly embeddings: Float32Array
  readonly dim: number
  readonly classEmbeddings: ReadonlyMap<string, Float32Array>
  readonly groups: readonly string[]
  readonly folds: number
  readonly seed: number
  readonly grid?: CvGrid
}

/** CV, then the final members on all rows with the chosen parameters. */
export function fitEnsemble(input: FitEnsembleInput): { ensemble: FittedEnsemble; report: CvReport } {
  const report = crossValidate(input)
  const { params } = report
  const { dim, featureDim } = input
  const embeddings = normalizeRows(Float64Array.from(input.embeddings), dim)
  const { features } = viewOutputs(input.outputs, featureDim, params.flip)
  const head = fitRidge(features, embeddings, featureDim, dim, params.ridgeLambda)
  const classEmbeddings = input.classEmbeddings.get(params.template)
  if (!classEmbeddings) throw new Error(`no class embeddings for template '${params.template}'`)
  const n = input.groups.length
  return {
    report,
    ensemble: {
      dim,
      featureDim,
      classes: input.classes,
      params: { ...params, knnK: Math.min(params.knnK, n) },
      ridgeWeight: Float32Array.from(head.weight),
      ridgeBias: Float32Array.from(head.bias),
      trainFeatures: Float32Array.from(features),
      trainEmbeddings: Float32Array.from(embeddings),
      classEmbeddings: Float32Array.from(classEmbeddings),
      prior: Float32Array.from(meanPrior(embeddings, dim)),
    },
  }
}

/** Members with a non-zero weight, in the fixed order the graph adds them. */
export function activeMembers(params: EnsembleParams): MemberName[] {
  return (['ridge', 'knn', 'interrogator', 'prior'] as const).filter((m) => params.weights[m] !== 0)
}

/**
 * TypeScript reference prediction from backbone outputs (float64 arithmetic on the stored
 * float32 parameters): rows L2-normalised, `n × dim`.
 */
export function predictEnsemble(model: FittedEnsemble, outputs: ImageOutputs): Float64Array {
  const { dim, featureDim, classes, params } = model
  const { features, logits } = viewOutputs(outputs, featureDim, params.flip)
  const n = features.length / featureDim
  const nTrain = model.trainFeatures.length / featureDim
  const preds: Float64Array[] = []
  const weights: number[] = []
  for (const m of activeMembers(params)) {
    weights.push(params.weights[m])
    if (m === 'ridge') preds.push(ridgePredict({ weight: model.ridgeWeight, bias: model.ridgeBias }, features, featureDim, dim))
    else if (m === 'knn') {
      const sims = matMulT(features, model.trainFeatures, n, featureDim, nTrain)
      preds.push(knnFromSimilarities(sims, nTrain, model.trainEmbeddings, dim, params.knnK, params.knnTemperature))
    } else if (m === 'interrogator') preds.push(interrogatorPredict(logits, model.classEmbeddings, classes, dim, params.interrogatorTemperature))
    else preds.push(repeatRow(model.prior, n))
  }
  return combineMembers(preds, weights, dim)
}

/**
 * An honest estimate of the whole procedure (nested CV): for each outer grouped fold, every
 * parameter and weight is chosen by an inner grouped CV on the other folds only, the ensemble is
 * fitted there and scored on the held-out fold. Slower (folds × a full CV).
 */
export function nestedCvScore(input: FitEnsembleInput): { score: number; perFold: number[] } {
  const { dim, featureDim, classes } = input
  const fold = groupFolds(input.groups, input.folds, input.seed)
  const perFold: number[] = []
  let total = 0
  for (let f = 0; f < input.folds; f++) {
    const tr: number[] = []
    const te: number[] = []
    fold.forEach((g, i) => (g === f ? te : tr).push(i))
    if (te.length === 0) continue
    const pick = (m: Matrix | undefined, width: number, idx: number[]) => (m ? Float32Array.from(takeRows(m, width, idx)) : undefined)
    const sub = (idx: number[]): ImageOutputs => ({
      features: pick(input.outputs.features, featureDim, idx) ?? new Float32Array(0),
      logits: pick(input.outputs.logits, classes, idx) ?? new Float32Array(0),
      flippedFeatures: pick(input.outputs.flippedFeatures, featureDim, idx),
      flippedLogits: pick(input.outputs.flippedLogits, classes, idx),
    })
    const innerGroups = tr.map((i) => input.groups[i])
    const { ensemble } = fitEnsemble({
      ...input,
      outputs: sub(tr),
      embeddings: Float32Array.from(takeRows(input.embeddings, dim, tr)),
      groups: innerGroups,
      folds: Math.min(input.folds - 1, new Set(innerGroups).size),
    })
    const truth = takeRows(input.embeddings, dim, te)
    const s = meanCosine(predictEnsemble(ensemble, sub(te)), truth, dim)
    perFold.push(s)
    total += s * te.length
  }
  return { score: total / input.groups.length, perFold }
}
