/**
 * Scoring predictions that are already in memory (model submissions, the reference baseline):
 * one row per id, in any order, aligned here with the truth. Values are folded into the same
 * per-image accumulators the long-format parser uses (accumulators.ts), in the same order a CSV
 * of these rows would be read, so scoring these vectors gives what scoring that CSV gives.
 */
import { accumulate, newAccumulators, scoresFromAccumulators } from './accumulators.ts'
import { fail, scoringError } from './errors.ts'
import type { ScoreResult } from './score.ts'
import type { Truth } from './truth.ts'

/**
 * Scores `vectors` (`ids.length × truth.dim`, row-major, rows in `ids` order) against `truth`.
 * Every truth image needs exactly one row; unknown ids, duplicates and non-finite values are
 * errors (typed, like a CSV's), never exceptions.
 */
export function scoreVectors(ids: readonly string[], vectors: Float32Array | Float64Array, truth: Truth): ScoreResult {
  const { dim } = truth
  if (vectors.length !== ids.length * dim) {
    return fail(scoringError('dim_out_of_range', `Expected ${ids.length} × ${dim} = ${ids.length * dim} values, got ${vectors.length}`))
  }
  const position = new Map<string, number>()
  truth.ids.forEach((id, i) => position.set(id, i))
  const acc = newAccumulators(truth.ids.length)
  const seen = new Uint8Array(truth.ids.length)
  for (let r = 0; r < ids.length; r++) {
    const i = position.get(ids[r])
    if (i === undefined) return fail(scoringError('unknown_image', `Unknown image id '${ids[r].slice(0, 40)}'`))
    if (seen[i]) return fail(scoringError('duplicate_row', `Duplicate image id '${ids[r].slice(0, 40)}'`))
    seen[i] = 1
    for (let k = 0; k < dim; k++) {
      const v = vectors[r * dim + k]
      if (!Number.isFinite(v)) return fail(scoringError('not_finite', `Image '${ids[r].slice(0, 40)}': value ${k} is not a finite number`))
      accumulate(acc, i, v, truth.vectors[i * dim + k])
    }
  }
  const missing = seen.indexOf(0)
  if (missing >= 0) {
    return fail(scoringError('missing_rows', `Predictions cover ${ids.length} of ${truth.ids.length} images; first missing: '${truth.ids[missing]}'`))
  }
  return { ok: true, ...scoresFromAccumulators(acc, truth), images: truth.ids.length, rows: ids.length }
}

/**
 * The same vectors as a long-format CSV (`imgId_eId,val`). Float32 values are written with the
 * shortest text that reads back to the same number, so scoring the CSV equals `scoreVectors`.
 */
export function vectorsToLongCsv(ids: readonly string[], vectors: Float32Array, dim: number): string {
  const lines = ['imgId_eId,val']
  for (let r = 0; r < ids.length; r++) for (let k = 0; k < dim; k++) lines.push(`${ids[r]}_${k},${vectors[r * dim + k]}`)
  return `${lines.join('\n')}\n`
}
