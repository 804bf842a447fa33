/** Turns raw model outputs into platform embeddings: optional D×384 projection, then L2 normalisation. */
import { EMBEDDING_DIM } from './manifest.ts'

/**
 * `raw` holds `n` rows of `d` floats. With `projection` (d×384 row-major) each row is multiplied
 * by it; otherwise `d` must be 384. Rows are L2-normalised (an all-zero row stays zero).
 */
export function projectAndNormalize(raw: Float32Array, n: number, d: number, projection?: { rows: number; data: Float32Array }): Float32Array {
  const out = new Float32Array(n * EMBEDDING_DIM)
  if (projection) {
    if (projection.rows !== d) throw new Error(`projection has ${projection.rows} rows, output has ${d} columns`)
    for (let i = 0; i < n; i++) {
      const o = i * EMBEDDING_DIM
      for (let k = 0; k < d; k++) {
        const v = raw[i * d + k]
        if (v === 0) continue
        const p = k * EMBEDDING_DIM
        for (let j = 0; j < EMBEDDING_DIM; j++) out[o + j] += v * projection.data[p + j]
      }
    }
  } else {
    if (d !== EMBEDDING_DIM) throw new Error(`output has ${d} columns, expected ${EMBEDDING_DIM}`)
    out.set(raw.subarray(0, n * EMBEDDING_DIM))
  }
  l2NormalizeRows(out, EMBEDDING_DIM)
  return out
}

/** L2-normalises each `dim`-float row of `rows` in place. */
export function l2NormalizeRows(rows: Float32Array, dim: number): void {
  for (let o = 0; o < rows.length; o += dim) {
    let ss = 0
    for (let j = 0; j < dim; j++) ss += rows[o + j] * rows[o + j]
    if (ss > 0) {
      const inv = 1 / Math.sqrt(ss)
      for (let j = 0; j < dim; j++) rows[o + j] *= inv
    }
  }
}
