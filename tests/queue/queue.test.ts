// The queue's contract, on SQLite and PostgreSQL, embedded and on BullMQ/Redis.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDb } from '../../lib/platform/db.ts'
import { INTERNAL_ERROR_MESSAGE, PermanentJobError, type JobHandlers, type RunningWorker } from '../../lib/queue/index.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { makeSubmission, QUEUE_MODES, sleep, testQueue, waitFor, type TestQueue } from './helpers.ts'

forEachDatabase((t) => {
  for (const mode of QUEUE_MODES) {
    describe(mode, () => {
      let tq: TestQueue
      beforeEach(() => {
        tq = testQueue(t.db, mode)
      })
      afterEach(async () => {
        await tq.close()
        // Embedded workers take any due row: leave none behind for the next test.
        await t.db.job.deleteMany()
      })

      const jobRow = (id: string) => t.db.job.findUniqueOrThrow({ where: { id } })
      const finished = (id: string) =>
        waitFor(`job ${id} to finish`, async () => {
          const j = await t.db.job.findUnique({ where: { id } })
          return j && (j.status === 'done' || j.status === 'failed') ? j : undefined
        })
      const start = (handlers: JobHandlers, concurrency = 1): Promise<RunningWorker> => tq.queue.startWorker(handlers, { concurrency, pollMs: 25 })

      it('runs an enqueued job once, records progress and log, and commits complete(write)', async () => {
        const { submissionId } = await makeSubmission(t.db)
        const payloads: unknown[] = []
        let midway: { progress: number; message: string; log: string; submissionProgress: number } | undefined
        const completed: boolean[] = []
        await start({
          'score-submission': async (payload, ctx) => {
            payloads.push(payload)
            await ctx.progress(0.5, 'halfway')
            await ctx.log('hello from the handler')
            await sleep(400) // past the write throttle: the trailing write has landed
            const job = await jobRow(ctx.jobId)
            const sub = await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } })
            midway = { progress: job.progress, message: job.message, log: job.log, submissionProgress: sub.progress }
            completed.push(
              await ctx.complete(async (tx) => {
                await tx.submission.update({ where: { id: submissionId }, data: { score: { increment: 1 }, status: 'scored' } })
              }),
            )
          },
        })
        const enqueued = await tq.queue.enqueue('score-submission', { submissionId, n: 1 }, { submissionId })
        expect(enqueued.status).toBe('queued')
        const job = await finished(enqueued.id)
        await sleep(300) // a duplicate run would show up here
        expect(payloads).toEqual([{ submissionId, n: 1 }])
        expect(completed).toEqual([true])
        expect(midway).toMatchObject({ progress: 0.5, message: 'halfway', submissionProgress: 0.5 })
        expect(midway?.log).toMatch(/^\d{4}-\d\d-\d\dT.* hello from the handler\n$/)
        expect(job).toMatchObject({ status: 'done', attempts: 1, progress: 1, message: 'halfway', error: null })
        expect(job.log).toContain('hello from the handler')
        expect(job.finishedAt).not.toBeNull()
        const sub = await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } })
        expect(sub).toMatchObject({ score: 1, status: 'scored', progress: 1 })
      })

      it('completes a job whose handler returns without calling complete', async () => {
        await start({ 'import-testset': async () => {} })
        const { id } = await tq.queue.enqueue('import-testset', {})
        expect(await finished(id)).toMatchObject({ status: 'done', attempts: 1, progress: 1 })
      })

      it('rolls back complete(write) when the write fails, and retries the job', async () => {
        const { submissionId } = await makeSubmission(t.db)
        await start({
          'score-submission': async (_p, ctx) => {
            await ctx.complete(async (tx) => {
              await tx.submission.update({ where: { id: submissionId }, data: { score: { increment: 1 } } })
              if (ctx.attempt === 1) throw new Error('disk full halfway through the write')
            })
          },
        })
        const { id } = await tq.queue.enqueue('score-submission', {}, { submissionId })
        const job = await finished(id)
        expect(job).toMatchObject({ status: 'done', attempts: 2 })
        expect(job.log).toContain('attempt 1 failed, retrying')
        // The first attempt's increment was rolled back with its failed transaction.
        expect((await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } })).score).toBe(1)
      })

      it('fails a PermanentJobError at once, without retrying, and shows its message on the submission', async () => {
        const { submissionId } = await makeSubmission(t.db)
        let calls = 0
        await start({
          'score-submission': async () => {
            calls++
            throw new PermanentJobError('Line 3: expected 385 fields, found 12', { line: 3 })
          },
        })
        const { id } = await tq.queue.enqueue('score-submission', {}, { submissionId, maxAttempts: 5 })
        const job = await finished(id)
        await sleep(300)
        expect(calls).toBe(1)
        expect(job).toMatchObject({ status: 'failed', attempts: 1, error: 'Line 3: expected 385 fields, found 12' })
        const sub = await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } })
        expect(sub).toMatchObject({ status: 'failed', error: 'Line 3: expected 385 fields, found 12', errorLine: 3 })
      })

      it('retries an internal fault with exponential backoff until it succeeds', async () => {
        const starts: number[] = []
        await start({
          'rescore-competition': async (_p, ctx) => {
            starts.push(Date.now())
            if (ctx.attempt < 3) throw new Error(`transient fault ${ctx.attempt}`)
          },
        })
        const { id } = await tq.queue.enqueue('rescore-competition', {}, { maxAttempts: 3 })
        const job = await finished(id)
        expect(job).toMatchObject({ status: 'done', attempts: 3 })
        expect(starts).toHaveLength(3)
        // base 50 ms: ≥ 50 ms before attempt 2, ≥ 100 ms before attempt 3 (a few ms of timer slack).
        expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(45)
        expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(95)
      })

      it('fails the job after maxAttempts internal faults and gives the submission the safe message', async () => {
        const { submissionId } = await makeSubmission(t.db)
        let calls = 0
        await start({
          'score-submission': async () => {
            calls++
            throw new Error('kaboom: /secret/truth.bin is unreadable')
          },
        })
        const { id } = await tq.queue.enqueue('score-submission', {}, { submissionId, maxAttempts: 2 })
        const job = await finished(id)
        await sleep(300)
        expect(calls).toBe(2)
        expect(job).toMatchObject({ status: 'failed', attempts: 2 })
        expect(job.error).toContain('kaboom') // organizers see the real fault…
        const sub = await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } })
        expect(sub).toMatchObject({ status: 'failed', error: INTERNAL_ERROR_MESSAGE }) // …participants do not
      })

      it('retryJob puts a failed job back with its attempts reset', async () => {
        const { submissionId } = await makeSubmission(t.db)
        let fail = true
        await start({
          'score-submission': async (_p, ctx) => {
            if (fail) throw new PermanentJobError('no truth file yet')
            await ctx.complete(async (tx) => {
              await tx.submission.update({ where: { id: submissionId }, data: { status: 'scored' } })
            })
          },
        })
        const { id } = await tq.queue.enqueue('score-submission', {}, { submissionId })
        expect(await finished(id)).toMatchObject({ status: 'failed' })
        fail = false // before retry(): the embedded worker is woken at once
        expect(await tq.queue.retry(id)).toBe(true)
        expect(await tq.queue.retry(id)).toBe(false) // no longer failed
        const job = await waitFor('rerun', async () => {
          const j = await jobRow(id)
          return j.status === 'done' && j
        })
        expect(job).toMatchObject({ attempts: 1, error: null })
        expect(await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } })).toMatchObject({ status: 'scored', error: null })
      })

      it('fences a worker that lost its lease: signal aborted, complete() returns false and writes nothing', async () => {
        await tq.close()
        tq = testQueue(t.db, mode, { leaseMs: 600 })
        const { submissionId } = await makeSubmission(t.db)
        const result: { aborted?: boolean; completed?: boolean } = {}
        await start({
          'score-submission': async (_p, ctx) => {
            // Someone else takes the lease over (as after a long GC pause past the lease).
            await t.db.job.update({ where: { id: ctx.jobId }, data: { leaseOwner: 'intruder', leaseExpiresAt: new Date(Date.now() + 3_600_000) } })
            await waitFor('abort', async () => ctx.signal.aborted, 5_000)
            result.aborted = ctx.signal.aborted
            result.completed = await ctx.complete(async (tx) => {
              await tx.submission.update({ where: { id: submissionId }, data: { score: { increment: 1 } } })
            })
          },
        })
        const { id } = await tq.queue.enqueue('score-submission', {}, { submissionId })
        await waitFor('handler result', async () => result.completed !== undefined)
        await sleep(200)
        expect(result).toEqual({ aborted: true, completed: false })
        expect(await jobRow(id)).toMatchObject({ status: 'running', leaseOwner: 'intruder' })
        expect((await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } })).score).toBe(0)
      })

      it('complete() re-checks the lease inside its transaction (before any heartbeat noticed the loss)', async () => {
        const { submissionId } = await makeSubmission(t.db)
        const result: { abortedBefore?: boolean; completed?: boolean } = {}
        await start({
          'score-submission': async (_p, ctx) => {
            await t.db.job.update({ where: { id: ctx.jobId }, data: { leaseOwner: 'intruder', leaseExpiresAt: new Date(Date.now() + 3_600_000) } })
            result.abortedBefore = ctx.signal.aborted // lease 5 s: the next heartbeat is over a second away
            result.completed = await ctx.complete(async (tx) => {
              await tx.submission.update({ where: { id: submissionId }, data: { score: { increment: 1 } } })
            })
          },
        })
        const { id } = await tq.queue.enqueue('score-submission', {}, { submissionId })
        await waitFor('handler result', async () => result.completed !== undefined)
        await sleep(200)
        expect(result).toEqual({ abortedBefore: false, completed: false })
        expect(await jobRow(id)).toMatchObject({ status: 'running', leaseOwner: 'intruder' })
        expect((await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } })).score).toBe(0)
      })

      it('stop() hands back a job whose handler does not finish in time, without spending an attempt', async () => {
        let seenAbort = false
        const worker = await start({
          'run-model': async (_p, ctx) => {
            await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))))
            seenAbort = true
          },
        })
        const { id } = await tq.queue.enqueue('run-model', {})
        await waitFor('running', async () => (await jobRow(id)).status === 'running')
        await worker.stop({ graceMs: 100 })
        expect(await jobRow(id)).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null })
        expect(seenAbort).toBe(false) // it rejected on abort rather than finishing
        await start({ 'run-model': async () => {} })
        expect(await finished(id)).toMatchObject({ status: 'done', attempts: 1 })
      })

      it('counts and lists jobs from the database', async () => {
        const a = await tq.queue.enqueue('run-baseline', { a: 1 }, { delayMs: 60_000 })
        const b = await tq.queue.enqueue('run-baseline', { b: 2 }, { delayMs: 60_000 })
        expect(await tq.queue.counts()).toEqual({ queued: 2, running: 0, done: 0, failed: 0 })
        const listed = await tq.queue.list({ status: 'queued', limit: 10 })
        expect(new Set(listed.map((j) => j.id))).toEqual(new Set([a.id, b.id]))
        expect(await tq.queue.list({ status: 'failed' })).toEqual([])
        expect(await tq.queue.get(a.id)).toMatchObject({ id: a.id, payload: '{"a":1}' })
      })

      it('runs each of many jobs exactly once with two workers racing (separate connections)', async () => {
        const db2 = createDb(t.url)
        const tq2 = testQueue(db2, mode, { prefix: tq.prefix })
        try {
          const { submissionId } = await makeSubmission(t.db)
          const runs: string[] = []
          const handlers = (): JobHandlers => ({
            'score-submission': async (_p, ctx) => {
              runs.push(ctx.jobId)
              await sleep(Math.random() * 10)
              await ctx.complete(async (tx) => {
                await tx.submission.update({ where: { id: submissionId }, data: { score: { increment: 1 } } })
              })
            },
          })
          await tq.queue.startWorker(handlers(), { concurrency: 3, pollMs: 10 })
          await tq2.queue.startWorker(handlers(), { concurrency: 3, pollMs: 10 })
          const ids: string[] = []
          for (let i = 0; i < 30; i++) ids.push((await tq.queue.enqueue('score-submission', { i })).id)
          await waitFor('all done', async () => (await t.db.job.count({ where: { id: { in: ids }, status: 'done' } })) === ids.length, 30_000)
          await sleep(300)
          expect([...runs].sort()).toEqual([...ids].sort())
          expect((await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } })).score).toBe(30)
          const attempts = await t.db.job.findMany({ where: { id: { in: ids } }, select: { attempts: true } })
          expect(attempts.every((j) => j.attempts === 1)).toBe(true)
        } finally {
          await tq2.queue.close()
          await db2.$disconnect()
        }
      })
    })
  }
})
