// Issue 11, item 9 (model part): a model's time limit scales with the number of hidden images,
// min(ARENA_MODEL_WALL_SECONDS, ARENA_MODEL_BASE_SECONDS + ARENA_MODEL_SECONDS_PER_IMAGE × images),
// and a run stopped by it uses up its slot of the day like any run that reached the images.
import { describe, expect, it } from 'vitest'
import { modelRunLimits } from '../../lib/jobs/model-limits.ts'
import { scaledWallTimeMs } from '../../scoring/model/run-model.ts'
import { settled, useTestApp } from '../helpers/app.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { POOLED, poolProjectModel, seededFloats } from '../model/onnx-builder.ts'
import { joinComp, signUp } from '../api/users.ts'
import { haveSampleImages, seedImageCompetition, submitModel } from './fixtures.ts'

// Read by config() on first use, after this module ran (this file runs in its own process).
// 7 images: 0.2 s + 7 × 0.01 s = 0.27 s, far below the 1800 s cap.
process.env.ARENA_MODEL_BASE_SECONDS = '0.2'
process.env.ARENA_MODEL_SECONDS_PER_IMAGE = '0.01'

const W = seededFloats(POOLED * 384, 7)

describe('scaledWallTimeMs', () => {
  it('is base + allowance per image, capped', () => {
    const s = { capMs: 1_800_000, baseMs: 120_000, perImageMs: 2_000 }
    expect(scaledWallTimeMs(7, s)).toBe(134_000)
    expect(scaledWallTimeMs(0, s)).toBe(120_000)
    expect(scaledWallTimeMs(5_000, s)).toBe(1_800_000)
  })
  it('takes its settings from the environment', () => {
    expect(modelRunLimits(7).wallTimeMs).toBe(270)
    expect(modelRunLimits(1_000_000).wallTimeMs).toBe(1_800_000)
  })
})

describe.skipIf(!haveSampleImages)('model time limit (needs ../shared/data/kaggle-sample)', () => {
  forEachDatabase((t) => {
    const app = useTestApp(t)

    it('stops a looping model at the limit scaled to 7 images, and the run uses up the slot', async () => {
      const c = await seedImageCompetition(app, { dailySubmissionLimit: 1 })
      const lou = await signUp(app, 'lou')
      await joinComp(app, lou, c.slug)
      const t0 = Date.now()
      const slow = await submitModel(app, lou, c.slug, poolProjectModel({ weights: W, outDim: 384, heavyMatMuls: 400 }))
      expect(slow.status).toBe(201)
      const failed = await settled(app, slow.body.submission?.id ?? '')
      // Without the scaled limit this model would hold the worker for minutes.
      expect(Date.now() - t0).toBeLessThan(30_000)
      expect(failed.status).toBe('failed')
      expect(failed.error).toBe('The model run exceeded its time limit')
      const job = await app.db.job.findFirstOrThrow({ where: { submissionId: failed.id } })
      expect(job.log).toMatch(/cap 0\.27 s/)
      expect(job.log).toMatch(/model failed \(time_limit\): wall-time cap of 0\.27 s for 7 images/)
      const next = await submitModel(app, lou, c.slug, poolProjectModel({ weights: W, outDim: 384 }))
      expect(next.status).toBe(429)
    })
  })
})
