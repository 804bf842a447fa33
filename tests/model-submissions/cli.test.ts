// `arena submit --manifest` streams an ONNX model and its manifest as a multipart form to the
// model-submission route, then follows it until the model has run on the hidden images.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { arena } from '../helpers/cli.ts'
import * as me from '../../app/api/auth/me/route.ts'
import * as submissions from '../../app/api/competitions/[slug]/submissions/route.ts'
import * as modelSubmissions from '../../app/api/competitions/[slug]/model-submissions/route.ts'
import * as submission from '../../app/api/submissions/[id]/route.ts'
import { useTestApp, type SeededCompetition } from '../helpers/app.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { serveRoutes, type ApiServer } from '../helpers/http-adapter.ts'
import { POOLED, poolProjectModel, seededFloats } from '../model/onnx-builder.ts'
import { joinComp, signUp, type TestUser } from '../api/users.ts'
import { haveSampleImages, MANIFEST, seedImageCompetition } from './fixtures.ts'

describe.skipIf(!haveSampleImages)('arena submit with a model (needs ../shared/data/kaggle-sample)', () => {
  forEachDatabase((t) => {
    const app = useTestApp(t)
    let server: ApiServer
    let dir: string
    let user: TestUser
    let comp: SeededCompetition
    beforeAll(async () => {
      server = await serveRoutes({
        '/api/auth/me': me,
        '/api/competitions/[slug]/model-submissions': modelSubmissions,
        // arena submit asks for the team's quota before it sends the model
        '/api/competitions/[slug]/submissions': submissions,
        '/api/submissions/[id]': submission,
      })
      dir = mkdtempSync(path.join(tmpdir(), 'arena-cli-model-'))
      process.env.ARENA_CONFIG = path.join(dir, 'config.json')
      comp = await seedImageCompetition(app)
      user = await signUp(app, 'modeller')
      await joinComp(app, user, comp.slug)
      expect((await arena('login', '--url', server.url, '--token', user.token)).code).toBe(0)
    })
    afterAll(async () => {
      await server?.close()
      rmSync(dir, { recursive: true, force: true })
      delete process.env.ARENA_CONFIG
    })

    it('uploads the model with its manifest and waits for the score', async () => {
      const model = path.join(dir, 'model.onnx')
      writeFileSync(model, poolProjectModel({ weights: seededFloats(POOLED * 384, 3), outDim: 384 }))
      const manifest = path.join(dir, 'manifest.json')
      writeFileSync(manifest, JSON.stringify(MANIFEST))
      const r = await arena('submit', '-c', comp.slug, '-f', model, '--manifest', manifest, '-m', 'pooled projection', '--wait', '--interval', '50')
      expect(r.err).toMatch(/Uploading \[#+\] 100%/)
      expect(r.out).toMatch(/^\w+ scored: public -?\d\.\d{5}\n$/)
      expect(r.code).toBe(0)
      const row = await t.db.submission.findFirstOrThrow({ where: { competitionId: comp.id, description: 'pooled projection' } })
      expect(row).toMatchObject({ kind: 'model', status: 'scored', provider: 'cpu', fileName: 'model.onnx' })
    })

    it('refuses an ONNX file without a manifest before uploading anything', async () => {
      const model = path.join(dir, 'lonely.onnx')
      writeFileSync(model, new Uint8Array([1, 2, 3]))
      const r = await arena('submit', '-c', comp.slug, '-f', model)
      expect(r.code).toBe(2)
      expect(r.err).toContain('an ONNX model needs its manifest: --manifest manifest.json')
    })

    it('reports an invalid model with the validator message', async () => {
      const model = path.join(dir, 'garbage.onnx')
      writeFileSync(model, new Uint8Array(64).fill(7))
      const manifest = path.join(dir, 'manifest.json')
      writeFileSync(manifest, JSON.stringify(MANIFEST))
      const r = await arena('submit', '-c', comp.slug, '-f', model, '--manifest', manifest)
      expect(r.code).toBe(2)
      expect(r.err).toContain('arena submit: Model file is not a valid ONNX model')
    })
  })
})
