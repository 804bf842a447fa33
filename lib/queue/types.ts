// The job queue's interface. Two implementations: jobs in the database (embedded default) and
// BullMQ on Redis (when REDIS_URL is set). In both, the `Job` row in the database is the record
// of status, progress and log, and a lease on it fences the work: a job that was running when its
// worker died is taken over once the lease expires, and only the lease holder may finish it.
import type { Job } from '../platform/db.ts'

export const JOB_TYPES = ['score-submission', 'import-testset', 'rescore-competition', 'run-model', 'run-baseline'] as const
export type JobType = (typeof JOB_TYPES)[number]

/** Worker pools (lib/queue/pools.ts): model runs never take the slots of CSV scoring. */
export const JOB_POOLS = ['csv', 'model'] as const
export type JobPool = (typeof JOB_POOLS)[number]

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

export type TxClient = Parameters<Parameters<import('../platform/db.ts').Db['$transaction']>[0]>[0]

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>
export type JobHandlers = Partial<Record<JobType, JobHandler>>

/**
 * Thrown by a handler for a failure that retrying cannot fix (e.g. an invalid submission). Its
 * message is shown to the participant, so it must never contain hidden data. `line` goes to
 * Submission.errorLine.
 */
export class PermanentJobError extends Error {
  readonly line: number | undefined
  constructor(message: string, options?: { line?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'PermanentJobError'
    this.line = options?.line
  }
}

/** Also recognises errors from another copy of this module (Next.js bundles, tsx). */
export function isPermanentJobError(err: unknown): err is PermanentJobError {
  return err instanceof PermanentJobError || (err instanceof Error && err.name === 'PermanentJobError')
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed'

/** What a worker reports about each job it runs (the CLI prints one line per event). */
export type WorkerEvent =
  | { kind: 'start'; jobId: string; type: string; attempt: number }
  | { kind: 'end'; jobId: string; type: string; attempt: number; outcome: 'done' | 'retry' | 'failed' | 'lost' | 'released'; ms: number; error?: string }
  | { kind: 'error'; error: string }

export interface WorkerOptions {
  /** Jobs run at once by each pool of this worker (a worker runs one loop per pool it has handlers for). */
  concurrency?: number
  /** Per-pool override of `concurrency`, e.g. { csv: 4, model: 1 }. */
  poolConcurrency?: Partial<Record<JobPool, number>>
  workerId?: string
  /** Poll interval of the embedded queue. */
  pollMs?: number
  /** How long `stop()` lets running handlers finish before aborting them and releasing their jobs. */
  graceMs?: number
  onEvent?: (event: WorkerEvent) => void
}

export interface RunningWorker {
  readonly id: string
  /** Stops taking jobs; running ones finish within `graceMs` or are handed back to the queue. */
  stop(options?: { graceMs?: number }): Promise<void>
}

export interface ListJobsOptions {
  status?: JobStatus
  type?: JobType
  submissionId?: string
  limit?: number
}

export interface Queue {
  readonly mode: 'embedded' | 'redis'
  enqueue(type: JobType, payload: unknown, options?: EnqueueOptions): Promise<Job>
  startWorker(handlers: JobHandlers, options?: WorkerOptions): Promise<RunningWorker>
  /** Queue depth for the health check and the organizer console. */
  counts(): Promise<Record<JobStatus, number>>
  get(id: string): Promise<Job | null>
  /** Newest first. */
  list(options?: ListJobsOptions): Promise<Job[]>
  /** Organizer console: a failed job goes back to the queue with its attempts reset. False if it was not failed. */
  retry(id: string): Promise<boolean>
  /** Stops this queue's workers (gracefully) and closes its connections; the Db stays open (its owner closes it). */
  close(): Promise<void>
}
