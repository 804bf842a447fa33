// 'rescore-competition' job: after a test-set version is activated, every finished submission of
// the competition is scored against it by the ordinary scoring jobs (one 'score-submission' each,
// 'run-model' for model submissions), or takes back its existing scores for that version.
import { z } from 'zod'
import { PermanentJobError, type JobHandler } from '../queue/types.ts'
import { rescoreForTestSet } from '../testsets/testsets.ts'

const payloadSchema = z.object({ competitionId: z.string().min(1), testSetId: z.string().min(1) })

export const rescoreCompetitionJob: JobHandler = async (payload, ctx) => {
  const parsed = payloadSchema.safeParse(payload)
  if (!parsed.success) throw new PermanentJobError(`invalid rescore-competition payload: ${parsed.error.message}`)
  const outcome = await rescoreForTestSet(parsed.data)
  await ctx.log(
    outcome.superseded
      ? 'another test-set version became active meanwhile; its own rescore job takes over'
      : `rescoring: ${outcome.enqueued} scoring job(s) queued, ${outcome.reused} submission(s) took back earlier scores for this version`,
  )
}
