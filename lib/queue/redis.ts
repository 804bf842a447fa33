// The BullMQ queue (REDIS_URL set). BullMQ carries only the job id (its jobId is the DB row id, so
// adding twice is a no-op); the Job row stays the record of status, progress and log, and the
// processor claims it with the same lease as the embedded queue, so a job that BullMQ hands out
// twice (stalled worker, re-add by the sweep) still finishes once.
//
// BullMQ redelivers the jobs of a dead worker once its lock expires (lockDuration = lease), and
// retries internal faults with exponential backoff; PermanentJobError and final failures become
// UnrecoverableError. A periodic sweep re-adds rows BullMQ does not know about (an enqueue whose
// Redis add failed, a job BullMQ gave up on after too many stalls): harmless thanks to jobId.
import { DelayedError, Queue as BullQueue, UnrecoverableError, Worker as BullWorker, type Job as BullJob } from 'bullmq'
import type { Db, Job } from '../platform/db.ts'
import { countJobs, insertJob, listJobRows, requeueFailedJob, tryClaimJob } from './store.ts'
import { combineWorkers, JOB_POOLS, POOL_OF, splitByPool } from './pools.ts'
import type { EnqueueOptions, JobHandlers, JobPool, JobType, Queue, RunningWorker, WorkerOptions } from './types.ts'
import { DEFAULT_GRACE_MS, newWorkerId, WorkerCore } from './worker-core.ts'

export const QUEUE_NAME = 'arena-jobs'
/** Model runs have their own BullMQ queue (lib/queue/pools.ts): CSV scoring never waits behind them. */
export const MODEL_QUEUE_NAME = 'arena-models'
const QUEUE_OF_POOL: Record<JobPool, string> = { csv: QUEUE_NAME, model: MODEL_QUEUE_NAME }

/** How long a model run waits before looking again while its team's other model run is live. */
const TEAM_BUSY_DELAY_MS = 1_000

export interface RedisQueueOptions {
  db: Db
  redisUrl: string
  /** Key prefix in Redis (BullMQ's `prefix`); tests use a unique one per run. */
  prefix: string
  leaseMs: number
  backoffBaseMs: number
  /** How often workers re-add rows BullMQ lost (default: the lease). */
  sweepMs?: number
}

interface Carried {
  jobId: string
}

export function createRedisQueue(options: RedisQueueOptions): Queue {
  const { db, redisUrl, prefix, leaseMs, backoffBaseMs } = options
  // The producer fails fast when Redis is down (the row is kept and the sweep adds it later);
  // workers need maxRetriesPerRequest: null for their blocking connection.
  const queues = Object.fromEntries(
    JOB_POOLS.map((pool) => [pool, new BullQueue<Carried, void, string>(QUEUE_OF_POOL[pool], { connection: { url: redisUrl, maxRetriesPerRequest: 3 }, prefix })]),
  ) as Record<JobPool, BullQueue<Carried, void, string>>
  const queueOf = (type: string) => queues[POOL_OF[type as JobType] ?? 'csv']
  const workers = new Set<RunningWorker>()

  const push = (job: Pick<Job, 'id' | 'type' | 'maxAttempts'>, delayMs = 0) =>
    queueOf(job.type).add(
      job.type,
      { jobId: job.id },
      {
        jobId: job.id,
        attempts: job.maxAttempts,
        backoff: { type: 'exponential', delay: backoffBaseMs },
        delay: delayMs,
        // The DB keeps the record; BullMQ's copy goes once finished, so a later add (retry) is fresh.
        removeOnComplete: true,
        removeOnFail: true,
      },
    )

  const sweep = async () => {
    const now = Date.now()
    const stale = new Date(now - leaseMs)
    const rows = await db.job.findMany({
      where: { OR: [{ status: 'queued', runAfter: { lte: stale } }, { status: 'running', leaseExpiresAt: { lt: stale } }] },
      select: { id: true, type: true, maxAttempts: true },
      orderBy: { runAfter: 'asc' },
      take: 200,
    })
    for (const row of rows) await push(row)
  }

  const startWorker = async (handlers: JobHandlers, wopts: WorkerOptions = {}): Promise<RunningWorker> => {
    const workerId = wopts.workerId ?? newWorkerId()
    // One BullMQ worker per pool, on that pool's queue.
    const pools = splitByPool(handlers)
    if (pools.length > 1) {
      const parts = await Promise.all(pools.map((p) => startWorker(p.handlers, { ...wopts, workerId: `${workerId}/${p.pool}` })))
      return combineWorkers(workerId, parts)
    }
    const pool = pools[0]?.pool ?? 'csv'
    const core = new WorkerCore({ db, workerId, leaseMs, backoffBaseMs, handlers, onEvent: wopts.onEvent })

    const processor = async (bjob: BullJob<Carried, void, string>, token?: string): Promise<void> => {
      const id = bjob.data.jobId
      const claimed = await tryClaimJob(db, id, { workerId, leaseMs, ignoreRunAfter: true })
      if (claimed === 'team-busy') {
        // Its team runs another model: free this slot for other teams and look again shortly.
        await bjob.moveToDelayed(Date.now() + TEAM_BUSY_DELAY_MS, token)
        throw new DelayedError()
      }
      if (!claimed) {
        const row = await db.job.findUnique({ where: { id }, select: { status: true, leaseExpiresAt: true } })
        // Finished (or deleted with its submission): nothing left to do.
        if (!row || row.status === 'done' || row.status === 'failed') return
        // Another worker's lease is still live (BullMQ noticed the stall first, or the row is
        // mid-handover): look again when that lease runs out.
        const until = Math.max(Date.now(), row.leaseExpiresAt?.getTime() ?? Date.now()) + 100
        await bjob.moveToDelayed(until, token)
        throw new DelayedError()
      }
      const outcome = await core.run(claimed)
      if (!outcome) throw new Error('could not record the outcome of the job') // BullMQ retries
      switch (outcome.kind) {
        case 'done':
        case 'lost': // the new lease holder finishes it
          return
        case 'retry':
          throw new Error(outcome.error.split('\n')[0])
        case 'failed':
          throw new UnrecoverableError(outcome.error.split('\n')[0])
        case 'released':
          await bjob.moveToDelayed(Date.now(), token)
          throw new DelayedError()
      }
    }

    const worker = new BullWorker<Carried, void, string>(QUEUE_OF_POOL[pool], processor, {
      connection: { url: redisUrl, maxRetriesPerRequest: null },
      prefix,
      concurrency: Math.max(1, wopts.poolConcurrency?.[pool] || wopts.concurrency || 1),
      // BullMQ's lock and our DB lease expire together, so a dead worker's job is redelivered
      // about when the DB row becomes claimable.
      lockDuration: leaseMs,
      stalledInterval: Math.max(500, Math.min(30_000, Math.floor(leaseMs / 2))),
      // Stalls are counted by the DB attempts instead (a poison job fails there).
      maxStalledCount: 100,
      autorun: true,
    })
    worker.on('error', (err) => core.emit({ kind: 'error', error: `bullmq: ${err.message}` }))
    await worker.waitUntilReady()

    const sweepMs = options.sweepMs ?? leaseMs
    let sweeping: Promise<void> = Promise.resolve()
    const runSweep = () => {
      sweeping = sweep().catch((err: unknown) => core.emit({ kind: 'error', error: `sweep failed: ${err instanceof Error ? err.message : String(err)}` }))
    }
    runSweep()
    const sweepTimer = setInterval(runSweep, sweepMs)
    sweepTimer.unref()

    let stopped: Promise<void> | undefined
    const rw: RunningWorker = {
      id: workerId,
      stop(sopts) {
        stopped ??= (async () => {
          clearInterval(sweepTimer)
          // Stop fetching, let running jobs finish (or release them), then close the connections.
          const pausing = worker.pause(true)
          await core.stop(sopts?.graceMs ?? wopts.graceMs ?? DEFAULT_GRACE_MS)
          await pausing
          await sweeping
          // Handlers that ignored the abort still occupy BullMQ slots; their jobs were released in
          // the DB, so closing by force (BullMQ then redelivers them as stalled) is safe.
          await worker.close(core.activeCount > 0)
          workers.delete(rw)
        })()
        return stopped
      },
    }
    workers.add(rw)
    return rw
  }

  return {
    mode: 'redis',
    async enqueue(type: JobType, payload: unknown, opts?: EnqueueOptions) {
      const job = await insertJob(db, type, payload, opts)
      try {
        await push(job, opts?.delayMs ?? 0)
      } catch (err) {
        // The row is durable; a worker's sweep will add it once Redis is reachable.
        console.error(`queue: could not add job ${job.id} to Redis (${err instanceof Error ? err.message : String(err)}); it will be picked up by the next sweep`)
      }
      return job
    },
    startWorker,
    counts: () => countJobs(db),
    get: (id) => db.job.findUnique({ where: { id } }),
    list: (opts) => listJobRows(db, opts),
    async retry(id) {
      const job = await requeueFailedJob(db, id)
      if (!job) return false
      // A leftover failed copy in BullMQ would make the add a no-op.
      const old = await queueOf(job.type).getJob(id)
      if (old && (await old.isFailed())) await old.remove()
      await push(job)
      return true
    },
    async close() {
      await Promise.all([...workers].map((w) => w.stop()))
      await Promise.all(Object.values(queues).map((q) => q.close()))
    },
  }
}
