// Every job type's handler, as the workers (in `arena serve` and `arena worker`) run them.
import type { JobHandlers } from '../queue/types.ts'
import { scoreSubmissionHandler } from './score-submission.ts'
import { importTestSetJob } from './import-testset.ts'
import { rescoreCompetitionJob } from './rescore-competition.ts'
import { runModelHandler } from './run-model.ts'
import { runBaselineHandler } from './run-baseline.ts'

export const jobHandlers: JobHandlers = {
  'score-submission': scoreSubmissionHandler,
  'import-testset': importTestSetJob,
  'rescore-competition': rescoreCompetitionJob,
  'run-model': runModelHandler,
  'run-baseline': runBaselineHandler,
}
