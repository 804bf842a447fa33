// Runs one claimed job: builds its JobContext, keeps its lease alive, and records the outcome.
// Shared by the embedded and the BullMQ queue; every write is fenced on
// `leaseOwner = workerId AND status = 'running'`, so a worker that lost its lease (it stalled
// and another took over) can no longer change the job or write results.
import type { Db, Job } from '../platform/db.ts'
import { isPermanentJobError, type JobContext, type JobHandler, type TxClient } from './types.ts'

/** What participants see when scoring failed for a reason that is ours, not theirs. */
export const INTERNAL_ERROR_MESSAGE = 'Internal error while scoring; the organizers have been notified'
/** A failed submission shows no score: none of an earlier test-set version stays on display. */
const NO_SCORES = { publicScore: null, privateScore: null, score: null, perImageKey: null }

export interface RunnerOptions {
  db: Db
  workerId: string
  leaseMs: number
  /** Retry delay after attempt n is backoffBaseMs·2^(n-1): base, 2·base, 4·base… */
  backoffBaseMs: number
  /** Aborted when the worker is stopping: the handler should return, and the job is handed back. */
  stopSignal: AbortSignal
  /** Job.log keeps at most this many characters (the tail). */
  maxLogChars?: number
  /** Minimum spacing of progress/log writes. */
  flushIntervalMs?: number
}

export type RunOutcome =
  | { kind: 'done' }
  | { kind: 'retry'; runAfter: Date; error: string }
  | { kind: 'failed'; error: string; permanent: boolean }
  /** Another worker holds the job now; nothing was written. */
  | { kind: 'lost' }
  /** The worker is stopping; the job went back to the queue without using up an attempt. */
  | { kind: 'released' }

const MAX_BACKOFF_MS = 15 * 60_000
const DEFAULT_MAX_LOG_CHARS = 64 * 1024
const MAX_ERROR_CHARS = 4000

export function backoffMs(base: number, attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, attempt - 1))
}

/** Keeps the last `max` characters, cut at a line start, so the newest lines survive. */
export function tailLog(text: string, max: number): string {
  if (text.length <= max) return text
  const marker = '[earlier lines dropped]\n'
  let tail = text.slice(text.length - (max - marker.length))
  const nl = tail.indexOf('\n')
  if (nl >= 0 && nl < tail.length - 1) tail = tail.slice(nl + 1)
  return marker + tail
}

class LeaseLost extends Error {
  constructor() {
    super('lease lost')
    this.name = 'LeaseLost'
  }
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err)
  return text.length > MAX_ERROR_CHARS ? text.slice(0, MAX_ERROR_CHARS) + '…' : text
}

/** At most one write per interval; the latest state always gets written eventually. */
class ThrottledWriter {
  private last = 0
  private timer: NodeJS.Timeout | undefined
  private chain: Promise<void> = Promise.resolve()
  private dirty = false

  constructor(
    private readonly intervalMs: number,
    private readonly write: () => Promise<void>,
  ) {}

  request(): Promise<void> {
    this.dirty = true
    const wait = this.last + this.intervalMs - Date.now()
    if (wait <= 0 && !this.timer) return this.flush()
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      void this.flush()
    }, Math.max(0, wait))
    return Promise.resolve()
  }

  /** Writes pending state now; never rejects (progress is best effort; a failed write stays dirty). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.chain = this.chain.then(async () => {
      if (!this.dirty) return
      this.dirty = false
      this.last = Date.now()
      try {
        await this.write()
      } catch {
        this.dirty = true
      }
    })
    return this.chain
  }

  /** Drops pending state and waits for a write in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.dirty = false
    await this.chain
  }
}

/**
 * Runs `handler` for a job this worker has just claimed (status running, leaseOwner = workerId).
 * Never throws for handler failures: the outcome says what was recorded.
 */
export async function runJob(job: Job, handler: JobHandler | undefined, opts: RunnerOptions): Promise<RunOutcome> {
  const { db, workerId, leaseMs } = opts
  const fence = { id: job.id, leaseOwner: workerId, status: 'running' as const }
  const maxLogChars = opts.maxLogChars ?? DEFAULT_MAX_LOG_CHARS
  const leaseCtl = new AbortController()
  const signal = AbortSignal.any([leaseCtl.signal, opts.stopSignal])

  let finished = false // complete() committed
  let state = { progress: job.progress, message: job.message, log: job.log }
  let writtenProgress = job.progress

  const loseLease = () => {
    if (!finished && !leaseCtl.signal.aborted) leaseCtl.abort(new LeaseLost())
  }

  const writer = new ThrottledWriter(opts.flushIntervalMs ?? 250, async () => {
    const snapshot = state
    const { count } = await db.job.updateMany({ where: fence, data: { progress: snapshot.progress, message: snapshot.message, log: snapshot.log } })
    if (count !== 1) return loseLease()
    if (job.submissionId && snapshot.progress !== writtenProgress) {
      await db.submission.updateMany({ where: { id: job.submissionId, status: { in: ['queued', 'running'] } }, data: { progress: snapshot.progress } })
      writtenProgress = snapshot.progress
    }
  })

  // Heartbeat: extend the lease while the handler runs. A DB hiccup is tolerated until the lease
  // would have run out; after that another worker may have taken over, so we stop.
  let lastRenewal = Date.now()
  let beating = false
  const heartbeat = setInterval(
    () => {
      if (beating || finished) return
      beating = true
      db.job
        .updateMany({ where: fence, data: { leaseExpiresAt: new Date(Date.now() + leaseMs) } })
        .then(({ count }) => {
          if (count === 1) lastRenewal = Date.now()
          else loseLease()
        })
        .catch(() => {
          if (Date.now() - lastRenewal > leaseMs) loseLease()
        })
        .finally(() => {
          beating = false
        })
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  )
  heartbeat.unref()

  const complete = async (write?: (tx: TxClient) => Promise<void>): Promise<boolean> => {
    if (finished || leaseCtl.signal.aborted) return false
    await writer.stop()
    try {
      await db.$transaction(
        async (tx) => {
          // Fence first: on PostgreSQL this takes the row lock, so a takeover waits for us and then
          // sees 'done'; on SQLite it takes the write lock before the handler's reads.
          const { count } = await tx.job.updateMany({
            where: fence,
            data: { status: 'done', progress: 1, message: state.message, log: state.log, error: null, leaseExpiresAt: null, finishedAt: new Date() },
          })
          if (count !== 1) throw new LeaseLost()
          if (job.submissionId) await tx.submission.updateMany({ where: { id: job.submissionId }, data: { progress: 1 } })
          if (write) await write(tx)
        },
        { maxWait: 10_000, timeout: Math.max(60_000, leaseMs) },
      )
    } catch (err) {
      if (err instanceof LeaseLost) {
        loseLease()
        return false
      }
      throw err
    }
    finished = true
    return true
  }

  const ctx: JobContext = {
    jobId: job.id,
    attempt: job.attempts,
    workerId,
    signal,
    async progress(fraction, message) {
      if (finished || !Number.isFinite(fraction)) return
      state = { ...state, progress: Math.min(1, Math.max(0, fraction)), message: message ?? state.message }
      await writer.request()
    },
    async log(line) {
      if (finished) return
      state = { ...state, log: tailLog(`${state.log}${new Date().toISOString()} ${line}\n`, maxLogChars) }
      await writer.request()
    },
    complete,
  }

  let outcome: RunOutcome
  try {
    if (job.attempts > job.maxAttempts) {
      // Claimed again after every attempt ended with a dead worker: a poison job (e.g. it runs
      // the worker out of memory). Running it again would only kill another worker.
      throw new Error(`the worker running this job stopped (crashed or was killed) on all ${job.maxAttempts} attempts`)
    }
    if (!handler) throw new Error(`no handler for job type '${job.type}' in this worker`)
    let payload: unknown
    try {
      payload = JSON.parse(job.payload)
    } catch {
      throw new Error(`job payload is not valid JSON`)
    }
    await handler(payload, ctx)
    if (finished) outcome = { kind: 'done' }
    else if (leaseCtl.signal.aborted) outcome = { kind: 'lost' }
    else outcome = (await complete()) ? { kind: 'done' } : { kind: 'lost' }
  } catch (err) {
    outcome = await recordFailure(err)
  } finally {
    clearInterval(heartbeat)
    await writer.stop()
  }
  return outcome

  async function recordFailure(err: unknown): Promise<RunOutcome> {
    // Results already committed: a throw after complete() changes nothing.
    if (finished) return { kind: 'done' }
    if (leaseCtl.signal.aborted) return { kind: 'lost' }
    if (opts.stopSignal.aborted) {
      // Stopping, not failing: hand the job back without spending an attempt.
      const { count } = await db.job.updateMany({
        where: fence,
        data: { status: 'queued', leaseOwner: null, leaseExpiresAt: null, runAfter: new Date(), attempts: { decrement: 1 }, log: state.log, progress: state.progress, message: state.message },
      })
      return count === 1 ? { kind: 'released' } : { kind: 'lost' }
    }
    const permanent = isPermanentJobError(err)
    const final = permanent || job.attempts >= job.maxAttempts
    const detail = permanent ? (err as Error).message : errorText(err)
    const firstLine = detail.split('\n')[0]
    const runAfter = new Date(Date.now() + backoffMs(opts.backoffBaseMs, job.attempts))
    const note = final
      ? `attempt ${job.attempts} failed${permanent ? '' : ` (final, ${job.maxAttempts} attempts)`}: ${firstLine}`
      : `attempt ${job.attempts} failed, retrying in ${runAfter.getTime() - Date.now()} ms: ${firstLine}`
    const log = tailLog(`${state.log}${new Date().toISOString()} ${note}\n`, maxLogChars)
    const written = await db.$transaction(async (tx) => {
      const { count } = await tx.job.updateMany({
        where: fence,
        data: final
          ? { status: 'failed', error: detail, log, message: state.message, leaseExpiresAt: null, finishedAt: new Date() }
          : { status: 'queued', error: detail, log, message: state.message, leaseOwner: null, leaseExpiresAt: null, runAfter },
      })
      if (count !== 1) return false
      if (final && job.submissionId) {
        await tx.submission.updateMany({
          where: { id: job.submissionId },
          data: permanent
            ? { status: 'failed', error: detail, errorLine: (err as { line?: number }).line ?? null, ...NO_SCORES }
            : { status: 'failed', error: INTERNAL_ERROR_MESSAGE, errorLine: null, ...NO_SCORES },
        })
      }
      return true
    })
    if (!written) return { kind: 'lost' }
    return final ? { kind: 'failed', error: detail, permanent } : { kind: 'retry', runAfter, error: detail }
  }
}
