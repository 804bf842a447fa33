// Issue 11, item 1: a model must not read hidden images out through its error messages, and a run
// that failed on the hidden images uses up its slot of the day (else the attack repeats forever).
// The attack: a Reshape whose target shape is the first pixels of the first hidden image; ONNX
// Runtime refuses it with "requested shape:{121,117,106,101}", i.e. the pixel values.
import { describe, expect, it } from 'vitest'
import { GET as getSubmission } from '../../app/api/submissions/[id]/route.ts'
import { GET as listSubmissions } from '../../app/api/competitions/[slug]/submissions/route.ts'
import { decodeRgb } from '../../scoring/model/preprocess.ts'
import { params, settled, useTestApp } from '../helpers/app.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { IMAGE_SIZE, pixelReshapeModel, POOLED, poolProjectModel, seededFloats } from '../model/onnx-builder.ts'
import { joinComp, signUp, type TestUser } from '../api/users.ts'
import { haveSampleImages, MANIFEST, seedImageCompetition, submitModel } from './fixtures.ts'
import type { TestApp } from '../helpers/app.ts'

const W = seededFloats(POOLED * 384, 7)
/** Raw 0..255 pixels in, so the leaked numbers are the image's own bytes. */
const RAW_PIXELS = { ...MANIFEST, mean: [0, 0, 0], std: [1, 1, 1], pixelRange: '0-255' }

interface View {
  id: string
  status: string
  error: string | null
}

async function participantViews(app: TestApp, user: TestUser, slug: string, id: string): Promise<{ one: View; listed: View | undefined; raw: string }> {
  const one = await getSubmission(app.request(`/api/submissions/${id}`, { token: user.token }), params({ id }))
  expect(one.status).toBe(200)
  const oneText = await one.text()
  const list = await listSubmissions(app.request(`/api/competitions/${slug}/submissions`, { token: user.token }), params({ slug }))
  expect(list.status).toBe(200)
  const listText = await list.text()
  const listed = (JSON.parse(listText) as { submissions: View[] }).submissions.find((s) => s.id === id)
  return { one: (JSON.parse(oneText) as { submission: View }).submission, listed, raw: oneText + listText }
}

describe.skipIf(!haveSampleImages)('model run errors (needs ../shared/data/kaggle-sample)', () => {
  forEachDatabase((t) => {
    const app = useTestApp(t)

    it('shows the participant a fixed message for a model whose error text carries hidden pixels; the job log keeps the raw text', async () => {
      const c = await seedImageCompetition(app, { dailySubmissionLimit: 1 })
      const eve = await signUp(app, 'eve')
      await joinComp(app, eve, c.slug)

      const res = await submitModel(app, eve, c.slug, pixelReshapeModel(W), RAW_PIXELS)
      expect(res.status).toBe(201)
      const id = res.body.submission?.id ?? ''
      const row = await settled(app, id)
      expect(row.status).toBe('failed')

      // The pixels the model put into the runtime's message: the first values of the first image.
      const first = await app.db.testImage.findFirstOrThrow({ where: { testSetId: c.testSetId }, orderBy: { position: 'asc' } })
      const rgb = await decodeRgb(app.storage.localPath(first.fileKey), { width: IMAGE_SIZE, height: IMAGE_SIZE, resize: 'center-crop' })
      const pixels = [rgb[0], rgb[3], rgb[6], rgb[9]]
      const leaked = `requested shape:{${pixels.join(',')}}`

      // The organizer's job log has the whole runtime message, pixel values included.
      const job = await app.db.job.findFirstOrThrow({ where: { submissionId: id, type: 'run-model' } })
      expect(job.log).toContain(leaked)
      expect(job.log).toMatch(/model failed \(inference_failed\)/)

      // The participant sees the op type only: no digits, no path, no image id, no runtime text.
      const { one, listed, raw } = await participantViews(app, eve, c.slug, id)
      expect(one.error).toBe('Model inference failed in an operator of type Reshape')
      expect(listed?.error).toBe(one.error)
      expect(one.error).not.toMatch(/\d|\//)
      expect(raw).not.toContain(leaked)
      expect(raw).not.toContain(pixels.join(','))
      expect(raw).not.toContain('requested shape')
      expect(raw).not.toContain(first.imageId)
      expect(raw).not.toMatch(/\/tmp\/|\/storage\/|onnxruntime/)

      // The failed run used up the day's only slot: the attack cannot simply be repeated.
      const again = await submitModel(app, eve, c.slug, poolProjectModel({ weights: W, outDim: 384 }))
      expect(again.status).toBe(429)
      expect(again.body.error?.code).toBe('daily_limit')
    })

    it('names no image for NaN outputs and no width for a wrong output shape', async () => {
      const c = await seedImageCompetition(app, { dailySubmissionLimit: 5 })
      const mal = await signUp(app, 'mal')
      await joinComp(app, mal, c.slug)
      // W full of NaN: every output is NaN. Undeclared output width 512: only the run sees it.
      const nan = await submitModel(app, mal, c.slug, poolProjectModel({ weights: new Float32Array(POOLED * 384).fill(NaN), outDim: 384 }))
      const wide = await submitModel(app, mal, c.slug, poolProjectModel({ weights: seededFloats(POOLED * 512, 2), outDim: 512, declaredOut: null }))
      const nanRow = await settled(app, nan.body.submission?.id ?? '')
      const wideRow = await settled(app, wide.body.submission?.id ?? '')
      expect(nanRow.error).toBe('Model output contains NaN or infinite values')
      expect(wideRow.error).toBe('Model output has the wrong shape or type; expected float32 [N, 384]')
      const images = await app.db.testImage.findMany({ where: { testSetId: c.testSetId } })
      for (const row of [nanRow, wideRow]) {
        const { raw } = await participantViews(app, mal, c.slug, row.id)
        for (const img of images) expect(raw).not.toContain(img.imageId)
        expect(raw).not.toContain('512')
      }
      const wideJob = await app.db.job.findFirstOrThrow({ where: { submissionId: wideRow.id } })
      expect(wideJob.log).toMatch(/float32 shape \[7, 512\]/)
      // Both runs reached the hidden images: two of the five slots are gone.
      const list = await listSubmissions(app.request(`/api/competitions/${c.slug}/submissions`, { token: mal.token }), params({ slug: c.slug }))
      expect(((await list.json()) as { quota: { used: number; remaining: number } }).quota).toMatchObject({ used: 2, remaining: 3 })
    })
  })
})
