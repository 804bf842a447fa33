// A submission's own file: downloadable by its team's members and organizers only (a member of
// another team gets 404, as for the submission); the CSV kind detected from the header when the
// client names none or "detect" (plain, gzip and zip); the sanitised run log of a model.
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { zipSync } from 'fflate'
import { GET as download } from '../../app/api/submissions/[id]/file/route.ts'
import { POST as upload } from '../../app/api/competitions/[slug]/submissions/route.ts'
import { setPromptEmbedder } from '../../lib/jobs/prompt-scoring.ts'
import { submissionRunLog } from '../../lib/submissions/download.ts'
import { sanitizeRunLog } from '../../lib/submissions/run-log.ts'
import type { Embedder } from '../../scoring/embedder.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, submissionCsv, useTestApp } from '../helpers/app.ts'
import { joinComp, makeOrganizer, signUp, submit } from './users.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)
  afterAll(() => setPromptEmbedder(undefined))

  it('serves the submitted bytes to the team and organizers, 404 to another team, 401 signed out', async () => {
    const c = await seedCompetition(app)
    const owner = await signUp(app, 'file-owner')
    const mate = await signUp(app, 'file-mate')
    const stranger = await signUp(app, 'file-stranger')
    const organizer = await makeOrganizer(app, 'file-organizer')
    const team = await joinComp(app, owner, c.slug)
    await t.db.teamMember.create({ data: { teamId: team.id, userId: mate.id, competitionId: (await t.db.competition.findUniqueOrThrow({ where: { slug: c.slug } })).id } })
    await joinComp(app, stranger, c.slug)
    const csv = submissionCsv(c.truth, () => 1)
    const { body } = await submit(app, owner, c.slug, csv)
    const id = body.submission!.id
    const get = (token?: string) => download(app.request(`/api/submissions/${id}/file`, { token }), params({ id }))
    for (const who of [owner, mate, organizer]) {
      const res = await get(who.token)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="sub.csv"')
      expect(await res.text()).toBe(csv)
    }
    const denied = await get(stranger.token)
    expect(denied.status).toBe(404)
    expect(await denied.text()).not.toContain('img000')
    expect((await get()).status).toBe(401)
    expect((await download(app.request('/api/submissions/nope/file', { token: owner.token }), params({ id: 'nope' }))).status).toBe(404)
  })

  describe('format detection', () => {
    it('reads the kind from the header line when the kind is absent or "detect"', async () => {
      const c = await seedCompetition(app, { images: 2, publicCount: 1, dailySubmissionLimit: 20 })
      const fake: Embedder = { dim: c.truth.dim, provider: 'fake', embed: async (texts) => new Float32Array(texts.length * c.truth.dim).fill(0.05), close: async () => {} }
      setPromptEmbedder(fake)
      const u = await signUp(app)
      await joinComp(app, u, c.slug)
      const send = async (query: string, body: BodyInit) => {
        const res = await upload(app.request(`/api/competitions/${c.slug}/submissions?${query}`, { method: 'POST', token: u.token, body }), params({ slug: c.slug }))
        expect(res.status).toBe(201)
        const id = ((await res.json()) as { submission: { id: string } }).submission.id
        return (await t.db.submission.findUniqueOrThrow({ where: { id } })).kind
      }
      const prompts = '\uFEFFimgId,prompt\nimg000,a cat\nimg001,a dog\n'
      expect(await send('filename=p.csv', prompts)).toBe('prompts')
      expect(await send('filename=p.csv&kind=detect', prompts)).toBe('prompts')
      expect(await send('filename=p.csv.gz&kind=detect', gzipSync(Buffer.from('"prompt","imgId"\r\nx,img000\n')))).toBe('prompts')
      expect(await send('filename=p.zip', zipSync({ 'prompts.csv': Buffer.from(prompts) }))).toBe('prompts')
      expect(await send('filename=e.csv', submissionCsv(c.truth, () => 1))).toBe('csv')
      expect(await send('filename=e.csv.gz&kind=detect', gzipSync(submissionCsv(c.truth, () => 1)))).toBe('csv')
      // A kind the client names is taken as named.
      expect(await send('filename=p.csv&kind=csv', prompts)).toBe('csv')
    })
  })
})

describe('pure parts', () => {

  it('shows only allow-listed run-log lines, rebuilt from their numbers', () => {
    const log = [
      '2026-11-29T10:00:00.000Z running the model on 500 hidden images (cap 1800 s, 4096 MiB, 4 threads)',
      '2026-11-29T10:00:01.000Z opening /srv/arena/storage/secret/model.onnx',
      '2026-11-29T10:00:02.000Z model failed (runtime_error): Non-zero status code for node img042_private: /tmp/x',
      '2026-11-29T10:00:03.000Z attempt 1 failed: TypeError at /srv/app.js:12',
      'not a log line',
      '2026-11-29T10:05:00.000Z provider cpu: 500 images in 61234 ms, peak memory 812 MiB',
    ].join('\n')
    expect(sanitizeRunLog(log, 'images 120/500')).toEqual([
      { at: '2026-11-29T10:00:00.000Z', text: 'running the model on 500 hidden images (limits: 1800 s, 4096 MiB, 4 threads)' },
      { at: '2026-11-29T10:00:02.000Z', text: 'the model run failed (runtime_error)' },
      { at: '2026-11-29T10:05:00.000Z', text: '500 images embedded in 61.2 s (cpu), peak memory 812 MiB' },
      { at: null, text: 'images 120/500' },
    ])
    expect(sanitizeRunLog('', 'loading /srv/x')).toEqual([])
  })
})

forEachDatabase((t) => {
  const app = useTestApp(t)
  it('reads the run log of a model submission for its team only', async () => {
    const c = await seedCompetition(app)
    const owner = await signUp(app, 'log-owner')
    const stranger = await signUp(app, 'log-stranger')
    const team = await joinComp(app, owner, c.slug)
    const sub = await t.db.submission.create({
      data: { competitionId: c.id, teamId: team.id, userId: owner.id, kind: 'model', fileKey: 'submissions/x/model.onnx', fileName: 'm.onnx', fileSize: 1, status: 'failed', error: 'The model failed' },
    })
    await t.db.job.create({
      data: { type: 'run-model', payload: '{}', status: 'failed', submissionId: sub.id, log: '2026-11-29T10:00:02.000Z model failed (timeout): /tmp/secret\n' },
    })
    const owners = await t.db.user.findUniqueOrThrow({ where: { id: owner.id } })
    expect(await submissionRunLog(owners, sub.id)).toEqual([{ at: '2026-11-29T10:00:02.000Z', text: 'the model run failed (timeout)' }])
    await expect(submissionRunLog(await t.db.user.findUniqueOrThrow({ where: { id: stranger.id } }), sub.id)).rejects.toMatchObject({ status: 404 })
  })
})
