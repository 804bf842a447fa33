// Importing test sets through the service, on both databases: validation failures, the stored
// version, the sample submission, and (with the real model) the Kaggle sample scoring 1.000000.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { forEachDatabase } from '../helpers/databases.ts'
import { useTestApp } from '../helpers/app.ts'
import { importTestSet } from '../../lib/testsets/import.ts'
import { listTestSets, sampleSubmission } from '../../lib/testsets/reads.ts'
import { sampleValue } from '../../lib/testsets/versions.ts'
import { testSetKeys } from '../../lib/testsets/keys.ts'
import { TestSetInputError } from '../../lib/testsets/input.ts'
import { seededRandom } from '../../scoring/random.ts'
import { scorePromptSubmission } from '../../lib/jobs/prompt-scoring.ts'
import { scoreSubmission } from '../../scoring/score.ts'
import { decodeTruth } from '../../scoring/truth-file.ts'
import type { Db } from '../../lib/platform/db.ts'
import { fakeEmbedder, itWithModel, promptsCsv, writeImages } from './fixtures.ts'

const KAGGLE = '/work/shared/data/kaggle-sample'

async function makeCompetition(db: Db): Promise<string> {
  const slug = `ts-${randomBytes(5).toString('hex')}`
  await db.competition.create({ data: { slug, title: slug, startAt: new Date(Date.now() - 86_400_000), deadline: new Date(Date.now() + 86_400_000), publishedAt: null } })
  return slug
}

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'arena-testset-'))
}

/** A folder of images and a prompts file; `mutate` may break them. */
async function inputs(ids: string[], prompts: [string, string][] = ids.map((id) => [id, `a picture of ${id}`])): Promise<{ images: string; prompts: string }> {
  const dir = tmp()
  await writeImages(path.join(dir, 'images'), ids)
  writeFileSync(path.join(dir, 'prompts.csv'), promptsCsv(prompts))
  return { images: path.join(dir, 'images'), prompts: path.join(dir, 'prompts.csv') }
}

forEachDatabase((t) => {
  const app = useTestApp(t)
  const embedder = fakeEmbedder()

  describe('validation', () => {
    it('an image without a prompt fails the version, naming the image', async () => {
      const slug = await makeCompetition(app.db)
      const f = await inputs(['a', 'b', 'c'], [['a', 'x'], ['b', 'y']])
      await expect(importTestSet({ competitionSlug: slug, imagesDirOrZip: f.images, promptsCsv: f.prompts, embedder })).rejects.toThrow(
        "every image needs exactly one prompt and every prompt one image; 1 image without a prompt: 'c.png'",
      )
      const [v] = await listTestSets(slug)
      expect(v.status).toBe('failed')
      expect(v.error).toContain("1 image without a prompt: 'c.png'")
    })

    it('a prompt without an image names its id and line', async () => {
      const slug = await makeCompetition(app.db)
      const f = await inputs(['a'], [['a', 'x'], ['ghost', 'y']])
      await expect(importTestSet({ competitionSlug: slug, imagesDirOrZip: f.images, promptsCsv: f.prompts, embedder })).rejects.toThrow("1 prompt without an image: 'ghost' (line 3)")
    })

    it('a bad image id is refused before anything is stored', async () => {
      const slug = await makeCompetition(app.db)
      const f = await inputs(['a'])
      writeFileSync(path.join(f.images, 'bad name.png'), readFileSync(path.join(f.images, 'a.png')))
      await expect(importTestSet({ competitionSlug: slug, imagesDirOrZip: f.images, promptsCsv: f.prompts, embedder })).rejects.toThrow("invalid id (file names may only contain letters, digits, '_' and '-' before the extension): 'bad name.png'")
    })

    it('an undecodable image is named', async () => {
      const slug = await makeCompetition(app.db)
      const f = await inputs(['a', 'b'])
      writeFileSync(path.join(f.images, 'b.png'), Buffer.from('this is not a png'))
      const err = await importTestSet({ competitionSlug: slug, imagesDirOrZip: f.images, promptsCsv: f.prompts, embedder }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(TestSetInputError)
      expect((err as Error).message).toMatch(/^1 image cannot be decoded: 'b\.png' \(.+\)$/)
      const [v] = await listTestSets(slug)
      expect(v.status).toBe('failed')
      expect(await app.storage.list(testSetKeys.images(v.id))).toEqual([])
    })

    it('a bad CSV line is reported with its number and creates no version', async () => {
      const slug = await makeCompetition(app.db)
      const f = await inputs(['a', 'b'])
      writeFileSync(f.prompts, 'imgId,prompt\na,"fine"\nb,one,too many\n')
      await expect(importTestSet({ competitionSlug: slug, imagesDirOrZip: f.images, promptsCsv: f.prompts, embedder })).rejects.toThrow('line 3: expected 2 fields, found 3')
      expect(await listTestSets(slug)).toEqual([])
    })
  })

  describe('a ready version', () => {
    it('stores truth, prompts, images, rows and a sample that is never the truth; activates the first version', async () => {
      const slug = await makeCompetition(app.db)
      const ids = Array.from({ length: 20 }, (_, i) => `img_${i}`)
      const f = await inputs(ids)
      const progress: number[] = []
      const v = await importTestSet({ competitionSlug: slug, imagesDirOrZip: f.images, promptsCsv: f.prompts, publicFraction: 0.3, seed: 7, embedder, onProgress: (p) => void progress.push(p) })
      expect(v.status).toBe('ready')
      expect(v.version).toBe(1)
      expect(v.imageCount).toBe(20)
      expect(v.publicCount).toBe(6)
      expect(progress.at(-1)).toBe(1)
      const competition = await app.db.competition.findUniqueOrThrow({ where: { slug } })
      expect(competition.activeTestSetId).toBe(v.id)

      const truth = decodeTruth(await app.storage.readBuffer(testSetKeys.truth(v.id)))
      expect(truth.ids).toEqual([...ids].sort())
      const rows = await app.db.testImage.findMany({ where: { testSetId: v.id }, orderBy: { position: 'asc' } })
      expect(rows.map((r) => r.imageId)).toEqual(truth.ids)
      expect(rows.map((r) => (r.isPublic ? 1 : 0))).toEqual([...truth.isPublic])
      expect(rows[0].fileKey).toBe(`testsets/${v.id}/images/${rows[0].imageId}.png`)
      expect(await app.storage.exists(rows[0].fileKey)).toBe(true)
      expect(await app.storage.exists(testSetKeys.prompts(v.id))).toBe(true)

      // Same seed, same split; another seed, another split.
      const again = await importTestSet({ competitionSlug: slug, imagesDirOrZip: f.images, promptsCsv: f.prompts, publicFraction: 0.3, seed: 7, embedder })
      expect(again.version).toBe(2)
      const rows2 = await app.db.testImage.findMany({ where: { testSetId: again.id }, orderBy: { position: 'asc' } })
      expect(rows2.map((r) => r.isPublic)).toEqual(rows.map((r) => r.isPublic))
      const other = await importTestSet({ competitionSlug: slug, imagesDirOrZip: f.images, promptsCsv: f.prompts, publicFraction: 0.3, seed: 8, embedder })
      const rows3 = await app.db.testImage.findMany({ where: { testSetId: other.id }, orderBy: { position: 'asc' } })
      expect(rows3.filter((r) => r.isPublic)).toHaveLength(6)
      expect(rows3.map((r) => r.isPublic)).not.toEqual(rows.map((r) => r.isPublic))
      expect((await app.db.competition.findUniqueOrThrow({ where: { slug } })).activeTestSetId).toBe(v.id)

      // The sample: image-major, 384 rows each, one constant value, and it does not score 1.
      const sample = await sampleSubmission(slug)
      const text = (await app.storage.readBuffer(sample.key)).toString('utf8')
      const lines = text.trimEnd().split('\n')
      expect(lines[0]).toBe('imgId_eId,val')
      expect(lines).toHaveLength(1 + 20 * 384)
      const [firstId, firstValue] = lines[1].split(',')
      expect(firstId).toBe(`${truth.ids[0]}_0`)
      expect(Math.fround(Number(firstValue))).toBe(Math.fround(sampleValue(384)))
      expect(lines[385].startsWith(`${truth.ids[1]}_0,`)).toBe(true)
      const values = new Set(lines.slice(1).map((l) => l.split(',')[1]))
      expect(values.size).toBe(1)
      const scored = await scoreSubmission(app.storage.localPath(sample.key), truth)
      expect(scored.ok).toBe(true)
      if (scored.ok) expect(scored.score).toBeLessThan(0.5)
    })

    it('accepts a zip of .jpg/.webp images in a folder', async () => {
      const slug = await makeCompetition(app.db)
      const dir = tmp()
      await writeImages(path.join(dir, 'i'), ['p1'], '.jpg')
      await writeImages(path.join(dir, 'i'), ['p2'], '.webp')
      const zip = zipSync({
        'test/p1.jpg': readFileSync(path.join(dir, 'i', 'p1.jpg')),
        'test/p2.webp': readFileSync(path.join(dir, 'i', 'p2.webp')),
        '__MACOSX/._p1.jpg': new Uint8Array([1, 2, 3]),
      })
      writeFileSync(path.join(dir, 'images.zip'), zip)
      writeFileSync(path.join(dir, 'prompts.csv'), promptsCsv([['p1', 'one'], ['p2', 'two']]))
      const v = await importTestSet({ competitionSlug: slug, imagesDirOrZip: path.join(dir, 'images.zip'), promptsCsv: path.join(dir, 'prompts.csv'), embedder })
      expect(v.status).toBe('ready')
      expect(await app.storage.list(testSetKeys.images(v.id))).toEqual([`testsets/${v.id}/images/p1.jpg`, `testsets/${v.id}/images/p2.webp`])
    })
  })

  describe('the Kaggle sample with the real model', () => {
    let slug = ''
    let truthKey = ''

    itWithModel('imports as a test set', async () => {
      slug = await makeCompetition(app.db)
      const v = await importTestSet({ competitionSlug: slug, imagesDirOrZip: path.join(KAGGLE, 'images'), promptsCsv: path.join(KAGGLE, 'prompts.csv'), publicFraction: 0.3, seed: 1 })
      expect(v.status).toBe('ready')
      expect(v.imageCount).toBe(7)
      expect(v.publicCount).toBe(2)
      truthKey = v.truthKey ?? ''
    }, 120_000)

    itWithModel("its sample_submission.csv (the truth) scores 1.000000, shuffled too", async () => {
      const truth = decodeTruth(await app.storage.readBuffer(truthKey))
      const r = await scoreSubmission(path.join(KAGGLE, 'sample_submission.csv'), truth)
      if (!r.ok) throw new Error(r.error.message)
      expect(Math.abs(r.score - 1)).toBeLessThan(1e-6)
      expect(Math.abs((r.public ?? 0) - 1)).toBeLessThan(1e-6)
      expect(Math.abs((r.private ?? 0) - 1)).toBeLessThan(1e-6)

      const [header, ...rows] = readFileSync(path.join(KAGGLE, 'sample_submission.csv'), 'utf8').trimEnd().split('\n')
      const random = seededRandom(99)
      for (let i = rows.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[rows[i], rows[j]] = [rows[j], rows[i]]
      }
      const shuffled = path.join(tmp(), 'shuffled.csv')
      writeFileSync(shuffled, `${header}\n${rows.join('\n')}\n`)
      const s = await scoreSubmission(shuffled, truth)
      if (!s.ok) throw new Error(s.error.message)
      expect(Math.abs(s.score - 1)).toBeLessThan(1e-6)
    })

    itWithModel('its true prompts score 1.000000 as a prompt-text submission', async () => {
      const truth = decodeTruth(await app.storage.readBuffer(truthKey))
      const r = await scorePromptSubmission(path.join(KAGGLE, 'prompts.csv'), truth)
      if (!r.ok) throw new Error(r.error.message)
      expect(Math.abs(r.score - 1)).toBeLessThan(1e-6)
      for (const c of r.perImage) expect(Math.abs(c - 1)).toBeLessThan(1e-6)
    }, 120_000)
  })
})
