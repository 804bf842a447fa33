import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fitBaseline, parseBaseline, predictBaseline, serializeBaseline, embedTrainPrompts, type BaselineTrainItem } from '../../scoring/baseline/baseline.ts'
import { crossValidate, groupFolds } from '../../scoring/baseline/cv.ts'
import { seededRandom } from '../../scoring/random.ts'
import { FEATURE_DIM, featuresFromPixels } from '../../scoring/baseline/features.ts'
import { combineMembers, knnPredict, meanPrior } from '../../scoring/baseline/members.ts'
import { normalizeRows } from '../../scoring/baseline/vectors.ts'
import type { Embedder } from '../../scoring/embedder.ts'

const DIM = 384

function randomUnit(rand: () => number, dim = DIM): Float32Array {
  return normalizeRows(Float32Array.from({ length: dim }, () => rand() * 2 - 1), dim)
}

const close = (a: Float32Array, b: Float32Array, tol = 1e-5) => {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  expect(m).toBeLessThanOrEqual(tol)
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
  const emb = new Float32Array(10 * DIM)
  for (let i = 0; i < 10; i++) emb.set(randomUnit(rand), i * DIM)

  it('mean prior is the normalised mean', () => {
    const m = meanPrior(emb, DIM)
    const want = new Float32Array(DIM)
    for (let i = 0; i < 10; i++) for (let j = 0; j < DIM; j++) want[j] += emb[i * DIM + j]
    close(m, normalizeRows(want, DIM))
  })

  it('kNN with k=1 returns the exact duplicate’s embedding', () => {
    const feats = new Float32Array(10 * 8)
    for (let i = 0; i < 10; i++) feats.set(randomUnit(rand, 8), i * 8)
    const q = feats.slice(3 * 8, 4 * 8)
    close(knnPredict({ features: feats, featureDim: 8, embeddings: emb, dim: DIM }, q, 1), emb.slice(3 * DIM, 4 * DIM))
  })

  it('combineMembers weights and normalises', () => {
    const a = emb.slice(0, DIM)
    const b = emb.slice(DIM, 2 * DIM)
    close(combineMembers([a, b], [1, 0], DIM), a)
    const mix = combineMembers([a, b], [0.5, 0.5], DIM)
    expect(Math.hypot(...mix)).toBeCloseTo(1, 5)
    close(mix, combineMembers([a, b], [3, 3], DIM))
  })

  it('features are unit length', () => {
    const f = featuresFromPixels(new Uint8Array(8 * 8 * 3).map((_, i) => i * 7), new Uint8Array(32 * 32 * 3).map((_, i) => i * 13), new Uint8Array(32 * 32).map((_, i) => (i * 31) % 251))
    expect(f.length).toBe(FEATURE_DIM)
    expect(Math.hypot(...f)).toBeCloseTo(1, 5)
  })
})

describe('crossValidate', () => {
  it('prefers kNN when image features predict the prompt, the prior when they do not', () => {
    const rand = seededRandom(9)
    const clusters = Array.from({ length: 4 }, () => ({ f: randomUnit(rand, 16), e: randomUnit(rand) }))
    const n = 60
    const features = new Float32Array(n * 16)
    const informative = new Float32Array(n * DIM)
    const noise = new Float32Array(n * DIM)
    for (let i = 0; i < n; i++) {
      const c = clusters[i % 4]
      features.set(normalizeRows(c.f.map((v) => v + (rand() - 0.5) * 0.1), 16), i * 16)
      informative.set(normalizeRows(c.e.map((v) => v + (rand() - 0.5) * 0.05), DIM), i * DIM)
      noise.set(normalizeRows(clusters[0].e.map((v) => v + (rand() - 0.5) * 0.2), DIM), i * DIM)
    }
    const groups = Array.from({ length: n }, (_, i) => `p${i}`)
    const good = crossValidate({ features, featureDim: 16, embeddings: informative, dim: DIM, groups, folds: 5, seed: 1 })
    const knn = good.members.find((m) => m.name === 'knn')
    const prior = good.members.find((m) => m.name === 'mean-prior')
    expect(knn!.cvScore).toBeGreaterThan(0.95)
    expect(knn!.cvScore).toBeGreaterThan(prior!.cvScore)
    expect(good.ensemble).toBeGreaterThanOrEqual(knn!.cvScore - 1e-9)
    expect(good.weights.knn + good.weights['mean-prior']).toBeCloseTo(1, 9)
    expect(good.weights.knn).toBeGreaterThan(0.5)
    const bad = crossValidate({ features, featureDim: 16, embeddings: noise, dim: DIM, groups, folds: 5, seed: 1 })
    expect(bad.weights['mean-prior']).toBeGreaterThan(0.5)
    expect(crossValidate({ features, featureDim: 16, embeddings: noise, dim: DIM, groups, folds: 5, seed: 1 })).toEqual(bad)
  })
})

describe('fitBaseline / predictBaseline', () => {
  let dir = ''
  const train: BaselineTrainItem[] = []
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'arena-baseline-'))
    const rand = seededRandom(3)
    for (let i = 0; i < 12; i++) {
      const px = Buffer.from(Uint8Array.from({ length: 24 * 24 * 3 }, () => Math.floor(rand() * 256)))
      const file = path.join(dir, `img${i}.png`)
      await sharp(px, { raw: { width: 24, height: 24, channels: 3 } }).png().toFile(file)
      train.push({ id: `img${i}`, imagePath: file, promptEmbedding: randomUnit(rand), group: `g${i}` })
    }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('recovers an exact duplicate image’s prompt embedding and round-trips through JSON', async () => {
    const { model, report } = await fitBaseline({ train, folds: 3, seed: 1, grid: { k: [1], knnWeight: [1] } })
    expect(report.k).toBe(1)
    expect(model.weights).toEqual({ knn: 1, 'mean-prior': 0 })
    const dup = path.join(dir, 'dup.png')
    copyFileSync(train[5].imagePath, dup)
    const progress: number[] = []
    const pred = await predictBaseline(model, [{ id: 'q', path: dup }], (d) => progress.push(d))
    close(pred, train[5].promptEmbedding)
    expect(progress).toEqual([1])
    const parsed = parseBaseline(serializeBaseline(model))
    if (!parsed.ok) throw new Error(parsed.error.message)
    close(await predictBaseline(parsed.model, [{ id: 'q', path: dup }]), pred, 0)
    expect(parseBaseline('{"format":"nope"}').ok).toBe(false)
  })

  it('with weight only on the prior, predicts the mean embedding', async () => {
    const { model } = await fitBaseline({ train, folds: 3, seed: 1, grid: { k: [3], knnWeight: [0] } })
    const all = new Float32Array(train.length * DIM)
    train.forEach((t, i) => all.set(t.promptEmbedding, i * DIM))
    const pred = await predictBaseline(model, [{ id: 'a', path: train[0].imagePath }])
    close(pred, meanPrior(all, DIM))
  })

  it('embedTrainPrompts embeds each distinct prompt once and groups by prompt', async () => {
    const calls: string[][] = []
    const fake: Embedder = {
      dim: 4,
      provider: 'cpu',
      embed: async (texts) => {
        calls.push([...texts])
        return Float32Array.from(texts.flatMap((t) => [t.length, 1, 0, 0]))
      },
      close: async () => undefined,
    }
    const items = await embedTrainPrompts(fake, [
      { id: 'a', imagePath: 'a.png', prompt: 'cat' },
      { id: 'b', imagePath: 'b.png', prompt: 'a dog' },
      { id: 'c', imagePath: 'c.png', prompt: 'cat' },
    ])
    expect(calls).toEqual([['cat', 'a dog']])
    expect(items.map((i) => [i.id, i.group, Array.from(i.promptEmbedding)])).toEqual([
      ['a', 'cat', [3, 1, 0, 0]],
      ['b', 'a dog', [5, 1, 0, 0]],
      ['c', 'cat', [3, 1, 0, 0]],
    ])
  })
})
