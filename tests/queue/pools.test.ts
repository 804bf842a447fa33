// Issue 11, item 9: one slow model must not hold every competition's scoring. Model runs have
// their own worker pool (embedded: their own loop; BullMQ: their own queue), and a team runs at
// most one model at a time. The 'run-model' handler here blocks until the test releases it, as a
// model looping until its time cap would; on SQLite and PostgreSQL, embedded and on BullMQ.
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../lib/platform/db.ts'
import type { JobContext, JobHandlers } from '../../lib/queue/index.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { QUEUE_MODES, sleep, testQueue, waitFor, type TestQueue } from './helpers.ts'

/** A competition with `teams` teams, and a helper adding a submission of a given kind to one. */
async function makeTeams(db: Db, teams: number) {
  const slug = `p-${randomBytes(6).toString('hex')}`
  const competition = await db.competition.create({
    data: { slug, title: slug, startAt: new Date(Date.now() - 86_400_000), deadline: new Date(Date.now() + 86_400_000) },
  })
  const teamIds: string[] = []
  for (let i = 0; i < teams; i++) {
    const team = await db.team.create({ data: { competitionId: competition.id, name: `team ${i}`, inviteCode: `${slug}-${i}` } })
    teamIds.push(team.id)
  }
  const submit = async (team: number, kind: 'csv' | 'model') =>
    (
      await db.submission.create({
        data: { competitionId: competition.id, teamId: teamIds[team], kind, fileKey: `submissions/${slug}-${randomBytes(3).toString('hex')}`, fileName: 'f', fileSize: 1 },
      })
    ).id
  return { submit }
}

/** A 'run-model' stub that runs until released (or until its worker stops), recording starts. */
function blockingModels() {
  const started: string[] = []
  const release = new Map<string, () => void>()
  const handler = async (payload: unknown, ctx: JobContext) => {
    const { submissionId } = payload as { submissionId: string }
    started.push(submissionId)
    await new Promise<void>((resolve) => {
      release.set(submissionId, resolve)
      ctx.signal.addEventListener('abort', () => resolve(), { once: true })
    })
  }
  return { started, handler, release: (id: string) => release.get(id)?.() }
}

forEachDatabase((t) => {
  for (const mode of QUEUE_MODES) {
    describe(mode, () => {
      let tq: TestQueue
      beforeEach(() => {
        tq = testQueue(t.db, mode)
      })
      afterEach(async () => {
        await tq.close()
        await t.db.job.deleteMany()
      })

      const status = async (id: string) => (await t.db.job.findUniqueOrThrow({ where: { id } })).status

      it('scores another team’s CSV at once while a model runs, and runs one model per team at a time', async () => {
        const { submit } = await makeTeams(t.db, 3)
        const models = blockingModels()
        const csvDone: string[] = []
        const handlers: JobHandlers = {
          'run-model': models.handler,
          'score-submission': async (payload) => {
            csvDone.push((payload as { submissionId: string }).submissionId)
          },
        }
        // One worker, as `npm start` runs it: one CSV slot and (here) two model slots.
        await tq.queue.startWorker(handlers, { poolConcurrency: { csv: 1, model: 2 }, pollMs: 25 })

        const a1 = await submit(0, 'model')
        const a1Job = await tq.queue.enqueue('run-model', { submissionId: a1 }, { submissionId: a1 })
        await waitFor('team A’s first model to start', async () => models.started.includes(a1))

        // Team A's second model and team C's model, then team B's CSV.
        const a2 = await submit(0, 'model')
        const a2Job = await tq.queue.enqueue('run-model', { submissionId: a2 }, { submissionId: a2 })
        const c1 = await submit(2, 'model')
        await tq.queue.enqueue('run-model', { submissionId: c1 }, { submissionId: c1 })
        const b1 = await submit(1, 'csv')
        const b1Job = await tq.queue.enqueue('score-submission', { submissionId: b1 }, { submissionId: b1 })

        // B's CSV is scored while A's model still runs; C's model takes the free model slot.
        await waitFor('team B’s CSV to be scored', async () => (await status(b1Job.id)) === 'done', 10_000)
        expect(csvDone).toEqual([b1])
        await waitFor('team C’s model to start', async () => models.started.includes(c1), 10_000)
        expect(await status(a1Job.id)).toBe('running')

        // A's second model waits (a model slot is free once C's ends, it still must not start).
        models.release(c1)
        await sleep(1_500)
        expect(models.started).not.toContain(a2)
        expect(await status(a2Job.id)).toBe('queued')

        // Once A's first model ends, its second one runs.
        models.release(a1)
        await waitFor('team A’s second model to start', async () => models.started.includes(a2), 10_000)
        models.release(a2)
        await waitFor('team A’s second model to finish', async () => (await status(a2Job.id)) === 'done', 10_000)
        expect(models.started).toEqual([a1, c1, a2])
      })

      it('never runs two models of one team at once, even with two workers racing for them', async () => {
        const { submit } = await makeTeams(t.db, 1)
        let running = 0
        let most = 0
        const runs: string[] = []
        const handlers: JobHandlers = {
          'run-model': async (payload) => {
            running++
            most = Math.max(most, running)
            runs.push((payload as { submissionId: string }).submissionId)
            await sleep(150)
            running--
          },
        }
        const other = testQueue(t.db, mode, { prefix: tq.prefix })
        try {
          await tq.queue.startWorker(handlers, { concurrency: 3, pollMs: 10 })
          await other.queue.startWorker(handlers, { concurrency: 3, pollMs: 10 })
          const ids: string[] = []
          for (let i = 0; i < 6; i++) {
            const id = await submit(0, 'model')
            ids.push((await tq.queue.enqueue('run-model', { submissionId: id }, { submissionId: id })).id)
          }
          await waitFor('all six models to run', async () => (await t.db.job.count({ where: { id: { in: ids }, status: 'done' } })) === 6, 30_000)
          expect(runs).toHaveLength(6)
          expect(most).toBe(1)
        } finally {
          await other.queue.close()
        }
      })
    })
  }
})
