/** Small dense-vector helpers shared by the baseline members (row-major Float32Array matrices). */

export function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s = 0
  for (let j = 0; j < dim; j++) s += a[ao + j] * b[bo + j]
  return s
}

/** L2-normalises each `dim` row in place (zero rows stay zero). */
export function normalizeRows(m: Float32Array, dim: number): Float32Array {
  for (let o = 0; o < m.length; o += dim) {
    const n = Math.sqrt(dot(m, o, m, o, dim))
    if (n > 0) for (let j = 0; j < dim; j++) m[o + j] /= n
  }
  return m
}

/** Mean cosine between matching rows of `pred` and `truth` (rows of `dim`). */
export function meanCosine(pred: Float32Array, truth: Float32Array, dim: number): number {
  const n = truth.length / dim
  let total = 0
  for (let i = 0; i < n; i++) {
    const o = i * dim
    const d = Math.sqrt(dot(pred, o, pred, o, dim) * dot(truth, o, truth, o, dim))
    total += d > 0 ? dot(pred, o, truth, o, dim) / d : 0
  }
  return n > 0 ? total / n : 0
}

/** Picks rows `idx` of a row-major matrix. */
export function takeRows(m: Float32Array, dim: number, idx: readonly number[]): Float32Array {
  const out = new Float32Array(idx.length * dim)
  idx.forEach((r, i) => out.set(m.subarray(r * dim, (r + 1) * dim), i * dim))
  return out
}
