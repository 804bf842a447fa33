// The 'run-baseline' job: reports training images that overlap the hidden test set, fits the
// reference ensemble on the visible data (EfficientNet-Lite2 features and logits, MiniLM prompt
// and class-name embeddings, grouped CV), stores it as ONE ONNX model with its manifest as the
// baseline submission's files, writes the starter kit, then scores the ONNX through the same model
// runner as participants' models (scoring/model/run-model.ts: CUDA first where present, else CPU)
// and retires the previous baseline (it keeps its scores as history).
import path from 'node:path'
import { diskFeatureCache, embedTrainPrompts, fitBaseline, resolveVisionModelDir } from '../../scoring/baseline/index.ts'
import { parseManifest } from '../../scoring/model/manifest.ts'
import { scoreVectors } from '../../scoring/score-vectors.ts'
import { BASELINE_FILE_NAMES, baselineKeys, describeBaseline, LEGACY_BASELINE_FILE_NAME, loadBaselineTrainingData, TrainDataError, type BaselineTrainingData } from '../baseline/baseline.ts'
import { writeStarterKit } from '../baseline/kit.ts'
import { baselineOverlaps, describeOverlaps } from '../baseline/overlap.ts'
import { now } from '../platform/clock.ts'
import { config, repoRoot } from '../platform/config.ts'
import { db, type Submission } from '../platform/db.ts'
import { submissionKeys } from '../submissions/files.ts'
import { PermanentJobError, type JobContext } from '../queue/types.ts'
import { parseJobPayload } from '../queue/payloads.ts'
import { storage } from '../platform/storage.ts'
import { requireActiveTestSet, runStoredModel } from './hidden-images.ts'
import { promptEmbedder } from './prompt-scoring.ts'
import { recordScore } from './record-score.ts'
import { loadTruth } from './score-submission.ts'

/** CV folds and seed of the reference run (fixed, so reruns on the same data agree). */
const FOLDS = 5
const SEED = 1

/** Whether a newer reference baseline of the competition has been scored: this one is retired. */
async function supersededBy(sub: Pick<Submission, 'id' | 'competitionId' | 'createdAt'>): Promise<string | null> {
  const newer = await db().submission.findFirst({
    where: { competitionId: sub.competitionId, isBaseline: true, teamId: null, fileName: { in: BASELINE_FILE_NAMES }, status: 'scored', id: { not: sub.id }, createdAt: { gt: sub.createdAt } },
    select: { id: true },
  })
  return newer?.id ?? null
}

/**
 * Runs a fitted baseline's stored ONNX model on the hidden images of the active test set with
 * the participants' model runner and records the score (and the provider that ran it); earlier
 * reference baselines of the competition retire (isBaseline = false, scores kept).
 * Used by 'run-baseline' after fitting and by 'run-model' when a baseline is rescored.
 */
export async function scoreBaselineSubmission(ctx: JobContext, sub: Submission, from = 0): Promise<void> {
  if (await supersededBy(sub)) {
    await ctx.log('a newer baseline run has been scored; this one stays retired')
    await ctx.complete()
    return
  }
  if (sub.fileName === LEGACY_BASELINE_FILE_NAME) throw new PermanentJobError('This baseline was fitted by an earlier version of the platform; run the baseline again')
  const manifestKey = submissionKeys.manifestOf(sub.fileKey)
  if (!(await storage().exists(sub.fileKey)) || !(await storage().exists(manifestKey))) {
    throw new PermanentJobError('This baseline run was never fitted; run `arena baseline run` again')
  }
  const manifest = parseManifest((await storage().readBuffer(manifestKey)).toString('utf8'))
  if (!manifest.ok) throw new PermanentJobError(manifest.error.message)
  const testSet = await requireActiveTestSet(sub.competitionId)
  const truth = await loadTruth(testSet)
  const span = 0.95 - from
  const { run, imageIds } = await runStoredModel(ctx, {
    modelKey: sub.fileKey,
    manifest: manifest.manifest,
    testSetId: testSet.id,
    onProgress: (done, total) => void ctx.progress(from + span * (done / total), `hidden images ${done}/${total}`),
  })
  if (!run.ok) {
    // The baseline is the platform's own model: its organizer-side detail is safe to keep.
    await ctx.log(`baseline model failed (${run.error.class}): ${run.error.organizerDetail}`)
    if (run.error.class === 'internal') throw new Error(`baseline model run: ${run.error.organizerDetail}`)
    throw new PermanentJobError(`The baseline model failed: ${run.error.participantMessage}`)
  }
  const result = scoreVectors(
    imageIds,
    run.embeddings,
    truth,
  )
  if (!result.ok) throw new PermanentJobError(result.error.message)
  await ctx.log(`provider ${run.provider}: ${imageIds.length} hidden images in ${run.wallTimeMs} ms (model runner); score ${result.score.toFixed(6)} (test set ${testSet.id})`)
  await recordScore(ctx, sub, testSet.id, truth, result, {
    data: { provider: run.provider },
    // Re-running replaces the current baseline; the earlier runs keep their rows and scores.
    also: async (tx) => {
      await tx.submission.updateMany({
        where: { competitionId: sub.competitionId, isBaseline: true, teamId: null, fileName: { in: BASELINE_FILE_NAMES }, id: { not: sub.id }, createdAt: { lte: sub.createdAt } },
        data: { isBaseline: false },
      })
    },
  })
}

function visionDir(): string {
  try {
    return resolveVisionModelDir(config().modelsDir, repoRoot)
  } catch {
    throw new PermanentJobError('The baseline\'s image backbone (efficientnet-lite2) is not prepared: run `npm run models:prepare`')
  }
}

export async function runBaselineJob(payload: unknown, ctx: JobContext): Promise<void> {
  const { submissionId, trainDir } = parseJobPayload('run-baseline', payload)
  const sub = await db().submission.findUnique({ where: { id: submissionId }, include: { competition: { select: { id: true, slug: true } } } })
  if (!sub) {
    await ctx.complete()
    return
  }
  if (!sub.isBaseline || sub.teamId !== null) throw new PermanentJobError('Only baseline submissions are fitted by the run-baseline job')
  await db().submission.updateMany({ where: { id: sub.id, status: 'queued' }, data: { status: 'running', startedAt: now() } })
  await ctx.progress(0, 'reading the visible data')
  const dir = visionDir()
  let data: BaselineTrainingData
  try {
    data = await loadBaselineTrainingData(sub.competitionId, trainDir)
  } catch (err) {
    if (err instanceof TrainDataError) throw new PermanentJobError(err.message)
    throw err
  }
  let fitted: Awaited<ReturnType<typeof fitBaseline>>
  try {
    if (data.items.length < 4) {
      throw new PermanentJobError('Too little visible training data (at least 4 images): pass --train DIR (images + prompts.csv), put sd-github-mix in ../shared/data, or add example images to the competition')
    }
    await ctx.log(`training on ${data.items.length} visible images from ${data.source}`)
    const overlaps = await baselineOverlaps(sub.competitionId, data.items)
    for (const line of describeOverlaps(overlaps)) await ctx.log(line)
    await ctx.progress(0.02, 'embedding the training prompts')
    const embedder = await promptEmbedder()
    const train = await embedTrainPrompts(embedder, data.items)
    await ctx.log(`prompt embeddings: all-MiniLM-L6-v2 on ${embedder.provider}`)
    fitted = await fitBaseline({
      train,
      embedder,
      visionDir: dir,
      folds: FOLDS,
      seed: SEED,
      threads: config().modelThreads,
      // Backbone outputs by image bytes and class-name embeddings by text: a rerun on the same
      // visible data skips the backbone (about 20 s for 125 images on 2 CPU cores).
      cache: diskFeatureCache(path.join(config().dataDir, 'cache', 'baseline')),
      onProgress: (done, total) => void ctx.progress(0.05 + 0.35 * (done / total), `training images ${done}/${total}`),
    })
  } finally {
    await data.cleanup()
  }
  const { report } = fitted
  await ctx.log(`backbone features on ${fitted.provider} in ${fitted.seconds.features.toFixed(1)} s; CV ${fitted.seconds.cv.toFixed(1)} s`)
  await ctx.progress(0.45, 'storing the fitted model')
  const { size } = await storage().put(sub.fileKey, Buffer.from(fitted.onnx))
  const manifestText = `${JSON.stringify(fitted.manifest, null, 2)}\n`
  await storage().put(submissionKeys.manifestOf(sub.fileKey), Buffer.from(manifestText))
  await storage().put(baselineKeys.report(sub.fileKey), Buffer.from(`${JSON.stringify(report, null, 2)}\n`))
  const description = describeBaseline(report, data.items.length, data.source)
  await ctx.log(description)
  await ctx.log(`CV report: ${JSON.stringify(report)}`)
  const { competition, ...row } = sub
  await db().submission.update({ where: { id: sub.id }, data: { description, fileSize: size } })
  // The kit follows the newest baseline (a run already superseded leaves it alone); written before
  // scoring, since recording the score completes the job.
  if (!(await supersededBy(row))) {
    const keys = await writeStarterKit({ competition, onnx: fitted.onnx, manifest: fitted.manifest, report, description, trainImages: data.items.length })
    await ctx.log(`starter kit written: ${keys.length} files`)
  }
  await scoreBaselineSubmission(ctx, { ...row, description, fileSize: size }, 0.5)
}
