// The 'run-model' job: runs a submitted ONNX model on the active test set's hidden images in a
// killable child process (scoring/model), scores its embeddings exactly like a CSV with the same
// values and records the result through the same path as 'score-submission'. A failing model
// (time or memory cap, wrong output shape, a failed operator) fails its submission with the fixed
// participant message of its class; the raw runtime text, which can carry hidden pixel values,
// goes to the job log only (scoring/model/errors.ts). A run that started on the hidden images
// sets the submission's startedAt, so even failed it counts against the daily limit
// (countToday). The worker itself is never at risk. The embeddings are never stored.
// Rescoring a model submission on a new test-set version enqueues this job again (JOB_FOR_KIND);
// a baseline submission (also kind 'model', an ONNX model too) goes to scoreBaselineSubmission,
// which runs it through the same runner and also retires earlier baselines.
import { parseManifest } from '../../scoring/model/manifest.ts'
import { scoreVectors } from '../../scoring/score-vectors.ts'
import { isReferenceBaseline } from '../baseline/baseline.ts'
import { now } from '../platform/clock.ts'
import { db } from '../platform/db.ts'
import { submissionKeys } from '../submissions/files.ts'
import { PermanentJobError, type JobContext } from '../queue/types.ts'
import { parseJobPayload } from '../queue/payloads.ts'
import { storage } from '../platform/storage.ts'
import { requireActiveTestSet, runStoredModel } from './hidden-images.ts'
import { recordScore } from './record-score.ts'
import { scoreBaselineSubmission } from './run-baseline.ts'
import { loadTruth } from './score-submission.ts'

export async function runModelJob(payload: unknown, ctx: JobContext): Promise<void> {
  const { submissionId } = parseJobPayload('run-model', payload)
  const sub = await db().submission.findUnique({ where: { id: submissionId } })
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
  await db().submission.updateMany({ where: { id: sub.id, status: 'queued' }, data: { status: 'running' } })
  await ctx.progress(0, 'loading test set')
  const truth = await loadTruth(testSet)

  const manifestKey = submissionKeys.manifestOf(sub.fileKey)
  if (!(await storage().exists(manifestKey))) throw new PermanentJobError('The model has no stored manifest; submit it again with its manifest')
  const manifest = parseManifest((await storage().readBuffer(manifestKey)).toString('utf8'))
  if (!manifest.ok) throw new PermanentJobError(manifest.error.message)

  const { run, imageIds } = await runStoredModel(ctx, {
    modelKey: sub.fileKey,
    manifest: manifest.manifest,
    testSetId: testSet.id,
    onProgress: (done, total) => void ctx.progress(0.02 + 0.9 * (done / total), `images ${done}/${total}`),
  })
  if (run.ok || (run.started && run.error.class !== 'internal')) await db().submission.update({ where: { id: sub.id }, data: { startedAt: now() } })
  if (!run.ok) {
    await ctx.log(`model failed (${run.error.class}): ${run.error.organizerDetail}`)
    // Ours, not the model's: retried, and the participant sees the queue's internal-error message.
    if (run.error.class === 'internal') throw new Error(`model run: ${run.error.organizerDetail}`)
    throw new PermanentJobError(run.error.participantMessage)
  }
  await ctx.log(`provider ${run.provider}: ${imageIds.length} images in ${run.wallTimeMs} ms, peak memory ${run.peakRssMb} MiB`)
  await ctx.progress(0.93, 'scoring')
  const result = scoreVectors(
    imageIds,
    run.embeddings,
    truth,
  )
  if (!result.ok) throw new PermanentJobError(result.error.message)
  await recordScore(ctx, sub, testSet.id, truth, result, { data: { provider: run.provider } })
}
