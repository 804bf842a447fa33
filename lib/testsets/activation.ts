// Activating a version: it becomes the competition's active test set and every finished
// submission is rescored against it through the job queue ('rescore-competition' → one scoring
// job per submission), so the scores of the previous version stay as SubmissionScore history.
import { db, type Job, type TestSetVersion } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { conflict, notFound } from '../errors.ts'
import { enqueueJob, type JobPayload } from '../queue/payloads.ts'
import { invalidateLeaderboard } from '../leaderboards/cache.ts'
import { enqueueScoring } from '../submissions/scoring-jobs.ts'
import { getTestSetVersion } from './reads.ts'


export interface Activation {
  version: TestSetVersion
  /** The 'rescore-competition' job. */
  job: Job
}

/**
 * Makes a ready version the competition's active test set and queues the rescoring of every
 * submission against it. Scores against earlier versions stay (SubmissionScore history).
 */
export async function activateTestSet(versionId: string): Promise<Activation> {
  const version = await db().testSetVersion.findUnique({ where: { id: versionId } })
  if (!version) throw notFound(`No test-set version ${versionId}`)
  if (version.status !== 'ready') throw conflict(`Version ${version.version} is ${version.status}; only a ready version can be activated`, 'testset_not_ready')
  const t = now()
  const [, activated] = await db().$transaction([
    db().competition.update({ where: { id: version.competitionId }, data: { activeTestSetId: version.id } }),
    db().testSetVersion.update({ where: { id: version.id }, data: { activatedAt: t } }),
  ])
  return { version: activated, job: await enqueueRescore(activated) }
}

/** Queues the 'rescore-competition' job of a version that has just become active. */
export async function enqueueRescore(version: TestSetVersion): Promise<Job> {
  return enqueueJob('rescore-competition', { competitionId: version.competitionId, testSetId: version.id }, { competitionId: version.competitionId })
}

export async function activateTestSetByNumber(competitionSlug: string, versionNumber: number): Promise<Activation> {
  const version = await getTestSetVersion(competitionSlug, versionNumber)
  return activateTestSet(version.id)
}

export interface RescoreOutcome {
  /** Submissions whose scores against this version already existed and were switched to. */
  reused: number
  /** 'score-submission' (or 'run-model') jobs enqueued. */
  enqueued: number
  /** True when another version became active meanwhile, so nothing was done. */
  superseded: boolean
}

/**
 * Body of the 'rescore-competition' job. Submissions already scored against this version (a
 * re-activation) take those scores back; every other finished submission gets the ordinary
 * scoring job of its kind (enqueueScoring), which scores the active version.
 * Failed submissions are included: one that failed because no test set was ready yet (or on ids
 * of the old version) may pass now. Queued or running submissions are left alone: their pending
 * job scores the active version anyway.
 */
export async function rescoreForTestSet(payload: JobPayload<'rescore-competition'>): Promise<RescoreOutcome> {
  const competition = await db().competition.findUnique({ where: { id: payload.competitionId }, select: { activeTestSetId: true } })
  if (!competition || competition.activeTestSetId !== payload.testSetId) return { reused: 0, enqueued: 0, superseded: true }
  const submissions = await db().submission.findMany({
    where: { competitionId: payload.competitionId, status: { in: ['scored', 'failed'] } },
    select: { id: true, kind: true, testSetId: true, scores: { where: { testSetId: payload.testSetId } } },
    orderBy: { createdAt: 'asc' },
  })
  let reused = 0
  let enqueued = 0
  for (const s of submissions) {
    if (s.testSetId === payload.testSetId) continue
    const previous = s.scores[0]
    if (previous && previous.error === null && previous.score !== null) {
      await db().submission.update({
        where: { id: s.id },
        data: {
          status: 'scored',
          error: null,
          errorLine: null,
          publicScore: previous.publicScore,
          privateScore: previous.privateScore,
          score: previous.score,
          perImageKey: previous.perImageKey,
          publicHalfWidth: previous.publicHalfWidth,
          testSetId: payload.testSetId,
        },
      })
      reused++
      continue
    }
    await enqueueScoring({ ...s, competitionId: payload.competitionId })
    enqueued++
  }
  if (reused > 0) invalidateLeaderboard(payload.competitionId)
  return { reused, enqueued, superseded: false }
}
