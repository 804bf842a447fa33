// The job queue of the platform. `queue()` is the process-wide instance chosen by the settings
// (REDIS_URL set: BullMQ on Redis; otherwise the database itself is the queue); `createQueue`
// builds one explicitly (tests, tools).
import { config } from '../platform/config.ts'
import { db as defaultDb, type Db, type Job } from '../platform/db.ts'
import { createEmbeddedQueue } from './embedded.ts'
import { createRedisQueue } from './redis.ts'
import type { ListJobsOptions, Queue } from './types.ts'

export * from './types.ts'
export { INTERNAL_ERROR_MESSAGE } from './runner.ts'

export const DEFAULT_BACKOFF_BASE_MS = 5_000
export const DEFAULT_PREFIX = 'arena'

export interface CreateQueueOptions {
  mode: 'embedded' | 'redis'
  db: Db
  /** Required in redis mode. */
  redisUrl?: string
  /** Redis key prefix (default 'arena'). */
  prefix?: string
  /** Lease on a running job (default: ARENA_JOB_LEASE_SECONDS). */
  leaseMs?: number
  /** First retry delay; later ones double (default 5 s). */
  backoffBaseMs?: number
  /** Embedded mode: default worker poll interval (default 1 s). */
  pollMs?: number
  /** Redis mode: interval of the sweep that re-adds rows BullMQ lost (default: the lease). */
  sweepMs?: number
}

export function createQueue(options: CreateQueueOptions): Queue {
  const leaseMs = options.leaseMs ?? config().jobLeaseMs
  const backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS
  if (!(leaseMs >= 100)) throw new RangeError(`leaseMs must be at least 100, got ${leaseMs}`)
  if (options.mode === 'redis') {
    if (!options.redisUrl) throw new Error('createQueue: redis mode needs redisUrl')
    return createRedisQueue({ db: options.db, redisUrl: options.redisUrl, prefix: options.prefix ?? DEFAULT_PREFIX, leaseMs, backoffBaseMs, sweepMs: options.sweepMs })
  }
  return createEmbeddedQueue({ db: options.db, leaseMs, backoffBaseMs, pollMs: options.pollMs })
}

// On globalThis for the same reason as the Db client: Next.js bundles route handlers separately.
const holder = globalThis as typeof globalThis & { __arenaQueue?: Queue }

/** The process-wide queue, built from the settings on first use. */
export function queue(): Queue {
  const { redisUrl, redisPrefix } = config()
  holder.__arenaQueue ??= createQueue({ mode: redisUrl ? 'redis' : 'embedded', db: defaultDb(), redisUrl, prefix: redisPrefix })
  return holder.__arenaQueue
}

/** Stops the process-wide queue's workers and connections (the Db is closed by closeDb()). */
export async function closeQueue(): Promise<void> {
  const current = holder.__arenaQueue
  holder.__arenaQueue = undefined
  await current?.close()
}

/** Organizer console: failed → queued with attempts reset. False when the job was not failed. */
export function retryJob(id: string): Promise<boolean> {
  return queue().retry(id)
}

export function listJobs(options: ListJobsOptions = {}): Promise<Job[]> {
  return queue().list(options)
}
