// The job queue's interface. Two implementations: jobs in the database (embedded default) and
// BullMQ on Redis (when REDIS_URL is set). In both, the `Job` row in the database is the record
// of status, progress and log, and a lease on it fences the work: a job that was running when its
// worker died is taken over once the lease expires, and only the lease holder may finish it.
import type { Job } from '../db.ts'

export const JOB_TYPES = ['score-submission', 'import-testset', 'rescore-competition', 'run-model', 'run-baseline'] as const
export type JobType = (typeof JOB_TYPES)[number]

export interface EnqueueOptions {
  submissionId?: string
  competitionId?: string
  maxAttempts?: number
  delayMs?: number
}

export interface JobContext {
  readonly jobId: string
  readonly attempt: number
  readonly workerId: string
  /** Aborted when the lease is lost or the worker is stopping. */
  readonly signal: AbortSignal
  /** Reports progress in [0,1] with an optional status line (throttled writes). */
  progress(fraction: number, message?: string): Promise<void>
  log(line: string): Promise<void>
  /**
   * Runs `write` in a transaction only if this worker still holds the job's lease, and marks the
   * job done in the same transaction: results are recorded exactly once.
   */
  complete(write?: (tx: TxClient) => Promise<void>): Promise<boolean>
}

export type TxClient = Parameters<Parameters<import('../db.ts').Db['$transaction']>[0]>[0]

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>
export type JobHandlers = Partial<Record<JobType, JobHandler>>

/** Thrown by a handler for a failure that retrying cannot fix (e.g. an invalid submission). */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PermanentJobError'
  }
}

export interface WorkerOptions {
  concurrency?: number
  workerId?: string
  /** Poll interval of the embedded queue. */
  pollMs?: number
}

export interface RunningWorker {
  readonly id: string
  stop(): Promise<void>
}

export interface Queue {
  readonly mode: 'embedded' | 'redis'
  enqueue(type: JobType, payload: unknown, options?: EnqueueOptions): Promise<Job>
  startWorker(handlers: JobHandlers, options?: WorkerOptions): Promise<RunningWorker>
  /** Queue depth for the health check and the organizer console. */
  counts(): Promise<Record<'queued' | 'running' | 'failed' | 'done', number>>
  close(): Promise<void>
}
