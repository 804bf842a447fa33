/**
 * The baseline's members (pure, float64 arithmetic on row-major matrices). Each turns the
 * backbone's outputs for query images into one 384-d prediction per image, L2-normalised:
 * - `ridge`: a linear head from L2-normalised pretrained features to the prompt space, fitted in
 *   closed form (dual ridge: W = Xcᵀ (Xc Xcᵀ + λI)⁻¹ Yc, cheap because images ≪ 1280 features);
 * - `knn`: the softmax(similarity / T)-weighted mean of the prompt embeddings of the k training
 *   images with the most similar (cosine) features;
 * - `interrogator`: softmax(logits / T) over the 1000 ImageNet classes weights the MiniLM
 *   embeddings of the class names written into a prompt template;
 * - `prior`: the mean training prompt embedding, the same for every image.
 * The ensemble is the L2-normalised weighted sum of the members.
 */

export type Matrix = Float64Array | Float32Array

/** Copies rows `idx` of a row-major matrix. */
export function takeRows(m: Matrix, dim: number, idx: readonly number[]): Float64Array {
  const out = new Float64Array(idx.length * dim)
  idx.forEach((r, i) => {
    for (let j = 0; j < dim; j++) out[i * dim + j] = m[r * dim + j]
  })
  return out
}

/** L2-normalises each `dim` row in place (zero rows stay zero). */
export function normalizeRows<T extends Matrix>(m: T, dim: number): T {
  for (let o = 0; o < m.length; o += dim) {
    let ss = 0
    for (let j = 0; j < dim; j++) ss += m[o + j] * m[o + j]
    if (ss > 0) {
      const inv = 1 / Math.sqrt(ss)
      for (let j = 0; j < dim; j++) m[o + j] *= inv
    }
  }
  return m
}

/** Mean cosine between matching rows of `pred` and `truth`. */
export function meanCosine(pred: Matrix, truth: Matrix, dim: number): number {
  const n = truth.length / dim
  let total = 0
  for (let i = 0; i < n; i++) {
    let pt = 0
    let pp = 0
    let tt = 0
    for (let j = 0; j < dim; j++) {
      const p = pred[i * dim + j]
      const t = truth[i * dim + j]
      pt += p * t
      pp += p * p
      tt += t * t
    }
    const d = Math.sqrt(pp * tt)
    total += d > 0 ? pt / d : 0
  }
  return n > 0 ? total / n : 0
}

/** `a` (n×k) · `b` (k×m) → n×m. */
export function matMul(a: Matrix, b: Matrix, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p]
      if (v === 0) continue
      const bo = p * m
      const oo = i * m
      for (let j = 0; j < m; j++) out[oo + j] += v * b[bo + j]
    }
  }
  return out
}

/** `a` (n×k) · `b`ᵀ where `b` is m×k → n×m. */
export function matMulT(a: Matrix, b: Matrix, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p]
      out[i * m + j] = s
    }
  }
  return out
}

/** Mean of the rows. */
export function columnMean(m: Matrix, dim: number): Float64Array {
  const n = m.length / dim
  const out = new Float64Array(dim)
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) out[j] += m[i * dim + j] / n
  return out
}

/** Element-wise mean of two same-shaped matrices (the flip test-time augmentation). */
export function average(a: Matrix, b: Matrix): Float64Array {
  const out = new Float64Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = (a[i] + b[i]) / 2
  return out
}

/** Mean prompt embedding, normalised. */
export function meanPrior(embeddings: Matrix, dim: number): Float64Array {
  return normalizeRows(columnMean(embeddings, dim), dim)
}

/** Repeats one vector for `n` images. */
export function repeatRow(row: Matrix, n: number): Float64Array {
  const out = new Float64Array(n * row.length)
  for (let i = 0; i < n; i++) out.set(row, i * row.length)
  return out
}

/**
 * Solves (K + λI) X = B for symmetric positive semi-definite K (n×n) and B (n×m) by Cholesky.
 * λ > 0 keeps the system positive definite.
 */
export function solveRidgeSystem(k: Float64Array, n: number, lambda: number, b: Float64Array, m: number): Float64Array {
  const l = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = k[i * n + j] + (i === j ? lambda : 0)
      for (let p = 0; p < j; p++) s -= l[i * n + p] * l[j * n + p]
      if (i === j) {
        if (s <= 0) throw new Error('ridge system is not positive definite (λ too small)')
        l[i * n + i] = Math.sqrt(s)
      } else l[i * n + j] = s / l[j * n + j]
    }
  }
  const x = Float64Array.from(b)
  // Forward (L y = b), then backward (Lᵀ x = y), all right-hand sides at once.
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < i; p++) {
      const f = l[i * n + p]
      for (let j = 0; j < m; j++) x[i * m + j] -= f * x[p * m + j]
    }
    const d = l[i * n + i]
    for (let j = 0; j < m; j++) x[i * m + j] /= d
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) {
      const f = l[p * n + i]
      for (let j = 0; j < m; j++) x[i * m + j] -= f * x[p * m + j]
    }
    const d = l[i * n + i]
    for (let j = 0; j < m; j++) x[i * m + j] /= d
  }
  return x
}

/** A fitted linear head: prediction = x · W + b (x: L2-normalised features). */
export interface RidgeHead {
  /** featureDim × dim. */
  readonly weight: Float64Array
  /** dim. */
  readonly bias: Float64Array
}

/**
 * Closed-form ridge from features X (n×f, rows L2-normalised) to embeddings Y (n×d), centred,
 * in its dual form; the intercept is folded into `bias` (= ȳ − μ·W).
 */
export function fitRidge(x: Matrix, y: Matrix, featureDim: number, dim: number, lambda: number): RidgeHead {
  const n = x.length / featureDim
  const mu = columnMean(x, featureDim)
  const ybar = columnMean(y, dim)
  const xc = new Float64Array(x.length)
  for (let i = 0; i < n; i++) for (let j = 0; j < featureDim; j++) xc[i * featureDim + j] = x[i * featureDim + j] - mu[j]
  const yc = new Float64Array(y.length)
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) yc[i * dim + j] = y[i * dim + j] - ybar[j]
  const gram = matMulT(xc, xc, n, featureDim, n)
  const alpha = solveRidgeSystem(gram, n, lambda, yc, dim)
  // W = Xcᵀ α (featureDim × dim).
  const weight = new Float64Array(featureDim * dim)
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < featureDim; f++) {
      const v = xc[i * featureDim + f]
      const wo = f * dim
      const ao = i * dim
      for (let j = 0; j < dim; j++) weight[wo + j] += v * alpha[ao + j]
    }
  }
  const muW = matMul(mu, weight, 1, featureDim, dim)
  const bias = new Float64Array(dim)
  for (let j = 0; j < dim; j++) bias[j] = ybar[j] - muW[j]
  return { weight, bias }
}

/**
 * Ridge predictions for `xTe` at several λ from one training set (dual form, the Gram matrix
 * computed once): the same values as ridgePredict(fitRidge(xTr, yTr, λ), xTe), much cheaper.
 */
export function ridgePath(xTr: Matrix, yTr: Matrix, xTe: Matrix, featureDim: number, dim: number, lambdas: readonly number[]): Float64Array[] {
  const n = xTr.length / featureDim
  const q = xTe.length / featureDim
  const mu = columnMean(xTr, featureDim)
  const ybar = columnMean(yTr, dim)
  const xc = new Float64Array(xTr.length)
  for (let i = 0; i < n; i++) for (let j = 0; j < featureDim; j++) xc[i * featureDim + j] = xTr[i * featureDim + j] - mu[j]
  const qc = new Float64Array(xTe.length)
  for (let i = 0; i < q; i++) for (let j = 0; j < featureDim; j++) qc[i * featureDim + j] = xTe[i * featureDim + j] - mu[j]
  const yc = new Float64Array(yTr.length)
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) yc[i * dim + j] = yTr[i * dim + j] - ybar[j]
  const gram = matMulT(xc, xc, n, featureDim, n)
  const kq = matMulT(qc, xc, q, featureDim, n)
  return lambdas.map((lambda) => {
    const pred = matMul(kq, solveRidgeSystem(gram, n, lambda, yc, dim), q, n, dim)
    for (let i = 0; i < q; i++) for (let j = 0; j < dim; j++) pred[i * dim + j] += ybar[j]
    return normalizeRows(pred, dim)
  })
}

/** Ridge member: normalise(x · W + b). */
export function ridgePredict(head: { readonly weight: Matrix; readonly bias: Matrix }, x: Matrix, featureDim: number, dim: number): Float64Array {
  const n = x.length / featureDim
  const out = matMul(x, head.weight, n, featureDim, dim)
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) out[i * dim + j] += head.bias[j]
  return normalizeRows(out, dim)
}

/** Row-wise softmax of `values / temperature` in place (max-subtracted). */
export function softmaxRows(values: Float64Array, width: number, temperature: number): Float64Array {
  for (let o = 0; o < values.length; o += width) {
    let max = -Infinity
    for (let j = 0; j < width; j++) max = Math.max(max, values[o + j] / temperature)
    let sum = 0
    for (let j = 0; j < width; j++) {
      const e = Math.exp(values[o + j] / temperature - max)
      values[o + j] = e
      sum += e
    }
    for (let j = 0; j < width; j++) values[o + j] /= sum
  }
  return values
}

/** Training rows of each query sorted by similarity, best first (ties: lower row first, as ONNX TopK). */
export function rankRows(sims: Matrix, nTrain: number): number[][] {
  const q = sims.length / nTrain
  const order = Array.from({ length: nTrain }, (_, i) => i)
  return Array.from({ length: q }, (_, i) => order.slice().sort((a, b) => sims[i * nTrain + b] - sims[i * nTrain + a] || a - b))
}

/**
 * kNN member from a query×train similarity matrix: the k most similar rows (ties broken by
 * the lower row, as ONNX TopK does), softmax(similarity / T) weights over them.
 */
export function knnFromSimilarities(
  sims: Matrix,
  nTrain: number,
  embeddings: Matrix,
  dim: number,
  k: number,
  temperature: number,
  ranked: readonly (readonly number[])[] = rankRows(sims, nTrain),
): Float64Array {
  const q = sims.length / nTrain
  const kk = Math.min(k, nTrain)
  const out = new Float64Array(q * dim)
  for (let i = 0; i < q; i++) {
    const row = i * nTrain
    const top = ranked[i].slice(0, kk)
    const w = softmaxRows(Float64Array.from(top, (r) => sims[row + r]), kk, temperature)
    top.forEach((r, t) => {
      for (let j = 0; j < dim; j++) out[i * dim + j] += w[t] * embeddings[r * dim + j]
    })
  }
  return normalizeRows(out, dim)
}

/** Interrogator member: softmax(logits / T) · classEmbeddings, normalised. */
export function interrogatorPredict(logits: Matrix, classEmbeddings: Matrix, classes: number, dim: number, temperature: number): Float64Array {
  const probs = softmaxRows(Float64Array.from(logits), classes, temperature)
  return normalizeRows(matMul(probs, classEmbeddings, logits.length / classes, classes, dim), dim)
}

/** Weighted sum of member predictions (each `n × dim`), rows L2-normalised. */
export function combineMembers(predictions: readonly Matrix[], weights: readonly number[], dim: number): Float64Array {
  if (predictions.length !== weights.length || predictions.length === 0) throw new Error('one weight per member is needed')
  const out = new Float64Array(predictions[0].length)
  predictions.forEach((p, m) => {
    const w = weights[m]
    if (w !== 0) for (let i = 0; i < out.length; i++) out[i] += w * p[i]
  })
  return normalizeRows(out, dim)
}
