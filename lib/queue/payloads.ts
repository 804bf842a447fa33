// One zod schema per job type: what `enqueueJob` accepts and what each handler reads back. The
// queue itself (lib/queue/types.ts) carries any JSON; these schemas are the one definition of
// each message.
import { z } from 'zod'
import type { Job } from '../platform/db.ts'
import { queue } from './index.ts'
import { PermanentJobError, type EnqueueOptions, type JobType } from './types.ts'

const id = z.string().min(1)

export const jobPayloadSchemas = {
  /** Scores an uploaded CSV (long format or prompt text) against the competition's active test set. */
  'score-submission': z.object({ submissionId: id }),
  /** Runs a model submission (or the reference baseline's model) on the active test set's images. */
  'run-model': z.object({ submissionId: id }),
  /** Turns an uploaded test-set version into a ready one; `activate` makes it active once ready. */
  'import-testset': z.object({ versionId: id, activate: z.boolean().optional() }),
  /** After `testSetId` became active: rescores every finished submission of the competition. */
  'rescore-competition': z.object({ competitionId: id, testSetId: id }),
  /** Fits the reference baseline (on `trainDir` when given) and scores it. */
  'run-baseline': z.object({ submissionId: id, trainDir: z.string().min(1).optional() }),
} satisfies Record<JobType, z.ZodType>

export type JobPayload<T extends JobType> = z.output<(typeof jobPayloadSchemas)[T]>

/** Queues a job with a payload checked against its type's schema. */
export function enqueueJob<T extends JobType>(type: T, payload: JobPayload<T>, options?: EnqueueOptions): Promise<Job> {
  return queue().enqueue(type, jobPayloadSchemas[type].parse(payload), options)
}

/** A handler's payload, or a permanent failure naming what is wrong with it. */
export function parseJobPayload<T extends JobType>(type: T, payload: unknown): JobPayload<T> {
  const parsed = jobPayloadSchemas[type].safeParse(payload)
  if (!parsed.success) throw new PermanentJobError(`invalid ${type} payload`)
  return parsed.data as JobPayload<T>
}
