// The 'run-baseline' job: fits the reference ensemble baseline on the visible data (prompt
// embeddings with MiniLM, image descriptors with sharp on the CPU), stores the fitted model as the
// baseline submission's file, predicts the hidden images, scores the predictions like any
// submission and retires the previous baseline (it keeps its scores as history).
import { embedTrainPrompts, fitBaseline, parseBaseline, predictBaseline, serializeBaseline, type BaselineModel } from '../../scoring/baseline/index.ts'
import { scoreVectors } from '../../scoring/score-vectors.ts'
import { BASELINE_FILE_NAME, defaultTrainDir, describeBaseline, exampleTrainImages, readTrainDir, TrainDataError, type TrainImage } from '../baseline/baseline.ts'
import { now } from '../platform/clock.ts'
import { db, type Submission } from '../platform/db.ts'
import { localCopy } from '../platform/storage.ts'
import { PermanentJobError, type JobContext } from '../queue/types.ts'
import { parseJobPayload } from '../queue/payloads.ts'
import { storage } from '../platform/storage.ts'
import { loadHiddenImages, requireActiveTestSet } from './hidden-images.ts'
import { promptEmbedder } from './prompt-scoring.ts'
import { recordScore } from './record-score.ts'
import { loadTruth } from './score-submission.ts'


/** CV folds and seed of the reference run (fixed, so reruns on the same data agree). */
const FOLDS = 5
const SEED = 1

const CPU_NOTE = 'provider cpu: the baseline\'s image descriptors are computed with sharp on the CPU (no image model runs)'

/** Whether a newer reference baseline of the competition has been scored: this one is retired. */
async function supersededBy(sub: Pick<Submission, 'id' | 'competitionId' | 'createdAt'>): Promise<string | null> {
  const newer = await db().submission.findFirst({
    where: { competitionId: sub.competitionId, isBaseline: true, teamId: null, fileName: BASELINE_FILE_NAME, status: 'scored', id: { not: sub.id }, createdAt: { gt: sub.createdAt } },
    select: { id: true },
  })
  return newer?.id ?? null
}

/**
 * Predicts the hidden images of the active test set with a fitted baseline and records the
 * score; earlier reference baselines of the competition retire (isBaseline = false, scores kept).
 * Used by 'run-baseline' after fitting and by 'run-model' when a baseline is rescored.
 */
export async function scoreBaselineSubmission(ctx: JobContext, sub: Submission, model: BaselineModel, from = 0): Promise<void> {
  if (await supersededBy(sub)) {
    await ctx.log('a newer baseline run has been scored; this one stays retired')
    await ctx.complete()
    return
  }
  const testSet = await requireActiveTestSet(sub.competitionId)
  const truth = await loadTruth(testSet)
  if (model.dim !== truth.dim) throw new PermanentJobError(`The baseline predicts ${model.dim} dimensions; the test set has ${truth.dim}`)
  const hidden = await loadHiddenImages(testSet.id)
  let predictions: Float32Array
  try {
    const span = 0.95 - from
    predictions = await predictBaseline(model, hidden.images, (done, total) => void ctx.progress(from + span * (done / total), `hidden images ${done}/${total}`))
  } finally {
    await hidden.cleanup()
  }
  const result = scoreVectors(
    hidden.images.map((i) => i.id),
    predictions,
    truth,
  )
  if (!result.ok) throw new PermanentJobError(result.error.message)
  await ctx.log(`${CPU_NOTE}; score ${result.score.toFixed(6)} on ${result.images} hidden images (test set ${testSet.id})`)
  await recordScore(ctx, sub, testSet.id, truth, result, {
    data: { provider: 'cpu' },
    // Re-running replaces the current baseline; the earlier runs keep their rows and scores.
    also: async (tx) => {
      await tx.submission.updateMany({
        where: { competitionId: sub.competitionId, isBaseline: true, teamId: null, fileName: BASELINE_FILE_NAME, id: { not: sub.id }, createdAt: { lte: sub.createdAt } },
        data: { isBaseline: false },
      })
    },
  })
}

/** The stored fitted model of a baseline submission (for rescoring). */
export async function readStoredBaseline(sub: Submission): Promise<BaselineModel> {
  if (!(await storage().exists(sub.fileKey))) throw new PermanentJobError('This baseline run was never fitted; run `arena baseline run` again')
  const parsed = parseBaseline((await storage().readBuffer(sub.fileKey)).toString('utf8'))
  if (!parsed.ok) throw new PermanentJobError(parsed.error.message)
  return parsed.model
}

async function trainingData(competitionId: string, trainDir: string | undefined): Promise<{ items: TrainImage[]; source: string; cleanup: () => Promise<void> }> {
  const dir = trainDir ?? defaultTrainDir()
  if (dir) {
    try {
      return { items: await readTrainDir(dir), source: trainDir ? dir : 'sd-github-mix', cleanup: async () => {} }
    } catch (err) {
      if (err instanceof TrainDataError) throw new PermanentJobError(err.message)
      throw err
    }
  }
  const examples = await exampleTrainImages(competitionId)
  const copies = await Promise.all(examples.map((e) => localCopy(e.fileKey)))
  return {
    items: examples.map((e, i) => ({ id: e.id, prompt: e.prompt, imagePath: copies[i].path })),
    source: 'the competition\'s example images',
    cleanup: async () => {
      await Promise.all(copies.map((c) => c.cleanup()))
    },
  }
}

export async function runBaselineJob(payload: unknown, ctx: JobContext): Promise<void> {
  const { submissionId, trainDir } = parseJobPayload('run-baseline', payload)
  const sub = await db().submission.findUnique({ where: { id: submissionId } })
  if (!sub) {
    await ctx.complete()
    return
  }
  if (!sub.isBaseline || sub.teamId !== null) throw new PermanentJobError('Only baseline submissions are fitted by the run-baseline job')
  await db().submission.updateMany({ where: { id: sub.id, status: 'queued' }, data: { status: 'running', startedAt: now() } })
  await ctx.progress(0, 'reading the visible data')
  const data = await trainingData(sub.competitionId, trainDir)
  let fitted: Awaited<ReturnType<typeof fitBaseline>>
  try {
    if (data.items.length < 2) {
      throw new PermanentJobError('No visible training data: pass --train DIR (images + prompts.csv), put sd-github-mix in ../shared/data, or add example images to the competition')
    }
    await ctx.log(`training on ${data.items.length} visible images from ${data.source}`)
    await ctx.progress(0.02, 'embedding the training prompts')
    const embedder = await promptEmbedder()
    const train = await embedTrainPrompts(embedder, data.items)
    await ctx.log(`prompt embeddings: all-MiniLM-L6-v2 on ${embedder.provider}`)
    fitted = await fitBaseline({
      train,
      folds: FOLDS,
      seed: SEED,
      onProgress: (done, total) => void ctx.progress(0.05 + 0.45 * (done / total), `training images ${done}/${total}`),
    })
  } finally {
    await data.cleanup()
  }
  const { model, report } = fitted
  const text = serializeBaseline(model)
  const { size } = await storage().put(sub.fileKey, Buffer.from(text))
  const description = describeBaseline(report, data.items.length, data.source)
  await ctx.log(description)
  await ctx.log(`CV report: ${JSON.stringify(report)}`)
  await db().submission.update({ where: { id: sub.id }, data: { description, fileSize: size, provider: 'cpu' } })
  await scoreBaselineSubmission(ctx, { ...sub, description, fileSize: size }, model, 0.5)
}
