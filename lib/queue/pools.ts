// Worker pools: model runs (a participant's ONNX model, the reference baseline) can take up to
// their time cap (30 minutes by default), CSV scoring takes about a second. Each pool has its own
// worker loops (embedded queue) or its own BullMQ queue, so a slow model never holds a slot that
// CSV scoring needs. Within the model pool a team runs at most one model at a time
// (store.ts claims under a per-team guard), so one team cannot occupy every model slot either.
import { JOB_POOLS, type JobHandlers, type JobPool, type JobType, type RunningWorker } from './types.ts'

export { JOB_POOLS, type JobPool }

/** Which pool runs each job type; 'csv' is everything that is not a model run. */
export const POOL_OF: Record<JobType, JobPool> = {
  'score-submission': 'csv',
  'import-testset': 'csv',
  'rescore-competition': 'csv',
  'run-model': 'model',
  'run-baseline': 'model',
}

export function typesOfPool(pool: JobPool): JobType[] {
  return (Object.keys(POOL_OF) as JobType[]).filter((t) => POOL_OF[t] === pool)
}

/** Job types of which a team runs at most one at a time (the model pool's). */
export const ONE_PER_TEAM_TYPES: readonly JobType[] = typesOfPool('model')

/** The handlers of each pool that has at least one. */
export function splitByPool(handlers: JobHandlers): Array<{ pool: JobPool; handlers: JobHandlers }> {
  const out: Array<{ pool: JobPool; handlers: JobHandlers }> = []
  for (const pool of JOB_POOLS) {
    const part: JobHandlers = {}
    for (const type of typesOfPool(pool)) if (handlers[type]) part[type] = handlers[type]
    if (Object.keys(part).length > 0) out.push({ pool, handlers: part })
  }
  return out
}

/** One worker made of a worker per pool: stop() stops them all. */
export function combineWorkers(id: string, parts: RunningWorker[]): RunningWorker {
  return {
    id,
    async stop(options) {
      await Promise.all(parts.map((w) => w.stop(options)))
    },
  }
}
