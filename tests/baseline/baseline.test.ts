// The baseline's pure parts (members, grouped CV, overlap) and its ONNX export: the exported
// ensemble must compute what the TypeScript reference computes, byte-for-byte reproducibly. A
// small stand-in backbone (built here, same inputs and outputs as EfficientNet-Lite2's export)
// keeps these tests independent of `npm run models:prepare`; backbone.test.ts uses the real one.
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { BACKBONE_FEATURE_DIM, BACKBONE_IMAGE_SIZE, CLASS_COUNT, flipHorizontal } from '../../scoring/baseline/backbone.ts'
import { crossValidate, groupFolds, simplexGrid, type CvGrid, type EnsembleParams, type ImageOutputs } from '../../scoring/baseline/cv.ts'
import { fitEnsemble, predictEnsemble, type FittedEnsemble } from '../../scoring/baseline/ensemble.ts'
import { exportEnsembleOnnx } from '../../scoring/baseline/export-onnx.ts'
import {
  combineMembers,
  fitRidge,
  interrogatorPredict,
  knnFromSimilarities,
  matMulT,
  meanCosine,
  meanPrior,
  normalizeRows,
  ridgePath,
  ridgePredict,
  solveRidgeSystem,
} from '../../scoring/baseline/members.ts'
import { findOverlaps, normalizePrompt } from '../../scoring/baseline/overlap.ts'
import { seededRandom } from '../../scoring/random.ts'
import { buildModel, seededFloats } from '../model/onnx-builder.ts'

const DIM = 384

function randomUnit(rand: () => number, dim = DIM): Float64Array {
  return normalizeRows(Float64Array.from({ length: dim }, () => rand() * 2 - 1), dim)
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe('groupFolds', () => {
  const groups = Array.from({ length: 40 }, (_, i) => `g${i % 13}`)
  it('is deterministic by seed and keeps groups together', () => {
    const a = groupFolds(groups, 5, 42)
    expect(groupFolds(groups, 5, 42)).toEqual(a)
    expect(groupFolds([...groups].reverse(), 5, 42)).toEqual([...a].reverse())
    expect(groupFolds(groups, 5, 43)).not.toEqual(a)
    groups.forEach((g, i) => groups.forEach((h, j) => g === h && expect(a[i]).toBe(a[j])))
    expect(new Set(a)).toEqual(new Set([0, 1, 2, 3, 4]))
  })
  it('rejects more folds than groups', () => {
    expect(() => groupFolds(['a', 'b'], 3, 1)).toThrow()
  })
})

describe('members', () => {
  const rand = seededRandom(5)
  const emb = new Float64Array(10 * DIM)
  for (let i = 0; i < 10; i++) emb.set(randomUnit(rand), i * DIM)

  it('mean prior is the normalised mean', () => {
    const want = new Float64Array(DIM)
    for (let i = 0; i < 10; i++) for (let j = 0; j < DIM; j++) want[j] += emb[i * DIM + j]
    expect(maxDiff(meanPrior(emb, DIM), normalizeRows(want, DIM))).toBeLessThan(1e-12)
  })

  it('solves (K + λI) x = b', () => {
    const k = Float64Array.from([4, 1, 1, 3])
    const x = solveRidgeSystem(k, 2, 0.5, Float64Array.from([1, 2]), 1)
    expect(4.5 * x[0] + x[1]).toBeCloseTo(1, 12)
    expect(x[0] + 3.5 * x[1]).toBeCloseTo(2, 12)
  })

  it('ridge recovers a linear map, and the dual path equals the fitted head', () => {
    const f = 6
    const n = 30
    const x = new Float64Array(n * f)
    for (let i = 0; i < n; i++) x.set(randomUnit(rand, f), i * f)
    const w = Float64Array.from({ length: f * DIM }, () => rand() - 0.5)
    const y = normalizeRows(matMulT(x, transposeOf(w, f, DIM), n, f, DIM), DIM)
    const head = fitRidge(x, y, f, DIM, 1e-6)
    expect(meanCosine(ridgePredict(head, x, f, DIM), y, DIM)).toBeGreaterThan(0.99)
    const q = x.slice(0, 5 * f)
    const [viaPath] = ridgePath(x, y, q, f, DIM, [0.3])
    expect(maxDiff(viaPath, ridgePredict(fitRidge(x, y, f, DIM, 0.3), q, f, DIM))).toBeLessThan(1e-9)
  })

  it('kNN with k=1 returns the nearest row’s embedding; a high temperature averages', () => {
    const feats = new Float64Array(10 * 8)
    for (let i = 0; i < 10; i++) feats.set(randomUnit(rand, 8), i * 8)
    const sims = matMulT(feats.slice(3 * 8, 4 * 8), feats, 1, 8, 10)
    expect(maxDiff(knnFromSimilarities(sims, 10, emb, DIM, 1, 0.05), emb.slice(3 * DIM, 4 * DIM))).toBeLessThan(1e-12)
    expect(maxDiff(knnFromSimilarities(sims, 10, emb, DIM, 10, 1e9), meanPrior(emb, DIM))).toBeLessThan(1e-6)
  })

  it('the interrogator follows a confident class', () => {
    const classes = 5
    const logits = Float64Array.from([0, 0, 30, 0, 0])
    const cls = emb.slice(0, classes * DIM)
    expect(maxDiff(interrogatorPredict(logits, cls, classes, DIM, 1), cls.slice(2 * DIM, 3 * DIM))).toBeLessThan(1e-9)
  })

  it('combineMembers weights and normalises', () => {
    const a = emb.slice(0, DIM)
    const b = emb.slice(DIM, 2 * DIM)
    expect(maxDiff(combineMembers([a, b], [1, 0], DIM), a)).toBeLessThan(1e-12)
    expect(maxDiff(combineMembers([a, b], [0.5, 0.5], DIM), combineMembers([a, b], [3, 3], DIM))).toBeLessThan(1e-12)
  })

  it('the weight grid covers the simplex', () => {
    const g = simplexGrid(4, 0.25)
    expect(g).toHaveLength(35)
    for (const w of g) expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12)
  })
})

function transposeOf(m: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(m.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]
  return out
}

/** Synthetic backbone outputs: 4 "scenes" (feature cluster + prompt cluster), `n` images. */
function synthetic(n: number, seed: number, informative = true) {
  const rand = seededRandom(seed)
  const featureDim = 16
  const classes = 8
  const scenes = Array.from({ length: 4 }, () => ({ f: randomUnit(rand, featureDim), e: randomUnit(rand), c: Math.floor(rand() * classes) }))
  const features = new Float64Array(n * featureDim)
  const logits = new Float64Array(n * classes)
  const embeddings = new Float64Array(n * DIM)
  const groups: string[] = []
  for (let i = 0; i < n; i++) {
    const s = scenes[i % 4]
    features.set(s.f.map((v) => v + (rand() - 0.5) * 0.1), i * featureDim)
    for (let c = 0; c < classes; c++) logits[i * classes + c] = (c === s.c ? 5 : 0) + rand()
    const truth = informative ? s.e : scenes[0].e
    embeddings.set(normalizeRows(truth.map((v) => v + (rand() - 0.5) * 0.1), DIM), i * DIM)
    groups.push(`p${Math.floor(i / 2)}`)
  }
  return { featureDim, classes, outputs: { features, logits } as ImageOutputs, embeddings, groups, scenes }
}

const SMALL_GRID: CvGrid = { ridgeLambda: [0.1, 1], knnK: [1, 5], knnTemperature: [0.05, 1], interrogatorTemperature: [1, 4], weightStep: 0.25, flip: [false] }

describe('crossValidate', () => {
  it('weights the image members when images predict the prompt; without that the ensemble is the prior', () => {
    const good = synthetic(60, 9)
    const noClassInfo = new Map([['t', new Float64Array(good.classes * DIM)]])
    const input = { featureDim: good.featureDim, classes: good.classes, dim: DIM, classEmbeddings: noClassInfo, folds: 5, seed: 1, grid: SMALL_GRID }
    const r = crossValidate({ ...input, outputs: good.outputs, embeddings: good.embeddings, groups: good.groups })
    const score = (name: string) => r.members.find((m) => m.name === name)?.cvScore ?? NaN
    // The truth is noisy (±0.05 per component: two images of one scene agree to about 0.87).
    expect(score('knn')).toBeGreaterThan(0.8)
    expect(score('knn')).toBeGreaterThan(score('prior') + 0.3)
    expect(r.ensemble).toBeGreaterThanOrEqual(Math.max(score('knn'), score('ridge')) - 1e-9)
    // (The interrogator's class embeddings are zero here, so its weight only rescales the sum.)
    const w = r.params.weights
    expect((w.knn + w.ridge) / (w.knn + w.ridge + w.prior)).toBeGreaterThan(0.5)
    const noise = synthetic(60, 9, false)
    const bad = crossValidate({ ...input, outputs: noise.outputs, embeddings: noise.embeddings, groups: noise.groups })
    // Truth unrelated to the images: no member beats the prior by much, nor does the ensemble.
    const badPrior = bad.members.find((m) => m.name === 'prior')?.cvScore ?? NaN
    expect(badPrior).toBeGreaterThan(0.8)
    expect(bad.ensemble - badPrior).toBeLessThan(0.01)
    expect(r.ensemble - (r.members.find((m) => m.name === 'prior')?.cvScore ?? NaN)).toBeGreaterThan(0.3)
    expect(crossValidate({ ...input, outputs: noise.outputs, embeddings: noise.embeddings, groups: noise.groups })).toEqual(bad)
  })

  it('keeps a prompt’s images out of its own training folds (a duplicate does not leak)', () => {
    const d = synthetic(40, 4, false)
    // Give each pair of images (one group) its own random prompt and identical features: only a
    // leaking split could predict the prompt from the twin image.
    const rand = seededRandom(77)
    for (let i = 0; i < 40; i += 2) {
      const e = randomUnit(rand)
      d.embeddings.set(e, i * DIM)
      d.embeddings.set(e, (i + 1) * DIM)
      const f = (d.outputs.features as Float64Array).slice(i * d.featureDim, (i + 1) * d.featureDim)
      ;(d.outputs.features as Float64Array).set(f, (i + 1) * d.featureDim)
    }
    const cls = new Map([['t', new Float64Array(d.classes * DIM)]])
    const grouped = crossValidate({ outputs: d.outputs, featureDim: d.featureDim, classes: d.classes, embeddings: d.embeddings, dim: DIM, classEmbeddings: cls, groups: d.groups, folds: 5, seed: 1, grid: SMALL_GRID })
    const leaky = crossValidate({ outputs: d.outputs, featureDim: d.featureDim, classes: d.classes, embeddings: d.embeddings, dim: DIM, classEmbeddings: cls, groups: d.groups.map((_, i) => `img${i}`), folds: 5, seed: 1, grid: SMALL_GRID })
    // Split by image, most twins (4 in 5) sit in another fold and give their prompt away.
    expect(leaky.members.find((m) => m.name === 'knn')?.cvScore).toBeGreaterThan(0.7)
    expect(grouped.members.find((m) => m.name === 'knn')?.cvScore).toBeLessThan(0.3)
  })
})

describe('findOverlaps', () => {
  it('reports same bytes and same normalised prompt, once per pair', () => {
    const train = [
      { id: 't1', sha256: 'aa', prompt: 'A cat, on a mat.' },
      { id: 't2', sha256: 'bb', prompt: 'a dog' },
      { id: 't3', sha256: 'cc', prompt: 'a CAT on a  mat' },
      { id: 't4', sha256: 'dd', prompt: 'something else' },
    ]
    const hidden = [
      { id: 'h1', sha256: 'bb', prompt: 'a dog' },
      { id: 'h2', sha256: 'ee', prompt: 'a cat on a mat' },
    ]
    expect(findOverlaps(train, hidden)).toEqual([
      { trainId: 't2', hiddenId: 'h1', reason: 'same-file' },
      { trainId: 't1', hiddenId: 'h2', reason: 'same-prompt' },
      { trainId: 't3', hiddenId: 'h2', reason: 'same-prompt' },
    ])
    expect(normalizePrompt('  Ｆｕｌｌ-width!  ')).toBe('full width')
    expect(findOverlaps(train.slice(3), hidden)).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------
// Export: a stand-in backbone with EfficientNet-Lite2's interface (image [N,3,260,260] →
// features [N,1280] ≥ 0, logits [N,1000]) so the composed graph is the real one.

const POOL = 65
const CELLS = 3 * (BACKBONE_IMAGE_SIZE / POOL) ** 2

function standInBackbone(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'image', shape: ['batch', 3, BACKBONE_IMAGE_SIZE, BACKBONE_IMAGE_SIZE] }],
    outputs: [
      { name: 'features', shape: ['batch', BACKBONE_FEATURE_DIM] },
      { name: 'logits', shape: ['batch', CLASS_COUNT] },
    ],
    initializers: [
      { name: 'W1', dims: [CELLS, BACKBONE_FEATURE_DIM], data: seededFloats(CELLS * BACKBONE_FEATURE_DIM, 11) },
      { name: 'W2', dims: [BACKBONE_FEATURE_DIM, CLASS_COUNT], data: seededFloats(BACKBONE_FEATURE_DIM * CLASS_COUNT, 12).map((v) => v * 0.2) },
    ],
    nodes: [
      // A non-symmetric pooling grid, so a mirrored image gives different features.
      { op: 'AveragePool', inputs: ['image'], outputs: ['pooled'], attrs: { kernel_shape: { ints: [POOL, POOL] }, strides: { ints: [POOL, POOL] } } },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attrs: { axis: { i: 1 } } },
      { op: 'MatMul', inputs: ['flat', 'W1'], outputs: ['h'] },
      { op: 'Relu', inputs: ['h'], outputs: ['features'] },
      { op: 'MatMul', inputs: ['features', 'W2'], outputs: ['logits'] },
    ],
    opset: 17,
  })
}

/** Random smooth-ish images as a preprocessed tensor [n, 3, 260, 260] in -1..1. */
function randomImages(n: number, seed: number): Float32Array {
  const rand = seededRandom(seed)
  const s = BACKBONE_IMAGE_SIZE
  const out = new Float32Array(n * 3 * s * s)
  for (let b = 0; b < n; b++) {
    const a = Array.from({ length: 6 }, () => rand() * 4)
    for (let c = 0; c < 3; c++) for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) out[((b * 3 + c) * s + y) * s + x] = Math.sin(a[c] * (x / s) + a[c + 3] * (y / s) * (c + 1) + b)
  }
  return out
}

async function run(session: ort.InferenceSession, x: Float32Array, n: number): Promise<Record<string, Float32Array>> {
  const out = await session.run({ image: new ort.Tensor('float32', x, [n, 3, BACKBONE_IMAGE_SIZE, BACKBONE_IMAGE_SIZE]) })
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]))
}

async function backboneOutputs(backbone: ort.InferenceSession, x: Float32Array, n: number): Promise<Required<ImageOutputs>> {
  const plain = await run(backbone, x, n)
  const flipped = await run(backbone, flipHorizontal(x, n), n)
  return { features: plain.features, logits: plain.logits, flippedFeatures: flipped.features, flippedLogits: flipped.logits }
}

describe('exportEnsembleOnnx', async () => {
  const bytes = standInBackbone()
  const backbone = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] })
  const nTrain = 24
  const trainX = randomImages(nTrain, 1)
  const trainOut = await backboneOutputs(backbone, trainX, nTrain)
  const rand = seededRandom(2)
  const embeddings = new Float32Array(nTrain * DIM)
  for (let i = 0; i < nTrain; i++) embeddings.set(randomUnit(rand), i * DIM)
  const classEmbeddings = new Float32Array(CLASS_COUNT * DIM)
  for (let i = 0; i < CLASS_COUNT; i++) classEmbeddings.set(randomUnit(rand), i * DIM)
  const { ensemble } = fitEnsemble({
    outputs: trainOut,
    featureDim: BACKBONE_FEATURE_DIM,
    classes: CLASS_COUNT,
    embeddings,
    dim: DIM,
    classEmbeddings: new Map([['{name}', classEmbeddings]]),
    groups: Array.from({ length: nTrain }, (_, i) => `g${i % 12}`),
    folds: 3,
    seed: 1,
    grid: { ...SMALL_GRID, flip: [true] },
  })
  const nQuery = 3
  const queryX = randomImages(nQuery, 3)
  const queryOut = await backboneOutputs(backbone, queryX, nQuery)

  const variants: [string, Partial<EnsembleParams>][] = [
    ['as fitted (flip, TopK kNN)', {}],
    ['no flip, kNN over all rows, all four members', { flip: false, knnK: nTrain, weights: { ridge: 0.3, knn: 0.3, interrogator: 0.2, prior: 0.2 } }],
    ['TopK kNN with a sharp softmax', { knnK: 3, knnTemperature: 0.01, weights: { ridge: 0, knn: 1, interrogator: 0, prior: 0 } }],
    ['interrogator and prior only', { weights: { ridge: 0, knn: 0, interrogator: 0.5, prior: 0.5 } }],
    ['the prior alone', { flip: false, weights: { ridge: 0, knn: 0, interrogator: 0, prior: 1 } }],
  ]
  for (const [name, change] of variants) {
    it(`equals the TypeScript reference within 1e-5: ${name}`, async () => {
      const model: FittedEnsemble = { ...ensemble, params: { ...ensemble.params, ...change } }
      const onnx = exportEnsembleOnnx(bytes, model, { description: 'test' })
      const session = await ort.InferenceSession.create(onnx, { executionProviders: ['cpu'] })
      const got = (await run(session, queryX, nQuery)).embedding
      const want = predictEnsemble(model, queryOut)
      expect(got.length).toBe(nQuery * DIM)
      expect(maxDiff(got, want)).toBeLessThan(1e-5)
      for (let i = 0; i < nQuery; i++) expect(Math.hypot(...got.subarray(i * DIM, (i + 1) * DIM))).toBeCloseTo(1, 5)
      await session.release()
    })
  }

  it('the fitted parameters matter: a different ensemble gives different embeddings', async () => {
    const a = exportEnsembleOnnx(bytes, { ...ensemble, params: { ...ensemble.params, weights: { ridge: 1, knn: 0, interrogator: 0, prior: 0 } } }, { description: 'a' })
    const b = exportEnsembleOnnx(bytes, { ...ensemble, params: { ...ensemble.params, weights: { ridge: 0, knn: 0, interrogator: 1, prior: 0 } } }, { description: 'a' })
    const sa = await ort.InferenceSession.create(a, { executionProviders: ['cpu'] })
    const sb = await ort.InferenceSession.create(b, { executionProviders: ['cpu'] })
    expect(maxDiff((await run(sa, queryX, nQuery)).embedding, (await run(sb, queryX, nQuery)).embedding)).toBeGreaterThan(0.01)
  })

  it('is deterministic: the same fitted model gives the same bytes', () => {
    const again = fitEnsemble({
      outputs: trainOut,
      featureDim: BACKBONE_FEATURE_DIM,
      classes: CLASS_COUNT,
      embeddings,
      dim: DIM,
      classEmbeddings: new Map([['{name}', classEmbeddings]]),
      groups: Array.from({ length: nTrain }, (_, i) => `g${i % 12}`),
      folds: 3,
      seed: 1,
      grid: { ...SMALL_GRID, flip: [true] },
    }).ensemble
    const a = exportEnsembleOnnx(bytes, ensemble, { description: 'same' })
    const b = exportEnsembleOnnx(bytes, again, { description: 'same' })
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    expect(Buffer.from(a).equals(Buffer.from(exportEnsembleOnnx(bytes, ensemble, { description: 'other' })))).toBe(false)
  })
})
