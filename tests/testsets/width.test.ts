// The interval-width forecast per test-set version: from the baseline's per-image spread on that
// version when there is one, else the default sd; and the binary per-image vectors it reads
// (round trip, a foreign file refused, the CSV of older scores as the fallback).
import { expect, it } from 'vitest'
import { DEFAULT_PER_IMAGE_SD } from '../../scoring/stats/index.ts'
import { decodePerImageVector, encodePerImageVector, perImageKey, perImageVectorKey, readPerImageVector, writePerImageScores } from '../../lib/submissions/per-image.ts'
import { describeWidth, versionWidths, widthForecast } from '../../lib/testsets/width.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { seedCompetition, useTestApp } from '../helpers/app.ts'

function sd(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1))
}

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('stores per-image vectors compactly and falls back to the CSV of older scores', async () => {
    const c = await seedCompetition(app, { images: 6, publicCount: 3 })
    const scores = Float64Array.from([0.5, 0.25, -0.125, 1, 0.75, 0.3])
    const bytes = encodePerImageVector(scores)
    expect(bytes.length).toBe(8 + 6 * 4)
    expect(Array.from(decodePerImageVector(bytes)!)).toEqual(Array.from(Float32Array.from(scores)))
    expect(decodePerImageVector(Buffer.from('imageId,public,score\n'))).toBeNull()
    expect(decodePerImageVector(bytes.subarray(0, 20))).toBeNull()

    const key = await writePerImageScores('sub1', c.testSetId, c.truth, scores)
    expect(key).toBe(perImageKey('sub1', c.testSetId))
    expect(Array.from((await readPerImageVector('sub1', c.testSetId, key))!)).toEqual(Array.from(Float32Array.from(scores)))
    // Scores recorded before the binary form existed: only the CSV.
    await app.storage.delete(perImageVectorKey('sub1', c.testSetId))
    expect(Array.from((await readPerImageVector('sub1', c.testSetId, key))!)).toEqual(Array.from(Float32Array.from(scores)))
    // ... whose binary form the fallback writes, for the next read.
    expect(Array.from(decodePerImageVector(await app.storage.readBuffer(perImageVectorKey('sub1', c.testSetId)))!)).toEqual(Array.from(Float32Array.from(scores)))
    expect(await readPerImageVector('nothing', c.testSetId, null)).toBeNull()
  })

  it('forecasts the ± of each version from the baseline, or the default spread', async () => {
    const c = await seedCompetition(app, { images: 40, publicCount: 10 })
    const version = await t.db.testSetVersion.findUniqueOrThrow({ where: { id: c.testSetId } })
    const without = (await versionWidths(c.id, [version])).get(version.id)
    expect(without).toMatchObject({ images: 40, publicImages: 10, perImageSd: DEFAULT_PER_IMAGE_SD, sdSource: 'default' })
    expect(describeWidth(without!)).toContain('(10 public images)')

    const perImage = Float64Array.from({ length: 40 }, (_, i) => 0.3 + 0.1 * Math.sin(i))
    const baseline = await t.db.submission.create({
      data: { competitionId: c.id, kind: 'csv', fileKey: 'b.csv', fileName: 'b.csv', fileSize: 1, status: 'scored', isBaseline: true, testSetId: c.testSetId },
    })
    const key = await writePerImageScores(baseline.id, c.testSetId, c.truth, perImage)
    await t.db.submissionScore.create({ data: { submissionId: baseline.id, testSetId: c.testSetId, perImageKey: key, publicScore: 0.3, privateScore: 0.3, score: 0.3 } })
    const given = (await versionWidths(c.id, [version])).get(version.id)!
    expect(given.sdSource).toBe('given')
    expect(given.perImageSd).toBeCloseTo(sd(Array.from(Float32Array.from(perImage))), 6)
    // t(9) 0.975 = 2.262157 (table value): ± = t·σ/√n over the 10 public images.
    expect(given.halfWidth).toBeCloseTo((2.262157 * given.perImageSd) / Math.sqrt(10), 5)
    expect(widthForecast(2, 0.5)).toBeNull()
  })
})
