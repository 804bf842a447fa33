// Training data: an organizer uploads images + prompts (checked by the test sets' reader, nothing
// kept when they do not match), participants list, browse and download it whole (a streamed zip
// whose entries are the stored bytes) or by file; drafts stay hidden.
import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { unzipSync, zipSync, strFromU8 } from 'fflate'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, useTestApp } from '../helpers/app.ts'
import { makeOrganizer, signUp } from '../api/users.ts'
import { GET as listing, POST as upload } from '../../app/api/competitions/[slug]/data/route.ts'
import { GET as download } from '../../app/api/competitions/[slug]/data/download/route.ts'
import { GET as file } from '../../app/api/competitions/[slug]/data/files/[name]/route.ts'
import { dataSetPage, latestDataSet } from '../../lib/datasets/reads.ts'
import type { DataListing } from '../../lib/datasets/listing.ts'

function png(seed: number): Uint8Array {
  // Not decoded by the data upload: any bytes under an image name are stored as they are.
  return new Uint8Array(randomBytes(64 + seed))
}

function form(files: Record<string, [Uint8Array | string, string]>, fields: Record<string, string> = {}): FormData {
  const f = new FormData()
  for (const [k, v] of Object.entries(fields)) f.append(k, v)
  for (const [name, [bytes, fileName]] of Object.entries(files)) f.append(name, new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)]), fileName)
  return f
}

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('stores a matching upload as a version; participants list, page, download the zip and single files', async () => {
    const c = await seedCompetition(app)
    const org = await makeOrganizer(app)
    const participant = await signUp(app)
    const images = { 'train_a.png': png(1), 'train_b.png': png(2), 'train_c.jpg': png(3) }
    const prompts = 'imgId,prompt\ntrain_a,"a red circle, large"\ntrain_b,a blue star\ntrain_c,a green square\n'
    const p = params({ slug: c.slug })
    await app.storage.put(`testsets/${c.testSetId}/sample_submission.csv`, Buffer.from('imgId_eId,val\n'))
    await t.db.testSetVersion.update({ where: { id: c.testSetId }, data: { sampleKey: `testsets/${c.testSetId}/sample_submission.csv` } })

    const empty = (await (await listing(app.request(`/api/competitions/${c.slug}/data`), p)).json()) as DataListing
    expect(empty).toMatchObject({ version: null, files: [], download: null, starterKit: null })
    expect(empty.sampleSubmission).toMatchObject({ url: `/api/competitions/${c.slug}/sample-submission`, fileName: 'sample_submission.csv', size: 14 })

    const body = form({ prompts: [prompts, 'prompts.csv'], images: [zipSync(Object.fromEntries(Object.entries(images).map(([k, v]) => [`train/${k}`, v]))), 'train.zip'] }, { note: 'first' })
    expect((await upload(app.request(`/api/competitions/${c.slug}/data`, { body, token: participant.token }), p)).status).toBe(403)
    const body2 = form({ prompts: [prompts, 'prompts.csv'], images: [zipSync(Object.fromEntries(Object.entries(images).map(([k, v]) => [`train/${k}`, v]))), 'train.zip'] }, { note: 'first' })
    const res = await upload(app.request(`/api/competitions/${c.slug}/data`, { body: body2, token: org.token }), p)
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ version: 1, imageCount: 3 })

    const list = (await (await listing(app.request(`/api/competitions/${c.slug}/data`, { token: participant.token }), p)).json()) as DataListing
    expect(list.version).toBe(1)
    expect(list.files.map((f) => [f.name, f.size])).toEqual([
      ['prompts.csv', Buffer.byteLength(prompts)],
      ['train_a.png', images['train_a.png'].length],
      ['train_b.png', images['train_b.png'].length],
      ['train_c.jpg', images['train_c.jpg'].length],
    ])
    expect(list.totalBytes).toBe(list.files.reduce((n, f) => n + f.size, 0))
    expect(list.download).toEqual({ url: `/api/competitions/${c.slug}/data/download`, fileName: `${c.slug}-data-v1.zip` })

    const zipRes = await download(app.request(`/api/competitions/${c.slug}/data/download`), p)
    expect(zipRes.status).toBe(200)
    expect(zipRes.headers.get('content-type')).toBe('application/zip')
    const entries = unzipSync(new Uint8Array(await zipRes.arrayBuffer()))
    expect(Object.keys(entries)).toEqual(['prompts.csv', 'images/train_a.png', 'images/train_b.png', 'images/train_c.jpg'])
    expect(strFromU8(entries['prompts.csv'])).toBe(prompts)
    expect(Buffer.from(entries['images/train_b.png']).equals(Buffer.from(images['train_b.png']))).toBe(true)

    const one = await file(app.request(`/api/competitions/${c.slug}/data/files/train_c.jpg`), params({ slug: c.slug, name: 'train_c.jpg' }))
    expect(one.headers.get('content-type')).toBe('image/jpeg')
    expect(Buffer.from(await one.arrayBuffer()).equals(Buffer.from(images['train_c.jpg']))).toBe(true)
    expect((await file(app.request(`/api/competitions/${c.slug}/data/files/x`), params({ slug: c.slug, name: '../../testsets/x' }))).status).toBe(404)

    const version = await latestDataSet(c.id)
    const page2 = await dataSetPage(version!, 2, 2)
    expect(page2).toEqual({ page: 2, pages: 2, images: [{ imageId: 'train_c', fileName: 'train_c.jpg', prompt: 'a green square', size: images['train_c.jpg'].length }] })
  })

  it('refuses files that do not match, naming the problem, and keeps nothing', async () => {
    const c = await seedCompetition(app)
    const org = await makeOrganizer(app)
    const p = params({ slug: c.slug })
    const body = form({ prompts: ['imgId,prompt\nx1,one\nghost,two\n', 'prompts.csv'], images: [zipSync({ 'x1.png': png(1), 'extra.png': png(2) }), 'train.zip'] })
    const res = await upload(app.request(`/api/competitions/${c.slug}/data`, { body, token: org.token }), p)
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('invalid_dataset')
    expect(error.message).toContain("1 image without a prompt: 'extra.png'")
    expect(error.message).toContain("1 prompt without an image: 'ghost' (line 3)")
    expect(await t.db.dataSetVersion.count({ where: { competitionId: c.id } })).toBe(0)
    // Every stored training file belongs to a version that exists (other tests' uploads may be there).
    const owners = new Set((await app.storage.list('datasets/')).map((k) => k.split('/')[1]))
    expect(await t.db.dataSetVersion.count({ where: { id: { in: [...owners] } } })).toBe(owners.size)
  })

  it('hides the training data of a draft from participants', async () => {
    const c = await seedCompetition(app)
    await t.db.competition.update({ where: { id: c.id }, data: { publishedAt: null } })
    const participant = await signUp(app)
    const p = params({ slug: c.slug })
    expect((await listing(app.request(`/api/competitions/${c.slug}/data`, { token: participant.token }), p)).status).toBe(404)
    expect((await download(app.request(`/api/competitions/${c.slug}/data/download`), p)).status).toBe(404)
    expect((await file(app.request(`/api/competitions/${c.slug}/data/files/prompts.csv`), params({ slug: c.slug, name: 'prompts.csv' }))).status).toBe(404)
  })
})
