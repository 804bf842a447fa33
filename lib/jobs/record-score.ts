// Recording a successful scoring, shared by every job that scores a submission (CSV and prompt
// files, model submissions, the reference baseline): the per-image files, the submission's current
// scores (with the 95 % half-width of its public score) and its SubmissionScore row for the test-set version, all inside ctx.complete so the
// result is written exactly once.
import type { ScoreSuccess } from '../../scoring/score.ts'
import type { Truth } from '../../scoring/truth.ts'
import { now } from '../platform/clock.ts'
import { invalidateLeaderboard } from '../leaderboards/cache.ts'
import type { JobContext, TxClient } from '../queue/types.ts'
import { writePerImageScores } from '../submissions/per-image.ts'
import { halfWidthOver } from '../submissions/interval.ts'

export interface RecordScoreOptions {
  /** Other Submission fields written with the scores (e.g. the execution provider). */
  readonly data?: { readonly provider?: string | null; readonly description?: string }
  /** More writes in the same transaction (e.g. retiring an earlier baseline). */
  readonly also?: (tx: TxClient) => Promise<void>
}

/** Stores the per-image scores and records `result` as the submission's score on `testSetId`. */
export async function recordScore(
  ctx: JobContext,
  sub: { readonly id: string; readonly competitionId: string },
  testSetId: string,
  truth: Truth,
  result: ScoreSuccess,
  options: RecordScoreOptions = {},
): Promise<void> {
  await ctx.progress(0.96, 'saving scores')
  const key = await writePerImageScores(sub.id, testSetId, truth, result.perImage)
  const publicHalfWidth = halfWidthOver(result.perImage, truth.isPublic)
  const scores = { publicScore: result.public, privateScore: result.private, score: result.score, perImageKey: key, publicHalfWidth }
  await ctx.complete(async (tx) => {
    await tx.submission.update({
      where: { id: sub.id },
      data: { ...options.data, ...scores, status: 'scored', testSetId, scoredAt: now(), error: null, errorLine: null, progress: 1 },
    })
    await tx.submissionScore.upsert({
      where: { submissionId_testSetId: { submissionId: sub.id, testSetId } },
      create: { submissionId: sub.id, testSetId, ...scores },
      update: { ...scores, error: null },
    })
    await options.also?.(tx)
  })
  invalidateLeaderboard(sub.competitionId)
}
