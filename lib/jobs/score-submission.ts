// The `score-submission` job: scores one uploaded CSV (long format or prompt text) against the
// competition's active test set and records the result exactly once (inside ctx.complete).
import { scoreSubmission, type ScoreResult } from '../../scoring/score.ts'
import { decodeTruth, readTruthFile } from '../../scoring/truth-file.ts'
import type { Truth } from '../../scoring/truth.ts'
import { db, type TestSetVersion } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { PermanentJobError, type JobContext } from '../queue/types.ts'
import { parseJobPayload } from '../queue/payloads.ts'
import { storage } from '../platform/storage.ts'
import { scorePromptSubmission } from './prompt-scoring.ts'
import { recordScore } from './record-score.ts'
import { invalidateLeaderboard } from '../leaderboards/cache.ts'

// Truth files are read once per test-set version and process; two versions cover a rescoring.
const truthCache = new Map<string, Promise<Truth>>()

async function readTruth(key: string): Promise<Truth> {
  const local = storage().localPath(key)
  return local ? readTruthFile(local) : decodeTruth(await storage().readBuffer(key))
}

export function loadTruth(testSet: Pick<TestSetVersion, 'id' | 'truthKey'>): Promise<Truth> {
  const key = testSet.truthKey
  if (!key) throw new Error(`test set ${testSet.id} has no truth file`)
  let hit = truthCache.get(testSet.id)
  if (!hit) {
    hit = readTruth(key)
    hit.catch(() => truthCache.delete(testSet.id))
    truthCache.set(testSet.id, hit)
    while (truthCache.size > 2) truthCache.delete(truthCache.keys().next().value as string)
  }
  return hit
}

export async function scoreSubmissionJob(payload: unknown, ctx: JobContext): Promise<void> {
  const { submissionId } = parseJobPayload('score-submission', payload)
  const sub = await db().submission.findUnique({
    where: { id: submissionId },
    include: { competition: { include: { activeTestSet: true } } },
  })
  if (!sub) {
    // Deleted meanwhile (e.g. its competition): nothing left to score.
    await ctx.complete()
    return
  }
  if (sub.kind === 'model') throw new PermanentJobError('Model submissions are run by the run-model job')
  const testSet = sub.competition.activeTestSet
  if (!testSet || testSet.status !== 'ready' || !testSet.truthKey) {
    throw new PermanentJobError('The competition has no test set to score against yet; submissions will be rescored once it is ready')
  }
  // A rescoring keeps a scored submission on the leaderboard with its old scores until it is done.
  await db().submission.updateMany({ where: { id: sub.id, status: 'queued' }, data: { status: 'running', startedAt: now() } })
  await ctx.progress(0, 'loading test set')
  const truth = await loadTruth(testSet)
  await ctx.progress(0.02, 'scoring')

  const onProgress = (f: number) => void ctx.progress(0.02 + 0.93 * f, 'scoring')
  const source = storage().localPath(sub.fileKey) ?? (await storage().read(sub.fileKey))
  const result: ScoreResult =
    sub.kind === 'prompts'
      ? await scorePromptSubmission(source, truth, { onProgress })
      : await scoreSubmission(source, truth, { onProgress, sizeHint: sub.fileSize })
  if (!result.ok) {
    // Failing against this version (e.g. after a rescore on a new test set): the scores of the
    // previous version must not stay on display, and the submission names the version it failed on.
    await db().submission.update({ where: { id: sub.id }, data: { publicScore: null, privateScore: null, score: null, perImageKey: null, testSetId: testSet.id } })
    invalidateLeaderboard(sub.competitionId)
    throw new PermanentJobError(result.error.message, { line: result.error.line })
  }

  await recordScore(ctx, sub, testSet.id, truth, result)
}
