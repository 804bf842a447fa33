// Shared pieces of the queue tests: queues in both modes on a test database, fixtures, polling.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Db } from '../../lib/platform/db.ts'
import { createQueue, type CreateQueueOptions, type Queue } from '../../lib/queue/index.ts'

export type QueueMode = 'embedded' | 'redis'
export const QUEUE_MODES: QueueMode[] = ['embedded', 'redis']
export const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'

export function uniquePrefix(): string {
  return `arena-test-${randomBytes(5).toString('hex')}`
}

/** Deletes every key under a test prefix. */
export async function cleanupRedis(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL)
  try {
    const keys: string[] = []
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 })) keys.push(...(batch as string[]))
    if (keys.length > 0) await redis.del(...keys)
  } finally {
    redis.disconnect()
  }
}

export interface TestQueue {
  queue: Queue
  prefix: string
  close(): Promise<void>
}

/** A queue on `db` with test-sized timings: 50 ms backoff base, 25 ms polling. */
export function testQueue(db: Db, mode: QueueMode, overrides: Partial<CreateQueueOptions> & { prefix?: string } = {}): TestQueue {
  const prefix = overrides.prefix ?? uniquePrefix()
  const queue = createQueue({ mode, db, redisUrl: REDIS_URL, prefix, leaseMs: 5_000, backoffBaseMs: 50, pollMs: 25, ...overrides })
  return {
    queue,
    prefix,
    async close() {
      await queue.close()
      if (mode === 'redis') await cleanupRedis(prefix)
    },
  }
}

/** A competition with one submission (score 0, so complete() writes can increment it). */
export async function makeSubmission(db: Db): Promise<{ competitionId: string; submissionId: string }> {
  const slug = `c-${randomBytes(6).toString('hex')}`
  const competition = await db.competition.create({
    data: { slug, title: slug, startAt: new Date(Date.now() - 86_400_000), deadline: new Date(Date.now() + 86_400_000) },
  })
  const submission = await db.submission.create({
    data: { competitionId: competition.id, kind: 'csv', fileKey: `submissions/${slug}.csv`, fileName: 'submission.csv', fileSize: 1, score: 0 },
  })
  return { competitionId: competition.id, submissionId: submission.id }
}

/** Polls until `fn` returns a truthy value; fails with `what` after the timeout. */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
