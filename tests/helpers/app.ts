/**
 * The platform wired for route-handler tests: the process-wide db(), storage() and queue() point
 * at a fresh test database, a temp storage folder and an embedded queue with one in-process
 * worker, so route handlers imported directly behave as in `arena serve`.
 *
 *   forEachDatabase((t) => {
 *     const app = useTestApp(t)
 *     it('…', async () => { const res = await POST(app.request('/api/…', { json: {…}, token })) })
 *   })
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { configureAuth } from '../../lib/accounts/auth.ts'
import { configureRateLimits } from '../../lib/accounts/rate-limit.ts'
import type { Db } from '../../lib/platform/db.ts'
import { jobHandlers } from '../../lib/jobs/index.ts'
import { createQueue } from '../../lib/queue/index.ts'
import type { Queue, RunningWorker } from '../../lib/queue/types.ts'
import { LocalStorage, type Storage } from '../../lib/platform/storage.ts'
import { buildTruth, type Truth } from '../../scoring/truth.ts'
import { encodeTruth } from '../../scoring/truth-file.ts'
import type { DatabaseHandle } from './databases.ts'
import { seededRandom } from '../../scoring/random.ts'
import { cleanupRedis, REDIS_URL as TEST_REDIS_URL, uniquePrefix as uniqueRedisPrefix } from '../queue/helpers.ts'

interface Holders {
  __arenaDb?: Db
  __arenaStorage?: Storage
  __arenaQueue?: Queue
}
const holder = globalThis as typeof globalThis & Holders

export interface TestApp {
  db: Db
  storage: LocalStorage
  queue: Queue
  /** Redis key prefix of the BullMQ queue (queue: 'redis' only). */
  redisPrefix?: string
  /** Builds a Request for a route handler: JSON body, bearer token, raw body. */
  request(pathAndQuery: string, init?: { method?: string; json?: unknown; token?: string; body?: BodyInit; headers?: Record<string, string> }): Request
}

export interface TestAppOptions {
  /** 'redis': BullMQ on TEST_REDIS_URL (default redis://127.0.0.1:6379) with a unique key prefix, removed afterwards. */
  queue?: 'embedded' | 'redis'
}

export function useTestApp(t: DatabaseHandle, options: TestAppOptions = {}): TestApp {
  let dir = ''
  let worker: RunningWorker | undefined
  const app = {} as TestApp
  beforeAll(async () => {
    configureAuth({ bcryptCost: 4 })
    // Route tests sign many users up from one (unknown) address; tests/api/security-*.test.ts
    // put the real limits back.
    configureRateLimits({ signInFailuresPerAccount: 1000, signInFailuresPerAddress: 1000, signUpsPerAddress: 1000, tokenFailuresPerAddress: 1000 })
    dir = mkdtempSync(path.join(tmpdir(), 'arena-app-'))
    app.db = t.db
    app.storage = new LocalStorage(path.join(dir, 'storage'))
    if (options.queue === 'redis') {
      app.redisPrefix = uniqueRedisPrefix()
      app.queue = createQueue({ mode: 'redis', db: t.db, redisUrl: TEST_REDIS_URL, prefix: app.redisPrefix, leaseMs: 30_000, backoffBaseMs: 50 })
    } else {
      app.queue = createQueue({ mode: 'embedded', db: t.db, leaseMs: 30_000, backoffBaseMs: 50, pollMs: 25 })
    }
    holder.__arenaDb = t.db
    holder.__arenaStorage = app.storage
    holder.__arenaQueue = app.queue
    worker = await app.queue.startWorker(jobHandlers, { pollMs: 25 })
  })
  afterAll(async () => {
    await worker?.stop({ graceMs: 2_000 })
    await app.queue?.close()
    if (app.redisPrefix) await cleanupRedis(app.redisPrefix)
    holder.__arenaDb = undefined
    holder.__arenaStorage = undefined
    holder.__arenaQueue = undefined
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  app.request = (pathAndQuery, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) }
    if (init.token) headers.authorization = `Bearer ${init.token}`
    let body = init.body
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(init.json)
    }
    return new Request(`http://arena.test${pathAndQuery}`, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit)
  }
  return app
}

/** Route handlers' second argument. */
export function params<P extends Record<string, string>>(p: P): { params: Promise<P> } {
  return { params: Promise.resolve(p) }
}

export function uniqueSlug(prefix = 'c'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`
}


export interface SeededCompetition {
  id: string
  slug: string
  truth: Truth
  testSetId: string
}

/**
 * A competition with a ready test set of `images` random unit vectors (384 dims): the first
 * `publicCount` images public, the others private. Truth file + TestImage rows written directly.
 */
export async function seedCompetition(
  app: TestApp,
  options: { slug?: string; images?: number; publicCount?: number; startAt?: Date; deadline?: Date; mergerDeadline?: Date; dailySubmissionLimit?: number; maxTeamSize?: number; finalSelectionLimit?: number; seed?: number } = {},
): Promise<SeededCompetition> {
  const slug = options.slug ?? uniqueSlug()
  const images = options.images ?? 6
  const publicCount = options.publicCount ?? Math.ceil(images / 2)
  const dim = 384
  const rand = seededRandom(options.seed ?? 7)
  const ids = Array.from({ length: images }, (_, i) => `img${String(i).padStart(3, '0')}`)
  const vectors = new Float32Array(images * dim)
  for (let i = 0; i < images; i++) {
    let norm = 0
    for (let k = 0; k < dim; k++) {
      const v = rand() * 2 - 1
      vectors[i * dim + k] = v
      norm += v * v
    }
    for (let k = 0; k < dim; k++) vectors[i * dim + k] /= Math.sqrt(norm)
  }
  const truth = buildTruth(ids, vectors, dim, { publicIds: ids.slice(0, publicCount) })
  const competition = await app.db.competition.create({
    data: {
      slug,
      title: slug,
      startAt: options.startAt ?? new Date(Date.now() - 3 * 86_400_000),
      deadline: options.deadline ?? new Date(Date.now() + 30 * 86_400_000),
      mergerDeadline: options.mergerDeadline,
      dailySubmissionLimit: options.dailySubmissionLimit ?? 5,
      maxTeamSize: options.maxTeamSize ?? 3,
      finalSelectionLimit: options.finalSelectionLimit ?? 2,
      publicFraction: publicCount / images,
    },
  })
  const truthKey = `testsets/${competition.id}/v1/truth.bin`
  await app.storage.put(truthKey, encodeTruth(truth))
  const testSet = await app.db.testSetVersion.create({
    data: {
      competitionId: competition.id,
      version: 1,
      status: 'ready',
      imageCount: images,
      publicCount,
      dim,
      seed: 1,
      publicFraction: publicCount / images,
      truthKey,
      images: { create: ids.map((imageId, position) => ({ imageId, position, isPublic: position < publicCount, fileKey: `testsets/${competition.id}/v1/images/${imageId}.png` })) },
    },
  })
  await app.db.competition.update({ where: { id: competition.id }, data: { activeTestSetId: testSet.id } })
  return { id: competition.id, slug, truth, testSetId: testSet.id }
}

/**
 * A long-format submission CSV. `weight(i)` mixes truth and its negation per image: 1 = the
 * truth (cosine 1), -1 = its opposite (cosine -1), 0 = a zero vector (cosine 0).
 */
export function submissionCsv(truth: Truth, weight: (imageIndex: number, isPublic: boolean) => number): string {
  const lines = ['imgId_eId,val']
  for (let i = 0; i < truth.ids.length; i++) {
    const w = weight(i, truth.isPublic[i] === 1)
    for (let k = 0; k < truth.dim; k++) lines.push(`${truth.ids[i]}_${k},${w * truth.vectors[i * truth.dim + k]}`)
  }
  return `${lines.join('\n')}\n`
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Waits until the submission is scored or failed and returns its row. */
export function settled(app: TestApp, submissionId: string) {
  return waitFor(`submission ${submissionId} to be scored`, async () => {
    const s = await app.db.submission.findUnique({ where: { id: submissionId } })
    return s && (s.status === 'scored' || s.status === 'failed') ? s : undefined
  })
}
