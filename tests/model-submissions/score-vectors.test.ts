import { describe, expect, it } from 'vitest'
import { scoreSubmission } from '../../scoring/score.ts'
import { scoreVectors, vectorsToLongCsv } from '../../scoring/score-vectors.ts'
import { buildTruth } from '../../scoring/truth.ts'
import { seededFloats } from '../model/onnx-builder.ts'

const DIM = 384
const ids = ['a', 'b', 'c', 'd', 'e']
const truthVectors = seededFloats(ids.length * DIM, 11)
for (let i = 0; i < ids.length; i++) {
  const row = truthVectors.subarray(i * DIM, (i + 1) * DIM)
  const n = Math.hypot(...row)
  for (let k = 0; k < DIM; k++) row[k] /= n
}
const truth = buildTruth(ids, truthVectors, DIM, { publicIds: ['a', 'c'] })

describe('scoreVectors', () => {
  it('equals scoring the same vectors written as a long-format CSV, in any row order', async () => {
    const order = ['d', 'a', 'e', 'c', 'b']
    const pred = seededFloats(order.length * DIM, 5)
    const direct = scoreVectors(order, pred, truth)
    const csv = Buffer.from(vectorsToLongCsv(order, pred, DIM))
    const viaCsv = await scoreSubmission((async function* () {
      yield csv
    })(), truth)
    if (!direct.ok || !viaCsv.ok) throw new Error('scoring failed')
    expect(Math.abs(direct.score - viaCsv.score)).toBeLessThan(1e-9)
    expect(direct.public).toBe(viaCsv.public)
    expect(direct.private).toBe(viaCsv.private)
    expect(Array.from(direct.perImage)).toEqual(Array.from(viaCsv.perImage))
  })

  it('rejects unknown, duplicate and missing ids and non-finite values with typed errors', () => {
    const one = new Float32Array(DIM).fill(0.1)
    const rows = (n: number) => new Float32Array(n * DIM).fill(0.1)
    expect(scoreVectors(['zz'], one, truth)).toMatchObject({ ok: false, error: { code: 'unknown_image' } })
    expect(scoreVectors(['a', 'a', 'b', 'c', 'd'], rows(5), truth)).toMatchObject({ ok: false, error: { code: 'duplicate_row' } })
    expect(scoreVectors(['a', 'b'], rows(2), truth)).toMatchObject({ ok: false, error: { code: 'missing_rows' } })
    const nan = rows(5)
    nan[7] = Number.NaN
    expect(scoreVectors(ids, nan, truth)).toMatchObject({ ok: false, error: { code: 'not_finite' } })
    expect(scoreVectors(ids, rows(4), truth)).toMatchObject({ ok: false, error: { code: 'dim_out_of_range' } })
  })
})
