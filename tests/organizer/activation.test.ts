// Explicit activation: a new version of a published competition waits for the organizer, who
// confirms on a page stating how many submissions are rescored; a submission that fails against
// the new version shows no stale score and names the version; participants are told the test set
// changed, with its real public share; invalid submissions are not alarms.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, it } from 'vitest'
import { forEachDatabase } from '../helpers/databases.ts'
import { useTestApp } from '../helpers/app.ts'
import { waitFor } from '../queue/helpers.ts'
import { makeOrganizer } from '../api/users.ts'
import { POST as activateForm } from '../../app/(forms)/forms/organizer/activate/route.ts'
import { importTestSet } from '../../lib/testsets/import.ts'
import { activateOnImport } from '../../lib/testsets/versions.ts'
import { activationEffect, activeSplit, listTestSets } from '../../lib/testsets/reads.ts'
import { testSetKeys } from '../../lib/testsets/keys.ts'
import { jobCounts } from '../../lib/views/organizer.ts'
import { INTERNAL_ERROR_MESSAGE } from '../../lib/queue/runner.ts'
import { renderMarkdown } from '../../lib/competitions/markdown.ts'
import { decodeTruth } from '../../scoring/truth-file.ts'
import { longRows } from '../../scoring/embed/format.ts'
import { fakeEmbedder, promptsCsv, writeImages } from '../testsets/fixtures.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('activates on import only the first version of a draft, or when asked', () => {
    expect(activateOnImport({ activeTestSetId: null, publishedAt: null }, undefined)).toBe(true)
    expect(activateOnImport({ activeTestSetId: null, publishedAt: new Date() }, undefined)).toBe(false)
    expect(activateOnImport({ activeTestSetId: 'v1', publishedAt: null }, undefined)).toBe(false)
    expect(activateOnImport({ activeTestSetId: 'v1', publishedAt: new Date() }, true)).toBe(true)
    expect(activateOnImport({ activeTestSetId: null, publishedAt: null }, false)).toBe(false)
  })

  it('confirms activation with its effect, clears stale scores of submissions that fail on the new version, and tells participants', async () => {
    const slug = `conf-${randomBytes(4).toString('hex')}`
    const competition = await app.db.competition.create({ data: { slug, title: slug, startAt: new Date(Date.now() - 86_400_000), deadline: new Date(Date.now() + 86_400_000) } })
    const dir = mkdtempSync(path.join(tmpdir(), 'arena-confirm-'))
    await writeImages(path.join(dir, 'v1'), ['a', 'b', 'c', 'd'])
    await writeImages(path.join(dir, 'v2'), ['e', 'f', 'g', 'h', 'i'])
    writeFileSync(path.join(dir, 'v1.csv'), promptsCsv(['a', 'b', 'c', 'd'].map((id) => [id, `prompt ${id}`])))
    writeFileSync(path.join(dir, 'v2.csv'), promptsCsv(['e', 'f', 'g', 'h', 'i'].map((id) => [id, `prompt ${id}`])))
    const embedder = fakeEmbedder()
    // A published competition: the first version is not activated without being asked.
    const v1 = await importTestSet({ competitionSlug: slug, imagesDirOrZip: path.join(dir, 'v1'), promptsCsv: path.join(dir, 'v1.csv'), publicFraction: 0.5, seed: 1, embedder })
    expect((await listTestSets(slug)).map((v) => v.active)).toEqual([false])
    const org = await makeOrganizer(app)
    const post = (fields: Record<string, string>) => {
      const body = new FormData()
      for (const [k, v] of Object.entries(fields)) body.set(k, v)
      return activateForm(app.request('/forms/organizer/activate', { body, token: org.token }))
    }
    // Without confirm=yes the form only leads to the confirmation page.
    const unconfirmed = await post({ slug, version: '1' })
    expect(unconfirmed.status).toBe(303)
    expect(unconfirmed.headers.get('location')).toBe(`/organizer/${slug}/confirm?action=activate&version=1`)
    expect((await listTestSets(slug))[0].active).toBe(false)
    expect((await post({ slug, version: '1', confirm: 'yes' })).headers.get('location')).toContain(`/organizer/${slug}?notice=`)
    expect((await listTestSets(slug))[0].active).toBe(true)
    // Nobody has submitted: the rescore job ends saying so.
    const emptyRescore = await waitFor('the empty rescore', async () => {
      const job = await app.db.job.findFirst({ where: { competitionId: competition.id, type: 'rescore-competition', status: 'done' } })
      return job ?? null
    }, 30_000)
    expect(emptyRescore.message).toBe('nothing to rescore: no finished submissions')

    const truth1 = decodeTruth(await app.storage.readBuffer(testSetKeys.truth(v1.id)))
    let csv = 'imgId_eId,val\n'
    truth1.ids.forEach((id, i) => (csv += longRows(id, truth1.vectors, i, truth1.dim)))
    const team = await app.db.team.create({ data: { competitionId: competition.id, name: 'T', inviteCode: randomBytes(6).toString('hex') } })
    const key = `submissions/${competition.id}/conf/submission.csv`
    await app.storage.put(key, Buffer.from(csv))
    const sub = await app.db.submission.create({ data: { competitionId: competition.id, teamId: team.id, kind: 'csv', fileKey: key, fileName: 'submission.csv', fileSize: csv.length } })
    await app.queue.enqueue('score-submission', { submissionId: sub.id }, { submissionId: sub.id, competitionId: competition.id })
    await waitFor('scoring against v1', async () => ((await app.db.submission.findUniqueOrThrow({ where: { id: sub.id } })).status === 'scored' ? true : null), 60_000)

    const v2 = await importTestSet({ competitionSlug: slug, imagesDirOrZip: path.join(dir, 'v2'), promptsCsv: path.join(dir, 'v2.csv'), publicFraction: 0.4, seed: 2, embedder })
    const effect = await activationEffect(slug, 2)
    expect(effect).toMatchObject({ rescored: 1, reused: 0, pending: 0, version: { version: 2, imageCount: 5, publicCount: 2 } })
    await post({ slug, version: '2', confirm: 'yes' })

    // v2 has other image ids: the v1 submission fails against it and keeps no v1 score.
    const failed = await waitFor('rescoring against v2', async () => {
      const s = await app.db.submission.findUniqueOrThrow({ where: { id: sub.id } })
      return s.status === 'failed' ? s : null
    }, 60_000)
    expect(failed).toMatchObject({ publicScore: null, privateScore: null, score: null, perImageKey: null, testSetId: v2.id })
    expect(failed.error).not.toBe(INTERNAL_ERROR_MESSAGE)

    const split = await activeSplit(await app.db.competition.findUniqueOrThrow({ where: { id: competition.id } }))
    expect(split).toMatchObject({ version: 2, imageCount: 5, publicCount: 2, publicShare: 0.4, replacedEarlier: true })

    // The participant's invalid submission is 'rejected', not an alarm.
    const counts = await jobCounts(competition.id)
    expect(counts.rejected).toBeGreaterThanOrEqual(1)
    expect(counts.failed).toBe(0)
  })

  it('renders Markdown and strips script', () => {
    const html = renderMarkdown('## Rules\n\n**No** hand labelling. [site](https://example.org) [x](javascript:alert(1)) <script>alert(1)</script><img src=x onerror="alert(1)">')
    expect(html).toContain('<h2>Rules</h2>')
    expect(html).toContain('<strong>No</strong>')
    expect(html).toContain('href="https://example.org"')
    expect(html).not.toMatch(/script|javascript:|onerror/)
  })
})
