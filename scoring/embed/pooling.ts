/**
 * Mean pooling over the attention mask, then L2 normalisation - sentence-transformers' Pooling
 * (mean) + Normalize modules. Accumulates in float64; writes float32.
 */

/**
 * `hidden` is [batch, seq, dim] row-major; `lengths[b]` is the number of real (mask = 1) tokens of
 * row b, which are its first `lengths[b]` positions (padding is always at the end). Row b's unit
 * vector is written to `out` at `outRows[b] * dim`.
 */
export function meanPoolNormalize(
  hidden: Float32Array,
  seqLen: number,
  dim: number,
  lengths: readonly number[],
  out: Float32Array,
  outRows: readonly number[],
): void {
  const acc = new Float64Array(dim)
  for (let b = 0; b < lengths.length; b++) {
    acc.fill(0)
    const n = lengths[b]
    const base = b * seqLen * dim
    for (let t = 0; t < n; t++) {
      const off = base + t * dim
      for (let d = 0; d < dim; d++) acc[d] += hidden[off + d]
    }
    // Same clamps as sentence-transformers: token count >= 1e-9, norm >= 1e-12.
    const count = Math.max(n, 1e-9)
    let sq = 0
    for (let d = 0; d < dim; d++) {
      acc[d] /= count
      sq += acc[d] * acc[d]
    }
    const norm = Math.max(Math.sqrt(sq), 1e-12)
    const o = outRows[b] * dim
    for (let d = 0; d < dim; d++) out[o + d] = acc[d] / norm
  }
}
