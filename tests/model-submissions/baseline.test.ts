// The reference baseline as a job: fitted on visible data (rendered here with sharp, plus one image
// that is also hidden, to be flagged), embedded with the real all-MiniLM-L6-v2 and EfficientNet-Lite2,
// exported as one ONNX model, run on the hidden sample images through the model runner, scored and
// shown on the leaderboard as the baseline; the starter kit it writes, downloaded through its route and
// submitted by a participant, scores the same; a rerun retires the previous one (its scores stay) and rescoring reruns it.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GET as leaderboard } from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import { GET as dataListingRoute } from '../../app/api/competitions/[slug]/data/route.ts'
import { GET as starterKitRoute } from '../../app/api/competitions/[slug]/starter-kit/route.ts'
import { unzipSync } from 'fflate'
import { BASELINE_FILE_NAME, defaultTrainDir, enqueueBaseline, readTrainDir } from '../../lib/baseline/baseline.ts'
import { STARTER_KIT_FILES, starterKitKeys } from '../../lib/baseline/kit.ts'
import { checkBaselineOverlaps } from '../../lib/baseline/overlap.ts'
import { config, repoRoot } from '../../lib/platform/config.ts'
import { findModelDir } from '../../lib/platform/embedder-dir.ts'
import { resolveVisionModelDir } from '../../scoring/baseline/backbone.ts'
import { parseManifest } from '../../scoring/model/manifest.ts'
import { joinComp, signUp } from '../api/users.ts'
import { params, settled, useTestApp, waitFor, type TestApp } from '../helpers/app.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { haveSampleImages, sampleImages, seedImageCompetition, submitModel } from './fixtures.ts'

const modelDir = findModelDir()
const visionReady = (() => {
  try {
    return resolveVisionModelDir(config().modelsDir, repoRoot) !== ''
  } catch {
    return false
  }
})()
if ((!modelDir || !visionReady) && process.env.CI) throw new Error('the models are not prepared (run `npm run models:prepare`); CI must run the baseline job test')
const skipReason = !haveSampleImages
  ? 'needs ../shared/data/kaggle-sample'
  : !modelDir || !visionReady
    ? 'all-MiniLM-L6-v2 or efficientnet-lite2 not prepared here (npm run models:prepare)'
    : ''

const COLOURS: [string, [number, number, number]][] = [
  ['red', [220, 30, 30]],
  ['green', [30, 200, 60]],
  ['blue', [30, 60, 220]],
  ['yellow', [230, 220, 40]],
  ['purple', [140, 40, 180]],
]

let trainDir = ''
beforeAll(async () => {
  trainDir = mkdtempSync(path.join(tmpdir(), 'arena-train-'))
  mkdirSync(path.join(trainDir, 'images'))
  const lines = ['imgId,prompt']
  for (const [i, [name, rgb]] of COLOURS.entries()) {
    for (const variant of [0, 1]) {
      const id = `tr_${i}_${variant}`
      const base = sharp({ create: { width: 64, height: 64, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
      const overlay = await sharp({ create: { width: 24, height: 24, channels: 3, background: variant ? '#ffffff' : '#000000' } }).png().toBuffer()
      await base.composite([{ input: overlay, left: 20, top: 20 }]).png().toFile(path.join(trainDir, 'images', `${id}.png`))
      lines.push(`${id},"a ${name} painting with a ${variant ? 'white' : 'black'} square in the middle"`)
    }
  }
  // The first hidden image, also among the training images: the job flags it before fitting.
  if (haveSampleImages) {
    copyFileSync(sampleImages()[0], path.join(trainDir, 'images', 'tr_hidden.png'))
    lines.push('tr_hidden,"a picture that is also in the hidden test set"')
  }
  writeFileSync(path.join(trainDir, 'prompts.csv'), `${lines.join('\n')}\n`)
})
afterAll(() => rmSync(trainDir, { recursive: true, force: true }))

describe('baseline training data', () => {
  it('reads a visible-data folder (prompts.csv + images/), and finds the shared set when present', async () => {
    const items = await readTrainDir(trainDir)
    expect(items).toHaveLength(haveSampleImages ? 11 : 10)
    expect(items[0]).toMatchObject({ id: 'tr_0_0', prompt: 'a red painting with a black square in the middle' })
    const shared = defaultTrainDir()
    if (shared) {
      const mix = await readTrainDir(shared)
      expect(mix.length).toBeGreaterThan(100)
      // metadata.csv's promptGroup keeps images of one prompt in one CV fold.
      expect(mix.every((m) => typeof m.group === 'string')).toBe(true)
    }
  })
})

async function scoredBaseline(app: TestApp, id: string) {
  return waitFor(
    `baseline ${id}`,
    async () => {
      const s = await app.db.submission.findUnique({ where: { id } })
      return s && (s.status === 'scored' || s.status === 'failed') ? s : null
    },
    120_000,
  )
}

describe.skipIf(skipReason !== '')(`the baseline job${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  forEachDatabase((t) => {
    const app = useTestApp(t)

    it('fits, scores and shows the baseline; a rerun replaces it and keeps the history', async () => {
      const c = await seedImageCompetition(app)
      // Before queueing, the organizer can see what the run would flag.
      const overlaps = await checkBaselineOverlaps(c.id, { trainDir })
      const hiddenFirst = await app.db.testImage.findFirstOrThrow({ where: { testSetId: c.testSetId, position: 0 } })
      expect(overlaps).toEqual([{ trainId: 'tr_hidden', hiddenId: hiddenFirst.imageId, reason: 'same-file' }])
      const first = await enqueueBaseline({ id: c.id }, { trainDir })
      const a = await scoredBaseline(app, first.submission.id)
      expect(a.error).toBeNull()
      expect(a).toMatchObject({ status: 'scored', isBaseline: true, teamId: null, kind: 'model', provider: 'cpu', fileName: BASELINE_FILE_NAME, testSetId: c.testSetId })
      expect(Number.isFinite(a.score)).toBe(true)
      expect(a.description).toMatch(/ridge head \(λ=[\d.]+, weight \d\.\d\d, CV -?\d\.\d{4}\), kNN \(k=\d+, T=[\d.]+, weight \d\.\d\d, CV -?\d\.\d{4}\), label interrogator/)
      expect(a.description).toMatch(/ensemble CV -?\d\.\d{4} \(5-fold grouped by prompt, seed 1\) on 11 visible images/)
      const job = await app.db.job.findUniqueOrThrow({ where: { id: first.job.id } })
      expect(job.status).toBe('done')
      // Scored through the participants' model runner, which records its provider.
      expect(job.log).toMatch(/provider cpu: 7 hidden images in \d+ ms \(model runner\)/)
      expect(job.log).toMatch(/WARNING: 1 training image\(s\) overlap the hidden test set \(same file bytes\): tr_hidden~/)
      expect(job.log.indexOf('WARNING')).toBeLessThan(job.log.indexOf('backbone features on'))

      // The starter kit: the same ONNX + manifest, a README; submitted as a model, it scores the same.
      for (const name of STARTER_KIT_FILES) expect(await app.storage.exists(starterKitKeys.file(c.id, name))).toBe(true)
      // Participants find it on the data listing and download it as one zip through the route.
      const listing = (await (await dataListingRoute(app.request(`/api/competitions/${c.slug}/data`), params({ slug: c.slug }))).json()) as { starterKit: { url: string } | null }
      expect(listing.starterKit?.url).toBe(`/api/competitions/${c.slug}/starter-kit`)
      const kitRes = await starterKitRoute(app.request(`/api/competitions/${c.slug}/starter-kit`), params({ slug: c.slug }))
      expect(kitRes.status).toBe(200)
      const kit = unzipSync(new Uint8Array(await kitRes.arrayBuffer()))
      expect(Object.keys(kit).sort()).toEqual([...STARTER_KIT_FILES].sort())
      const kitModel = Buffer.from(kit['model.onnx'])
      expect(kitModel.equals(await app.storage.readBuffer(a.fileKey))).toBe(true)
      const kitManifest = Buffer.from(kit['manifest.json']).toString('utf8')
      expect(parseManifest(kitManifest).ok).toBe(true)
      expect(Buffer.from(kit['README.md']).toString('utf8')).toContain(`arena submit -c ${c.slug} -f model.onnx --manifest manifest.json --wait`)
      const alice = await signUp(app, 'alice')
      await joinComp(app, alice, c.slug)
      const res = await submitModel(app, alice, c.slug, kitModel, kitManifest, 'the starter kit, unchanged')
      expect(res.status).toBe(201)
      const mine = await settled(app, res.body.submission?.id ?? '')
      expect(mine.status).toBe('scored')
      expect(mine.provider).toBe(a.provider)
      expect(Math.abs((mine.score ?? NaN) - (a.score ?? NaN))).toBeLessThan(1e-6)
      expect(Math.abs((mine.publicScore ?? NaN) - (a.publicScore ?? NaN))).toBeLessThan(1e-6)

      const board = async () => {
        const res = await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard`), params({ slug: c.slug }))
        return ((await res.json()) as { leaderboard: { baselines: { submissionId: string; score: number }[] } }).leaderboard.baselines
      }
      expect(await board()).toEqual([{ submissionId: a.id, name: a.description, score: a.publicScore }])

      const second = await enqueueBaseline({ id: c.id }, { trainDir })
      const b = await scoredBaseline(app, second.submission.id)
      expect(b.status).toBe('scored')
      // Same data, same folds and seed: the same model and score.
      expect(b.score).toBe(a.score)
      const retired = await app.db.submission.findUniqueOrThrow({ where: { id: a.id } })
      expect(retired).toMatchObject({ isBaseline: false, status: 'scored', score: a.score })
      expect(await app.db.submissionScore.count({ where: { submissionId: a.id } })).toBe(1)
      expect((await board()).map((r) => r.submissionId)).toEqual([b.id])

      // Rescoring (as after a test-set activation) reruns the current baseline's predictions and
      // leaves the retired one alone.
      const rerun = await app.queue.enqueue('run-model', { submissionId: b.id }, { submissionId: b.id, competitionId: c.id })
      const old = await app.queue.enqueue('run-model', { submissionId: a.id }, { submissionId: a.id, competitionId: c.id })
      for (const j of [rerun, old]) {
        const done = await waitFor(`job ${j.id}`, async () => {
          const row = await app.queue.get(j.id)
          return row && (row.status === 'done' || row.status === 'failed') ? row : null
        }, 120_000)
        expect(done.status).toBe('done')
      }
      expect((await app.db.submission.findUniqueOrThrow({ where: { id: b.id } })).score).toBe(b.score)
      expect((await app.db.submission.findUniqueOrThrow({ where: { id: a.id } })).isBaseline).toBe(false)
    }, 480_000)
  })
})
