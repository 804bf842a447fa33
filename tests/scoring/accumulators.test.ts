import { afterAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { ACC_STRIDE, accumulate, mergeAccumulators, newAccumulators, scoresFromAccumulators } from '../../scoring/accumulators.ts'
import { cosineScores } from '../../scoring/cosine.ts'
import { buildTruth, scoreSubmission } from '../../scoring/index.ts'
import { firstClear, mergeBitmaps, newBitmap } from '../../scoring/slot-claims.ts'
import { prng, randomTruth, tempDir, writeTemp } from './helpers.ts'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('per-image accumulators', () => {
  it('match the two-pass cosine to 1e-12 with huge, tiny and mixed scales, split over threads in any order', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = prng(seed)
      const dim = [1, 3, 384][seed % 3]
      const truth = randomTruth(rand, 8, dim)
      const n = truth.ids.length * dim
      const pred = new Float64Array(n)
      for (let i = 0; i < truth.ids.length; i++) {
        const kind = rand()
        for (let k = 0; k < dim; k++) {
          // Per image: all huge, all tiny, a few enormous components among tiny ones, zeros.
          const scale = kind < 0.2 ? 1e200 : kind < 0.4 ? 1e-200 : kind < 0.6 ? (rand() < 0.05 ? 1e150 : 1e-300) : kind < 0.7 ? 0 : 1
          pred[i * dim + k] = (rand() * 2 - 1) * scale
        }
      }
      const parts = [newAccumulators(truth.ids.length), newAccumulators(truth.ids.length), newAccumulators(truth.ids.length)]
      const order = Array.from({ length: n }, (_, s) => s).sort(() => rand() - 0.5)
      for (const s of order) accumulate(parts[Math.floor(rand() * 3)], Math.floor(s / dim), pred[s], truth.vectors[s])
      const merged = newAccumulators(truth.ids.length)
      for (const p of parts.sort(() => rand() - 0.5)) mergeAccumulators(merged, p)
      const got = scoresFromAccumulators(merged, truth)
      const want = cosineScores(pred, truth)
      want.perImage.forEach((w, i) => expect(Math.abs(got.perImage[i] - w), `seed ${seed} image ${i}`).toBeLessThanOrEqual(1e-12))
      expect(Math.abs(got.score - want.score)).toBeLessThanOrEqual(1e-12)
    }
  })

  it('keep scale, ss and dot finite at the extremes of the double range', () => {
    const acc = newAccumulators(1)
    for (const p of [1e-300, 1e300, -1e300, 5e-324, 1.7e308]) accumulate(acc, 0, p, 1)
    expect(acc[0]).toBe(1.7e308)
    for (let k = 0; k < ACC_STRIDE; k++) expect(Number.isFinite(acc[k])).toBe(true)
    const other = newAccumulators(1)
    accumulate(other, 0, 1e-320, 1)
    mergeAccumulators(other, acc)
    expect(Array.from(other)).toEqual(Array.from(acc))
  })
})

describe('slot bitmaps', () => {
  it('merge with overlap detection and find the first missing slot', () => {
    const a = newBitmap(70)
    const b = newBitmap(70)
    a[0] = -1
    b[1] = 0b1011
    expect(mergeBitmaps(a, b)).toBe(false)
    expect(firstClear(a, 70)).toBe(34)
    b[1] = 1
    expect(mergeBitmaps(a, b)).toBe(true)
    a[1] = -1
    a[2] = 0b111111
    expect(firstClear(a, 70)).toBe(-1)
  })
})

describe('duplicates across worker threads', () => {
  const DIM = 16
  const ids = Array.from({ length: 40 }, (_, i) => `img${i}`)
  const truth = buildTruth(ids, new Float32Array(ids.length * DIM).fill(0.25), DIM)
  const lines = () => ['imgId_eId,val', ...ids.flatMap((id) => Array.from({ length: DIM }, (_, k) => `${id}_${k},0.${k + 1}`))]
  const run = async (ls: string[]) => {
    const r = await scoreSubmission(writeTemp(dir, 'dup.csv', ls.join('\n') + '\n'), truth, { threads: 2, segmentBytes: 256, awaitWorkers: true })
    if (r.ok) throw new Error('expected an error')
    return r.error
  }

  it('report the earliest repeat with its first line, even when another thread parsed the first', async () => {
    const ls = lines()
    ls[600] = ls[20] // far apart: different segments, most likely different workers
    expect(await run(ls)).toMatchObject({ code: 'duplicate_row', line: 601, message: `Line 601: duplicate row for id '${ls[20].split(',')[0]}' (first seen on line 21)` })
  })

  it('lose to an earlier error and win over a later one', async () => {
    const later = lines()
    later[600] = later[20]
    later[610] = 'nope_1,0.5'
    expect(await run(later)).toMatchObject({ code: 'duplicate_row', line: 601 })
    const earlier = lines()
    earlier[600] = earlier[20]
    earlier[590] = 'nope_1,0.5'
    expect(await run(earlier)).toMatchObject({ code: 'unknown_image', line: 591 })
  })

  it('count missing rows exactly when a repeat takes a missing row’s place', async () => {
    const ls = lines()
    ls.splice(300, 1)
    expect(await run(ls)).toMatchObject({ code: 'missing_rows', message: `Submission is missing 1 row; first missing id: ${lines()[300].split(',')[0]}` })
    const both = lines()
    both[300] = both[5]
    expect(await run(both)).toMatchObject({ code: 'duplicate_row', line: 301, message: expect.stringContaining('first seen on line 6') })
  })
})
