// 'rescore-competition' job: after a test-set version is activated, every finished submission of
// the competition is scored against it by the ordinary scoring jobs (one 'score-submission' each,
// 'run-model' for model submissions), or takes back its existing scores for that version.
import type { JobHandler } from '../queue/types.ts'
import { parseJobPayload } from '../queue/payloads.ts'
import { rescoreForTestSet } from '../testsets/activation.ts'

export const rescoreCompetitionJob: JobHandler = async (payload, ctx) => {
  const outcome = await rescoreForTestSet(parseJobPayload('rescore-competition', payload))
  const summary = outcome.superseded
    ? 'another test-set version became active meanwhile; its own rescore job takes over'
    : outcome.enqueued + outcome.reused === 0
      ? 'nothing to rescore: no finished submissions'
      : `rescoring: ${outcome.enqueued} scoring job(s) queued, ${outcome.reused} submission(s) took back earlier scores for this version`
  await ctx.log(summary)
  // The job's message is what the console shows once it is done.
  await ctx.progress(1, summary)
}
