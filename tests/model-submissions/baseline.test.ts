// The reference baseline as a job: fitted on visible data (rendered here with sharp), embedded with
// the real all-MiniLM-L6-v2, run on the hidden sample images, scored, shown on the leaderboard as
// the baseline; a rerun retires the previous one (its scores stay) and rescoring reruns predictions.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GET as leaderboard } from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import { BASELINE_FILE_NAME, defaultTrainDir, enqueueBaseline, readTrainDir } from '../../lib/baseline/baseline.ts'
import { findModelDir } from '../../lib/platform/embedder-dir.ts'
import { params, useTestApp, waitFor, type TestApp } from '../helpers/app.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { haveSampleImages, seedImageCompetition } from './fixtures.ts'

const modelDir = findModelDir()
if (!modelDir && process.env.CI) throw new Error('all-MiniLM-L6-v2 is not prepared (run `npm run models:prepare`); CI must run the baseline job test')
const skipReason = !haveSampleImages ? 'needs ../shared/data/kaggle-sample' : !modelDir ? 'all-MiniLM-L6-v2 not prepared here (npm run models:prepare)' : ''

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
  writeFileSync(path.join(trainDir, 'prompts.csv'), `${lines.join('\n')}\n`)
})
afterAll(() => rmSync(trainDir, { recursive: true, force: true }))

describe('baseline training data', () => {
  it('reads a visible-data folder (prompts.csv + images/), and finds the shared set when present', async () => {
    const items = await readTrainDir(trainDir)
    expect(items).toHaveLength(10)
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
      const first = await enqueueBaseline({ id: c.id }, { trainDir })
      const a = await scoredBaseline(app, first.submission.id)
      expect(a.error).toBeNull()
      expect(a).toMatchObject({ status: 'scored', isBaseline: true, teamId: null, kind: 'model', provider: 'cpu', fileName: BASELINE_FILE_NAME, testSetId: c.testSetId })
      expect(Number.isFinite(a.score)).toBe(true)
      expect(a.description).toMatch(/kNN over image descriptors \(k=\d+, weight \d\.\d\d, CV -?\d\.\d{4}\) \+ mean prompt prior \(weight \d\.\d\d, CV -?\d\.\d{4}\)/)
      expect(a.description).toMatch(/on 10 visible images .*image features on CPU/)
      const job = await app.db.job.findUniqueOrThrow({ where: { id: first.job.id } })
      expect(job.status).toBe('done')
      expect(job.log).toMatch(/provider cpu: the baseline's image descriptors are computed with sharp on the CPU/)

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
        }, 60_000)
        expect(done.status).toBe('done')
      }
      expect((await app.db.submission.findUniqueOrThrow({ where: { id: b.id } })).score).toBe(b.score)
      expect((await app.db.submission.findUniqueOrThrow({ where: { id: a.id } })).isBaseline).toBe(false)
    }, 240_000)
  })
})
