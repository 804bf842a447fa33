// The organizer test-set routes and the public sample download, through the route handlers.
import { randomBytes } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { zipSync } from 'fflate'
import { expect, it } from 'vitest'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, useTestApp, type TestApp } from '../helpers/app.ts'
import { waitFor } from '../queue/helpers.ts'
import { makeOrganizer, signUp } from '../api/users.ts'
import { GET as listRoute, POST as uploadRoute } from '../../app/api/competitions/[slug]/testsets/route.ts'
import { POST as activateRoute } from '../../app/api/competitions/[slug]/testsets/[version]/activate/route.ts'
import { GET as sampleRoute } from '../../app/api/competitions/[slug]/sample-submission/route.ts'
import type { TestSetView } from '../../lib/testsets/reads.ts'
import { publishCompetition } from '../../lib/competitions/publish.ts'
import { itWithModel } from './fixtures.ts'

const KAGGLE = '/work/shared/data/kaggle-sample'

function kaggleZip(): Uint8Array {
  const dir = path.join(KAGGLE, 'images')
  return zipSync(Object.fromEntries(readdirSync(dir).map((f) => [`images/${f}`, new Uint8Array(readFileSync(path.join(dir, f)))])))
}

function form(files: Record<string, [Uint8Array | string, string]>, fields: Record<string, string> = {}): FormData {
  const f = new FormData()
  for (const [k, v] of Object.entries(fields)) f.append(k, v)
  for (const [name, [bytes, fileName]] of Object.entries(files)) f.append(name, new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)]), fileName)
  return f
}

async function competition(app: TestApp): Promise<string> {
  const slug = `api-${randomBytes(4).toString('hex')}`
  await app.db.competition.create({ data: { slug, title: slug, startAt: new Date(Date.now() - 86_400_000), deadline: new Date(Date.now() + 86_400_000), publishedAt: null } })
  return slug
}

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('refuses participants, forms without both files and a bad prompts CSV (with its line)', async () => {
    const slug = await competition(app)
    const organizer = await makeOrganizer(app)
    const participant = await signUp(app)
    const body = form({ images: [kaggleZip(), 'images.zip'], prompts: ['imgId,prompt\na,"x"\n', 'prompts.csv'] })
    const denied = await uploadRoute(app.request(`/api/competitions/${slug}/testsets`, { body, token: participant.token }), params({ slug }))
    expect(denied.status).toBe(403)

    const noPrompts = await uploadRoute(app.request(`/api/competitions/${slug}/testsets`, { body: form({ images: [kaggleZip(), 'images.zip'] }), token: organizer.token }), params({ slug }))
    expect(noPrompts.status).toBe(400)
    expect(await noPrompts.json()).toEqual({ error: { code: 'no_file', message: 'The form lacks the file prompts (the imgId,prompt CSV)' } })

    const badCsv = await uploadRoute(
      app.request(`/api/competitions/${slug}/testsets`, { body: form({ images: [kaggleZip(), 'images.zip'], prompts: ['imgId,prompt\na,b,c\n', 'prompts.csv'] }), token: organizer.token }),
      params({ slug }),
    )
    expect(badCsv.status).toBe(400)
    expect(((await badCsv.json()) as { error: { message: string } }).error.message).toBe('prompts.csv: 1 bad line: line 2: expected 2 fields, found 3')

    const list = await listRoute(app.request(`/api/competitions/${slug}/testsets`, { token: organizer.token }), params({ slug }))
    const { testSets } = (await list.json()) as { testSets: TestSetView[] }
    expect(testSets.map((v) => [v.version, v.status])).toEqual([[2, 'failed'], [1, 'failed']])
    const sample = await sampleRoute(app.request(`/api/competitions/${slug}/sample-submission`), params({ slug }))
    expect(sample.status).toBe(404)
  })

  itWithModel('uploads, imports in a job, activates and serves the sample submission', async () => {
    const slug = await competition(app)
    const organizer = await makeOrganizer(app)
    const body = form({ images: [kaggleZip(), 'images.zip'], prompts: [readFileSync(path.join(KAGGLE, 'prompts.csv'), 'utf8'), 'prompts.csv'] }, { seed: '11', publicFraction: '0.5' })
    const res = await uploadRoute(app.request(`/api/competitions/${slug}/testsets`, { body, token: organizer.token }), params({ slug }))
    expect(res.status).toBe(202)
    const created = (await res.json()) as { testSet: TestSetView; jobId: string }
    expect(created.testSet).toMatchObject({ version: 1, status: 'processing', seed: 11, publicFraction: 0.5 })

    const ready = await waitFor(
      'the import job',
      async () => {
        const list = (await (await listRoute(app.request(`/api/competitions/${slug}/testsets`, { token: organizer.token }), params({ slug }))).json()) as { testSets: TestSetView[] }
        return list.testSets[0].status !== 'processing' ? list.testSets[0] : null
      },
      60_000,
    )
    expect(ready).toMatchObject({ version: 1, status: 'ready', active: true, imageCount: 7, publicCount: 4, progress: 1 })

    // A draft is hidden from anonymous visitors until published (which the active version allows).
    expect((await sampleRoute(app.request(`/api/competitions/${slug}/sample-submission`), params({ slug }))).status).toBe(404)
    await publishCompetition(slug)
    const sample = await sampleRoute(app.request(`/api/competitions/${slug}/sample-submission`), params({ slug }))
    expect(sample.status).toBe(200)
    expect(sample.headers.get('content-disposition')).toBe('attachment; filename="sample_submission.csv"')
    const lines = (await sample.text()).trimEnd().split('\n')
    expect(lines).toHaveLength(1 + 7 * 384)

    const act = await activateRoute(app.request(`/api/competitions/${slug}/testsets/1/activate`, { method: 'POST', token: organizer.token }), params({ slug, version: '1' }))
    expect(act.status).toBe(202)
    expect(((await act.json()) as { testSet: TestSetView }).testSet.active).toBe(true)
    const missing = await activateRoute(app.request(`/api/competitions/${slug}/testsets/5/activate`, { method: 'POST', token: organizer.token }), params({ slug, version: '5' }))
    expect(missing.status).toBe(404)
  }, 120_000)
})
