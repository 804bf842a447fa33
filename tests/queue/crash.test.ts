// Workers that die or freeze mid-job, in real child processes: the job is taken over once the
// lease runs out and its results are written exactly once.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { repoRoot } from '../../lib/platform/config.ts'
import type { JobHandlers } from '../../lib/queue/index.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { makeSubmission, QUEUE_MODES, REDIS_URL, sleep, testQueue, waitFor, type QueueMode, type TestQueue } from './helpers.ts'

const LEASE_MS = 2_000
const CHILD = path.join(import.meta.dirname, 'fixtures/worker-child.ts')

interface Child {
  proc: ChildProcess
  workerId: string
  /** JSON lines the child printed so far. */
  events: Array<Record<string, unknown>>
  stderr: string[]
}

function spawnWorker(url: string, mode: QueueMode, prefix: string, behaviour: 'block' | 'sleep-then-complete'): Child {
  const workerId = `child-${Math.random().toString(36).slice(2, 8)}`
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url, QUEUE_MODE: mode, REDIS_URL, QUEUE_PREFIX: prefix, LEASE_MS: String(LEASE_MS), WORKER_ID: workerId, CHILD_BEHAVIOUR: behaviour, CHILD_SLEEP_MS: '3000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const child: Child = { proc, workerId, events: [], stderr: [] }
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    try {
      child.events.push(JSON.parse(line) as Record<string, unknown>)
    } catch {
      child.stderr.push(line)
    }
  })
  createInterface({ input: proc.stderr! }).on('line', (line) => child.stderr.push(line))
  return child
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()))
}

forEachDatabase((t) => {
  for (const mode of QUEUE_MODES) {
    describe(mode, () => {
      let tq: TestQueue
      let child: Child | undefined
      beforeEach(() => {
        tq = testQueue(t.db, mode, { leaseMs: LEASE_MS })
      })
      afterEach(async () => {
        if (child && child.proc.exitCode === null && child.proc.signalCode === null) {
          child.proc.kill('SIGCONT')
          child.proc.kill('SIGKILL')
          await exited(child.proc)
        }
        child = undefined
        await tq.close()
        await t.db.job.deleteMany()
      })

      /** Enqueues a scoring job and waits until the child worker runs it. */
      async function jobTakenByChild(behaviour: 'block' | 'sleep-then-complete') {
        const { submissionId } = await makeSubmission(t.db)
        const job = await tq.queue.enqueue('score-submission', { submissionId }, { submissionId })
        child = spawnWorker(t.url, mode, tq.prefix, behaviour)
        const c = child
        await waitFor(
          `the child worker to start the job (stderr: ${c.stderr.slice(-5).join(' | ')})`,
          async () => c.events.some((e) => e.event === 'started' && e.jobId === job.id),
          20_000,
        )
        expect(await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: 'running', leaseOwner: c.workerId, attempts: 1 })
        return { jobId: job.id, submissionId }
      }

      /** This process's worker: completes by incrementing the submission's score. */
      function takeoverHandlers(runs: string[]): JobHandlers {
        return {
          'score-submission': async (payload, ctx) => {
            runs.push(ctx.jobId)
            const { submissionId } = payload as { submissionId: string }
            await ctx.complete(async (tx) => {
              await tx.submission.update({ where: { id: submissionId }, data: { score: { increment: 1 } } })
            })
          },
        }
      }

      it('takes over the job of a worker killed with SIGKILL once its lease expires, and finishes it once', async () => {
        const { jobId, submissionId } = await jobTakenByChild('block')
        child!.proc.kill('SIGKILL')
        await exited(child!.proc)
        const killedAt = Date.now()

        const runs: string[] = []
        const worker = await tq.queue.startWorker(takeoverHandlers(runs), { pollMs: 25 })
        const job = await waitFor('takeover', async () => {
          const j = await t.db.job.findUniqueOrThrow({ where: { id: jobId } })
          return j.status === 'done' && j
        })
        // Not before the dead worker's lease ran out (its last heartbeat was at most lease/3 before the kill).
        expect(Date.now() - killedAt).toBeGreaterThanOrEqual(LEASE_MS - LEASE_MS / 3 - 100)
        await sleep(500)
        expect(runs).toEqual([jobId])
        expect(job).toMatchObject({ status: 'done', attempts: 2, leaseOwner: worker.id })
        expect((await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } })).score).toBe(1)
      })

      it('fences a frozen worker (SIGSTOP past its lease): the new owner finishes, the old one writes nothing', async () => {
        const { jobId, submissionId } = await jobTakenByChild('sleep-then-complete')
        child!.proc.kill('SIGSTOP')

        const runs: string[] = []
        const worker = await tq.queue.startWorker(takeoverHandlers(runs), { pollMs: 25 })
        await waitFor('takeover', async () => (await t.db.job.findUniqueOrThrow({ where: { id: jobId } })).status === 'done')
        // Wake the frozen worker: its 3 s sleep is over, so it tries to complete at once.
        child!.proc.kill('SIGCONT')
        const c = child!
        const verdict = await waitFor(`the old worker's complete() (stderr: ${c.stderr.slice(-5).join(' | ')})`, async () => c.events.find((e) => e.event === 'complete'), 10_000)
        expect(verdict).toMatchObject({ ok: false, aborted: true })
        await sleep(300)
        expect(runs).toEqual([jobId])
        expect(await t.db.job.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ status: 'done', attempts: 2, leaseOwner: worker.id })
        expect((await t.db.submission.findUniqueOrThrow({ where: { id: submissionId } })).score).toBe(1)
      })
    })
  }
})
