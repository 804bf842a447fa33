// The 'run-model' job: runs a submitted ONNX model on the active test set's hidden images in a
// killable child process (scoring/model), scores its embeddings exactly like a CSV with the same
// values and records the result through the same path as 'score-submission'. A failing model
// (time or memory cap, wrong output shape, malformed graph) fails its submission with the
// runner's message; the worker itself is never at risk. The embeddings are never stored.
// Rescoring a model submission on a new test-set version enqueues this job again (JOB_FOR_KIND);
// a baseline submission (also kind 'model', an ONNX model too) goes to scoreBaselineSubmission,
// which runs it through the same runner and also retires earlier baselines.
import { z } from 'zod'
import { parseManifest } from '../../scoring/model/manifest.ts'
import { runModelOnImages, type RunLimits } from '../../scoring/model/run-model.ts'
import { scoreVectors } from '../../scoring/score-vectors.ts'
import { isReferenceBaseline } from '../baseline.ts'
import { now } from '../clock.ts'
import { config } from '../config.ts'
import { db } from '../db.ts'
import { localCopy, modelKeys } from '../model-submissions.ts'
import { PermanentJobError, type JobContext } from '../queue/types.ts'
import { storage } from '../storage.ts'
import { loadHiddenImages, requireActiveTestSet } from './hidden-images.ts'
import { recordScore } from './record-score.ts'
import { scoreBaselineSubmission } from './run-baseline.ts'
import { loadTruth } from './score-submission.ts'

const payloadSchema = z.object({ submissionId: z.string().min(1) })

/** Images per inference call (a model with a fixed batch dimension uses its own). */
const BATCH_SIZE = 16

let limitsOverride: Partial<RunLimits> | undefined

/** Test hook: other limits than the settings' (e.g. a tiny time cap). */
export function setModelRunLimits(limits: Partial<RunLimits> | undefined): void {
  limitsOverride = limits
}

/** Per-job limits: ARENA_MODEL_WALL_SECONDS, ARENA_MODEL_MEMORY_MB, ARENA_MODEL_THREADS. */
export function modelRunLimits(): RunLimits {
  const c = config()
  return { wallTimeMs: c.modelWallTimeMs, memoryMb: c.modelMemoryMb, threads: c.modelThreads, batchSize: BATCH_SIZE, ...limitsOverride }
}

export async function runModelHandler(payload: unknown, ctx: JobContext): Promise<void> {
  const parsed = payloadSchema.safeParse(payload)
  if (!parsed.success) throw new PermanentJobError('Invalid job payload')
  const sub = await db().submission.findUnique({ where: { id: parsed.data.submissionId } })
  if (!sub) {
    // Deleted meanwhile (e.g. its competition): nothing left to run.
    await ctx.complete()
    return
  }
  if (isReferenceBaseline(sub)) {
    if (!sub.isBaseline) {
      await ctx.log('a retired baseline run: not rescored')
      await ctx.complete()
      return
    }
    await scoreBaselineSubmission(ctx, sub)
    return
  }
  if (sub.kind !== 'model') throw new PermanentJobError('Only model submissions are run by the run-model job')
  const testSet = await requireActiveTestSet(sub.competitionId)
  await db().submission.updateMany({ where: { id: sub.id, status: 'queued' }, data: { status: 'running', startedAt: now() } })
  await ctx.progress(0, 'loading test set')
  const truth = await loadTruth(testSet)

  const manifestKey = modelKeys.manifestOf(sub.fileKey)
  if (!(await storage().exists(manifestKey))) throw new PermanentJobError('The model has no stored manifest; submit it again with its manifest')
  const manifest = parseManifest((await storage().readBuffer(manifestKey)).toString('utf8'))
  if (!manifest.ok) throw new PermanentJobError(manifest.error.message)

  const hidden = await loadHiddenImages(testSet.id)
  const model = await localCopy(sub.fileKey)
  const limits = modelRunLimits()
  await ctx.log(`running the model on ${hidden.images.length} hidden images (cap ${limits.wallTimeMs / 1000} s, ${limits.memoryMb} MiB, ${limits.threads} threads)`)
  await ctx.progress(0.02, `images 0/${hidden.images.length}`)
  let run: Awaited<ReturnType<typeof runModelOnImages>>
  try {
    run = await runModelOnImages({
      modelPath: model.path,
      manifest: manifest.manifest,
      images: hidden.images,
      limits,
      onProgress: (done, total) => void ctx.progress(0.02 + 0.9 * (done / total), `images ${done}/${total}`),
    })
  } finally {
    await model.cleanup()
    await hidden.cleanup()
  }
  if (!run.ok) {
    await ctx.log(`model failed (${run.error.code}): ${run.error.message}`)
    throw new PermanentJobError(run.error.message)
  }
  await ctx.log(`provider ${run.provider}: ${hidden.images.length} images in ${run.wallTimeMs} ms, peak memory ${run.peakRssMb} MiB`)
  await ctx.progress(0.93, 'scoring')
  const result = scoreVectors(
    hidden.images.map((i) => i.id),
    run.embeddings,
    truth,
  )
  if (!result.ok) throw new PermanentJobError(result.error.message)
  await recordScore(ctx, sub, testSet.id, truth, result, { data: { provider: run.provider } })
}
