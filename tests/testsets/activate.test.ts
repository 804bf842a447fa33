// Activating another test-set version rescoring the competition through the queue, keeping the
// scores against the old version as history.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, it } from 'vitest'
import { forEachDatabase } from '../helpers/databases.ts'
import { useTestApp } from '../helpers/app.ts'
import { waitFor } from '../queue/helpers.ts'
import { activateTestSet } from '../../lib/testsets/activation.ts'
import { importTestSet } from '../../lib/testsets/import.ts'
import { listTestSets } from '../../lib/testsets/reads.ts'
import { testSetKeys } from '../../lib/testsets/keys.ts'
import { decodeTruth } from '../../scoring/truth-file.ts'
import { longRows } from '../../scoring/embed/format.ts'
import { fakeEmbedder, promptsCsv, writeImages } from './fixtures.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('switches current scores to the new version and keeps the old rows', async () => {
    const slug = `act-${randomBytes(4).toString('hex')}`
    const competition = await app.db.competition.create({ data: { slug, title: slug, startAt: new Date(Date.now() - 86_400_000), deadline: new Date(Date.now() + 86_400_000), publishedAt: null } })
    const dir = mkdtempSync(path.join(tmpdir(), 'arena-activate-'))
    const ids = ['a', 'b', 'c', 'd']
    await writeImages(path.join(dir, 'images'), ids)
    writeFileSync(path.join(dir, 'v1.csv'), promptsCsv(ids.map((id) => [id, `first prompt of ${id}`])))
    writeFileSync(path.join(dir, 'v2.csv'), promptsCsv(ids.map((id) => [id, `second prompt of ${id}`])))
    const embedder = fakeEmbedder()
    const v1 = await importTestSet({ competitionSlug: slug, imagesDirOrZip: path.join(dir, 'images'), promptsCsv: path.join(dir, 'v1.csv'), publicFraction: 0.5, seed: 3, embedder })

    // A submission equal to v1's truth, scored by the ordinary job.
    const truth1 = decodeTruth(await app.storage.readBuffer(testSetKeys.truth(v1.id)))
    let csv = 'imgId_eId,val\n'
    truth1.ids.forEach((id, i) => (csv += longRows(id, truth1.vectors, i, truth1.dim)))
    const team = await app.db.team.create({ data: { competitionId: competition.id, name: 'T', inviteCode: randomBytes(6).toString('hex') } })
    const key = `submissions/${competition.id}/act/submission.csv`
    await app.storage.put(key, Buffer.from(csv))
    const sub = await app.db.submission.create({ data: { competitionId: competition.id, teamId: team.id, kind: 'csv', fileKey: key, fileName: 'submission.csv', fileSize: csv.length } })
    await app.queue.enqueue('score-submission', { submissionId: sub.id }, { submissionId: sub.id, competitionId: competition.id })
    const scored1 = await waitFor('scoring against v1', async () => {
      const s = await app.db.submission.findUniqueOrThrow({ where: { id: sub.id } })
      return s.status === 'scored' && s.testSetId === v1.id ? s : null
    }, 60_000)
    expect(scored1.score).toBeCloseTo(1, 6)

    // v2 is not active until activated; activation rescoring through the queue.
    const v2 = await importTestSet({ competitionSlug: slug, imagesDirOrZip: path.join(dir, 'images'), promptsCsv: path.join(dir, 'v2.csv'), publicFraction: 0.5, seed: 3, embedder })
    expect((await listTestSets(slug)).map((v) => [v.version, v.active])).toEqual([[2, false], [1, true]])
    const { job } = await activateTestSet(v2.id)
    expect(job.type).toBe('rescore-competition')
    const scored2 = await waitFor('rescoring against v2', async () => {
      const s = await app.db.submission.findUniqueOrThrow({ where: { id: sub.id } })
      return s.testSetId === v2.id && s.status === 'scored' ? s : null
    }, 60_000)
    expect(scored2.score).toBeLessThan(0.5)
    const history = await app.db.submissionScore.findMany({ where: { submissionId: sub.id }, orderBy: { createdAt: 'asc' } })
    expect(history.map((h) => h.testSetId)).toEqual([v1.id, v2.id])
    expect(history[0].score).toBeCloseTo(1, 6)
    expect(history[1].score).toBe(scored2.score)

    // Back to v1: its scores come back from history without scoring again.
    const jobsBefore = await app.db.job.count({ where: { submissionId: sub.id } })
    await activateTestSet(v1.id)
    const back = await waitFor('re-activation of v1', async () => {
      const s = await app.db.submission.findUniqueOrThrow({ where: { id: sub.id } })
      return s.testSetId === v1.id ? s : null
    }, 60_000)
    expect(back.score).toBeCloseTo(1, 6)
    expect(await app.db.job.count({ where: { submissionId: sub.id } })).toBe(jobsBefore)
    expect(await app.db.submissionScore.count({ where: { submissionId: sub.id } })).toBe(2)
  })

  it('refuses to activate a version that is not ready', async () => {
    const slug = `act-${randomBytes(4).toString('hex')}`
    const competition = await app.db.competition.create({ data: { slug, title: slug, startAt: new Date(), deadline: new Date(Date.now() + 86_400_000) } })
    const v = await app.db.testSetVersion.create({ data: { competitionId: competition.id, version: 1, seed: 1, publicFraction: 0.3 } })
    await expect(activateTestSet(v.id)).rejects.toThrow('Version 1 is processing; only a ready version can be activated')
  })
})
