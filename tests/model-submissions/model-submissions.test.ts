// Model submissions end to end: upload (route handler) → validation → 'run-model' on the hidden
// images in the embedded queue's worker → scores equal to the same embeddings submitted as a CSV.
import { afterEach, describe, expect, it } from 'vitest'
import { POST as upload } from '../../app/api/competitions/[slug]/submissions/route.ts'
import { setModelRunLimits } from '../../lib/jobs/model-limits.ts'
import { parseManifestValue } from '../../scoring/model/manifest.ts'
import { runModelOnImages } from '../../scoring/model/run-model.ts'
import { vectorsToLongCsv } from '../../scoring/score-vectors.ts'
import { params, settled, useTestApp } from '../helpers/app.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { POOLED, poolProjectModel, seededFloats } from '../model/onnx-builder.ts'
import { joinComp, signUp, submit } from '../api/users.ts'
import { haveSampleImages, MANIFEST, seedImageCompetition, submitModel } from './fixtures.ts'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const W = seededFloats(POOLED * 384, 7)

describe.skipIf(!haveSampleImages)('model submissions (needs ../shared/data/kaggle-sample)', () => {
  forEachDatabase((t) => {
    const app = useTestApp(t)
    afterEach(() => setModelRunLimits(undefined))

    it('runs an uploaded model on the hidden images and scores it exactly like its embeddings as a CSV', async () => {
      const c = await seedImageCompetition(app)
      const alice = await signUp(app, 'alice')
      await joinComp(app, alice, c.slug)
      const model = poolProjectModel({ weights: W, outDim: 384 })
      const res = await submitModel(app, alice, c.slug, model)
      expect(res.status).toBe(201)
      expect(res.body.submission?.kind).toBe('model')
      const sub = await settled(app, res.body.submission?.id ?? '')
      expect(sub.error).toBeNull()
      expect(sub.status).toBe('scored')
      expect(sub.provider).toBe('cpu')
      expect(sub.testSetId).toBe(c.testSetId)
      const job = await app.db.job.findFirst({ where: { submissionId: sub.id, type: 'run-model' } })
      expect(job?.log).toMatch(/provider cpu: 7 images/)
      // The organizer's log says how the runner was confined; its folder on the storage's file
      // system held hard links, and is gone after the run.
      expect(job?.log).toMatch(/sandbox: .*reads only its run folder \(hard links\)/)
      expect(readdirSync(app.storage.localPath('model-runs'))).toEqual([])
      expect(await app.db.submissionScore.count({ where: { submissionId: sub.id, testSetId: c.testSetId } })).toBe(1)

      // The same embeddings, computed again outside the platform and sent as a long-format CSV.
      const dir = mkdtempSync(path.join(tmpdir(), 'arena-ms-'))
      try {
        const rows = await app.db.testImage.findMany({ where: { testSetId: c.testSetId }, orderBy: { position: 'asc' } })
        const modelPath = path.join(dir, 'm.onnx')
        writeFileSync(modelPath, model)
        const manifest = parseManifestValue(MANIFEST)
        if (!manifest.ok) throw new Error(manifest.error.message)
        const images = rows.map((r) => ({ id: r.imageId, path: app.storage.localPath(r.fileKey) }))
        const run = await runModelOnImages({ modelPath, manifest: manifest.manifest, images, limits: { wallTimeMs: 60_000, memoryMb: 2048, threads: 1, batchSize: 4 }, executionProviders: ['cpu'] })
        if (!run.ok) throw new Error(run.error.organizerDetail)
        const csv = await submit(app, alice, c.slug, vectorsToLongCsv(images.map((i) => i.id), run.embeddings, 384))
        expect(csv.status).toBe(201)
        const csvSub = await settled(app, csv.body.submission?.id ?? '')
        expect(csvSub.status).toBe('scored')
        expect(Math.abs((sub.score ?? NaN) - (csvSub.score ?? NaN))).toBeLessThan(1e-9)
        expect(Math.abs((sub.publicScore ?? NaN) - (csvSub.publicScore ?? NaN))).toBeLessThan(1e-9)
        expect(Math.abs((sub.privateScore ?? NaN) - (csvSub.privateScore ?? NaN))).toBeLessThan(1e-9)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
      // Only scores are kept: the submission's folder holds the model and its manifest, nothing else.
      const stored = await app.storage.list(path.posix.dirname(sub.fileKey))
      expect(stored.map((k) => path.posix.basename(k)).sort()).toEqual(['manifest.json', 'model.onnx'])
    })

    it('rejects a malformed model and a wrong output shape at upload, with their messages', async () => {
      const c = await seedImageCompetition(app)
      const bob = await signUp(app, 'bob')
      await joinComp(app, bob, c.slug)
      const garbage = await submitModel(app, bob, c.slug, new TextEncoder().encode('this is not an onnx model at all'))
      expect(garbage.status).toBe(400)
      expect(garbage.body.error?.code).toBe('invalid_model')
      expect(garbage.body.error?.message).toMatch(/^Model file is not a valid ONNX model/)

      const wide = await submitModel(app, bob, c.slug, poolProjectModel({ weights: seededFloats(POOLED * 512, 2), outDim: 512 }))
      expect(wide.status).toBe(400)
      expect(wide.body.error).toMatchObject({ code: 'invalid_model', message: "Model output 'emb' has shape [N, 512]; expected [N, 384]" })

      const badManifest = await submitModel(app, bob, c.slug, poolProjectModel({ weights: W, outDim: 384 }), { ...MANIFEST, layout: 'CHW' })
      expect(badManifest.status).toBe(400)
      expect(badManifest.body.error?.message).toMatch(/manifest\.layout must be "NCHW" or "NHWC"/)

      // Recorded as failed submissions (the team sees why), which do not count against the day.
      const rows = await app.db.submission.findMany({ where: { competitionId: c.id } })
      expect(rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed'])
      expect(await app.db.job.count({ where: { submissionId: { in: rows.map((r) => r.id) } } })).toBe(0)
    })

    it('also takes a model with its manifest through the general submissions route', async () => {
      const c = await seedImageCompetition(app)
      const dan = await signUp(app, 'dan')
      await joinComp(app, dan, c.slug)
      const form = new FormData()
      form.set('manifest', JSON.stringify(MANIFEST))
      form.set('file', new Blob([Buffer.from(poolProjectModel({ weights: W, outDim: 384 }))]), 'mine.onnx')
      const res = await upload(app.request(`/api/competitions/${c.slug}/submissions`, { method: 'POST', token: dan.token, body: form }), params({ slug: c.slug }))
      expect(res.status).toBe(201)
      const body = (await res.json()) as { submission: { id: string; kind: string } }
      expect(body.submission.kind).toBe('model')
      expect((await settled(app, body.submission.id)).status).toBe('scored')
      // Without a manifest, the model is refused before it is queued.
      const raw = await upload(
        app.request(`/api/competitions/${c.slug}/submissions?filename=m.onnx`, { method: 'POST', token: dan.token, body: Buffer.from(poolProjectModel({ weights: W, outDim: 384 })) }),
        params({ slug: c.slug }),
      )
      expect(raw.status).toBe(400)
      expect(((await raw.json()) as { error: { code: string; message: string } }).error.message).toMatch(/needs its manifest/)
    })

    it('fails a model past its time cap with a fixed message, then scores the next submission', async () => {
      const c = await seedImageCompetition(app)
      const carol = await signUp(app, 'carol')
      await joinComp(app, carol, c.slug)
      setModelRunLimits({ wallTimeMs: 300 })
      const slow = await submitModel(app, carol, c.slug, poolProjectModel({ weights: W, outDim: 384, heavyMatMuls: 400 }))
      expect(slow.status).toBe(201)
      const failed = await settled(app, slow.body.submission?.id ?? '')
      expect(failed.status).toBe('failed')
      expect(failed.error).toBe('The model run exceeded its time limit')
      const job = await app.db.job.findFirst({ where: { submissionId: failed.id } })
      expect(job?.status).toBe('failed')
      expect(job?.log).toMatch(/model failed \(time_limit\): wall-time cap of 0\.3 s for 7 images/)
      setModelRunLimits(undefined)
      const good = await submitModel(app, carol, c.slug, poolProjectModel({ weights: W, outDim: 384 }))
      const ok = await settled(app, good.body.submission?.id ?? '')
      expect(ok.status).toBe('scored')
      expect(ok.score).not.toBeNull()
    })
  })
})
