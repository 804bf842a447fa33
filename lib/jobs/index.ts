// Every job type's handler, as the workers (in `arena serve` and `arena worker`) run them.
import type { JobHandlers } from '../queue/types.ts'
import { scoreSubmissionJob } from './score-submission.ts'
import { importTestSetJob } from './import-testset.ts'
import { rescoreCompetitionJob } from './rescore-competition.ts'
import { runModelJob } from './run-model.ts'
import { runBaselineJob } from './run-baseline.ts'

export const jobHandlers: JobHandlers = {
  'score-submission': scoreSubmissionJob,
  'import-testset': importTestSetJob,
  'rescore-competition': rescoreCompetitionJob,
  'run-model': runModelJob,
  'run-baseline': runBaselineJob,
}
