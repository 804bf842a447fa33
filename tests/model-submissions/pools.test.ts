// Issue 11, item 9, end to end: while team A's looping ONNX model runs in the in-process worker
// (as `npm start` runs it: one CSV loop, one model loop), team B's CSV is scored, and team A's
// second model does not start until the first has ended. Real route handlers, real model runner;
// the model is stopped by a short time cap. tests/queue/pools.test.ts covers the team rule with
// several model slots, and BullMQ.
import { afterEach, describe, expect, it } from 'vitest'
import { setModelRunLimits } from '../../lib/jobs/model-limits.ts'
import { settled, submissionCsv, useTestApp, waitFor } from '../helpers/app.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { POOLED, poolProjectModel, seededFloats } from '../model/onnx-builder.ts'
import { joinComp, signUp, submit } from '../api/users.ts'
import { haveSampleImages, seedImageCompetition, submitModel } from './fixtures.ts'

const W = seededFloats(POOLED * 384, 11)

describe.skipIf(!haveSampleImages)('worker pools with a looping model (needs ../shared/data/kaggle-sample)', () => {
  forEachDatabase((t) => {
    const app = useTestApp(t)
    afterEach(() => setModelRunLimits(undefined))

    it('scores another team’s CSV while a looping model runs, and holds the same team’s second model', async () => {
      const c = await seedImageCompetition(app)
      const alice = await signUp(app, 'alice-pools')
      const bob = await signUp(app, 'bob-pools')
      await joinComp(app, alice, c.slug)
      await joinComp(app, bob, c.slug)
      // Long enough for the CSV to be scored meanwhile (even on a loaded machine), short enough for a test.
      setModelRunLimits({ wallTimeMs: 20_000 })
      // About a minute of work on an idle two-core machine: far past the cap however fast the machine.
      const looping = poolProjectModel({ weights: W, outDim: 384, heavyMatMuls: 6000 })
      const first = await submitModel(app, alice, c.slug, looping)
      // The team's second model is a quick one. With one model slot here, the slot holds it as well
      // as the team rule; tests/queue/pools.test.ts checks the team rule with free model slots.
      const second = await submitModel(app, alice, c.slug, poolProjectModel({ weights: W, outDim: 384 }))
      expect([first.status, second.status]).toEqual([201, 201])
      const firstId = first.body.submission!.id
      const secondId = second.body.submission!.id
      const jobOf = (submissionId: string) => app.db.job.findFirstOrThrow({ where: { submissionId }, orderBy: { createdAt: 'desc' } })
      await waitFor('the first model to run', async () => (await jobOf(firstId)).status === 'running')

      const csv = await submit(app, bob, c.slug, submissionCsv(c.truth, () => 1))
      expect(csv.status).toBe(201)
      const scored = await settled(app, csv.body.submission!.id)
      expect(scored.status).toBe('scored')
      // Scored while the model still ran, and the team's second model has not started.
      expect((await jobOf(firstId)).status).toBe('running')
      expect((await jobOf(secondId)).status).toBe('queued')

      const failed = await waitFor('the first model to hit its cap', async () => {
        const s = await app.db.submission.findUniqueOrThrow({ where: { id: firstId } })
        return s.status === 'failed' ? s : undefined
      }, 60_000)
      expect(failed.error).toBe('The model run exceeded its time limit')
      // Then the second one runs, and only then.
      expect((await settled(app, secondId)).status).toBe('scored')
      expect((await jobOf(secondId)).startedAt!.getTime()).toBeGreaterThanOrEqual((await jobOf(firstId)).finishedAt!.getTime())
    }, 120_000)
  })
})
