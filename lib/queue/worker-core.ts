// The part of a worker both queue modes share: running a claimed job through the runner with
// start/end events, and stopping gracefully (let running jobs finish, then abort and hand back
// whatever is still running).
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Db, Job } from '../platform/db.ts'
import { runJob, type RunOutcome } from './runner.ts'
import { releaseJob } from './store.ts'
import type { JobHandlers, JobType, WorkerEvent } from './types.ts'

export const DEFAULT_GRACE_MS = 10_000
/** After aborting, how long handlers get to notice before their jobs are released under them. */
const ABORT_WAIT_MS = 2_000

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

export interface WorkerCoreOptions {
  db: Db
  workerId: string
  leaseMs: number
  backoffBaseMs: number
  handlers: JobHandlers
  onEvent?: (event: WorkerEvent) => void
}

export class WorkerCore {
  readonly stopCtl = new AbortController()
  private readonly active = new Map<string, Promise<RunOutcome | undefined>>()
  private closing = false

  constructor(private readonly opts: WorkerCoreOptions) {}

  get activeCount(): number {
    return this.active.size
  }

  /** True from the moment stop() is called: take no new jobs. */
  get stopping(): boolean {
    return this.closing
  }

  emit(event: WorkerEvent): void {
    try {
      this.opts.onEvent?.(event)
    } catch {
      // a logging callback must not break the worker
    }
  }

  /** Runs a job this worker has claimed. Resolves undefined if recording the outcome failed (DB down): the lease then expires and the job is retried. */
  run(job: Job): Promise<RunOutcome | undefined> {
    const started = Date.now()
    this.emit({ kind: 'start', jobId: job.id, type: job.type, attempt: job.attempts })
    const { db, workerId, leaseMs, backoffBaseMs, handlers } = this.opts
    const p = runJob(job, handlers[job.type as JobType], { db, workerId, leaseMs, backoffBaseMs, stopSignal: this.stopCtl.signal })
      .then((outcome) => {
        const error = 'error' in outcome ? outcome.error.split('\n')[0] : undefined
        this.emit({ kind: 'end', jobId: job.id, type: job.type, attempt: job.attempts, outcome: outcome.kind, ms: Date.now() - started, error })
        return outcome
      })
      .catch((err: unknown) => {
        this.emit({ kind: 'error', error: `job ${job.id}: ${err instanceof Error ? err.message : String(err)}` })
        return undefined
      })
      .finally(() => this.active.delete(job.id))
    this.active.set(job.id, p)
    return p
  }

  /** Lets running jobs finish for `graceMs`, then aborts them and hands back the ones still running. */
  async stop(graceMs: number): Promise<void> {
    this.closing = true
    const settled = () => Promise.allSettled([...this.active.values()])
    if (this.active.size > 0) await Promise.race([settled(), wait(graceMs)])
    this.stopCtl.abort(new Error('worker stopping'))
    if (this.active.size === 0) return
    await Promise.race([settled(), wait(ABORT_WAIT_MS)])
    // Handlers that ignore the signal keep running in the background, but without the lease
    // their complete() returns false: the job runs again elsewhere.
    await Promise.allSettled([...this.active.keys()].map((id) => releaseJob(this.opts.db, id, this.opts.workerId)))
  }
}
