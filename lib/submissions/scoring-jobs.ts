// Which job scores a submission of each kind, and queueing it: on upload, when an organizer asks
// for a rescoring, and when a new test-set version becomes active.
import type { Competition, SubmissionKind } from '../platform/db.ts'
import { db } from '../platform/db.ts'
import { conflict } from '../errors.ts'
import { enqueueJob } from '../queue/payloads.ts'

const JOB_FOR_KIND = { csv: 'score-submission', prompts: 'score-submission', model: 'run-model' } as const satisfies Record<SubmissionKind, string>

/** Queues the scoring job of a submission's kind; it scores the competition's active test set. */
export async function enqueueScoring(s: { id: string; kind: SubmissionKind; competitionId: string }): Promise<void> {
  await enqueueJob(JOB_FOR_KIND[s.kind], { submissionId: s.id }, { submissionId: s.id, competitionId: s.competitionId })
}

/**
 * Organizer: queues every scored submission of the competition for scoring against the active
 * test set. Failed ones were invalid files and stay failed; queued or running ones score the
 * active set anyway. They keep their current scores (and their place on the leaderboard) until
 * rescored.
 */
export async function rescoreCompetition(competition: Competition): Promise<{ queued: number }> {
  if (!competition.activeTestSetId) throw conflict('The competition has no active test set', 'no_test_set')
  const rows = await db().submission.findMany({
    where: { competitionId: competition.id, status: 'scored' },
    select: { id: true, kind: true },
  })
  for (const s of rows) await enqueueScoring({ ...s, competitionId: competition.id })
  return { queued: rows.length }
}
