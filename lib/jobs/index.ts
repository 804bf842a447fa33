// Every job type's handler, as the workers (in `arena serve` and `arena worker`) run them.
import { typesOfPool } from '../queue/pools.ts'
import type { JobHandlers, JobPool } from '../queue/types.ts'
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

/** The handlers of the chosen pools (`arena worker --csv 0` runs model jobs only, and so on). */
export function handlersOfPools(pools: Record<JobPool, boolean>): JobHandlers {
  const out: JobHandlers = {}
  for (const pool of Object.keys(pools) as JobPool[]) if (pools[pool]) for (const type of typesOfPool(pool)) out[type] = jobHandlers[type]
  return out
}
