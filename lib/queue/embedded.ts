// The embedded queue: the Job table is the queue. Workers poll for due rows (and are woken at
// once by an enqueue in the same process) and take them with the lease claim of store.ts.
import { EventEmitter } from 'node:events'
import type { Db, Job } from '../platform/db.ts'
import { claimNext, countJobs, insertJob, listJobRows, releaseJob, requeueFailedJob } from './store.ts'
import type { EnqueueOptions, JobHandlers, JobType, Queue, RunningWorker, WorkerOptions } from './types.ts'
import { combineWorkers, splitByPool } from './pools.ts'
import { DEFAULT_GRACE_MS, newWorkerId, WorkerCore } from './worker-core.ts'

export interface EmbeddedQueueOptions {
  db: Db
  leaseMs: number
  backoffBaseMs: number
  /** Default poll interval of workers started by this queue. */
  pollMs?: number
}

// One wake-up channel per database client: an enqueue through any queue on that client wakes
// every worker on it (the process-wide queue and the server share one client).
const channels = new WeakMap<Db, EventEmitter>()
function channel(db: Db): EventEmitter {
  let ch = channels.get(db)
  if (!ch) {
    ch = new EventEmitter()
    ch.setMaxListeners(0)
    channels.set(db, ch)
  }
  return ch
}

export function createEmbeddedQueue(options: EmbeddedQueueOptions): Queue {
  const { db, leaseMs, backoffBaseMs } = options
  const workers = new Set<RunningWorker>()

  const startWorker = async (handlers: JobHandlers, wopts: WorkerOptions = {}): Promise<RunningWorker> => {
    const workerId = wopts.workerId ?? newWorkerId()
    // One loop per pool: model runs never take the slots of CSV scoring.
    const pools = splitByPool(handlers)
    if (pools.length > 1) {
      const parts = await Promise.all(pools.map((p) => startWorker(p.handlers, { ...wopts, workerId: `${workerId}/${p.pool}` })))
      return combineWorkers(workerId, parts)
    }
    const pool = pools[0]?.pool
    const concurrency = Math.max(1, (pool && wopts.poolConcurrency?.[pool]) || wopts.concurrency || 1)
    const pollMs = wopts.pollMs ?? options.pollMs ?? 1000
    const types = Object.keys(handlers) // only take jobs this worker can run
    const core = new WorkerCore({ db, workerId, leaseMs, backoffBaseMs, handlers, onEvent: wopts.onEvent })

    let wake: (() => void) | undefined
    let poked = false // a wake-up that came while the loop was busy claiming
    const poke = () => {
      poked = true
      wake?.()
    }
    const ch = channel(db)
    ch.on('enqueued', poke)

    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        if (poked) {
          poked = false
          return resolve()
        }
        const t = setTimeout(done, ms)
        function done() {
          clearTimeout(t)
          wake = undefined
          poked = false
          resolve()
        }
        wake = done
      })

    const loop = async () => {
      while (!core.stopping) {
        poked = false
        let claimed: Job | null = null
        if (core.activeCount < concurrency) {
          try {
            claimed = await claimNext(db, { workerId, leaseMs, types })
          } catch (err) {
            core.emit({ kind: 'error', error: `claim failed: ${err instanceof Error ? err.message : String(err)}` })
          }
        }
        if (claimed && !core.stopping) {
          const outcome = core.run(claimed)
          void outcome.then((o) => {
            // Wake when the slot frees (every worker on this database: a model run's end may let
            // another worker take the same team's next model), and again when a retry falls due.
            ch.emit('enqueued')
            if (o?.kind === 'retry') setTimeout(poke, Math.max(0, o.runAfter.getTime() - Date.now())).unref()
          })
          continue
        }
        if (claimed) {
          // Claimed just as stop() began: hand it straight back.
          await releaseJob(db, claimed.id, workerId).catch(() => {})
          continue
        }
        await sleep(pollMs)
      }
    }
    const looping = loop()

    const worker: RunningWorker = {
      id: workerId,
      async stop(sopts) {
        if (core.stopping) return looping
        const stopping = core.stop(sopts?.graceMs ?? wopts.graceMs ?? DEFAULT_GRACE_MS)
        poke()
        ch.off('enqueued', poke)
        await Promise.all([stopping, looping])
        workers.delete(worker)
      },
    }
    workers.add(worker)
    return worker
  }

  return {
    mode: 'embedded',
    async enqueue(type: JobType, payload: unknown, opts?: EnqueueOptions) {
      const job = await insertJob(db, type, payload, opts)
      if (!opts?.delayMs) channel(db).emit('enqueued')
      else setTimeout(() => channel(db).emit('enqueued'), opts.delayMs).unref()
      return job
    },
    startWorker,
    counts: () => countJobs(db),
    get: (id) => db.job.findUnique({ where: { id } }),
    list: (opts) => listJobRows(db, opts),
    async retry(id) {
      const job = await requeueFailedJob(db, id)
      if (job) channel(db).emit('enqueued')
      return job !== null
    },
    async close() {
      await Promise.all([...workers].map((w) => w.stop()))
    },
  }
}
