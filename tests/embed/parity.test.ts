import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMiniLmEmbedder, type MiniLmEmbedder } from '../../scoring/embed/index.ts'
import { HAVE_SHARED, loadKaggleSample, loadReference, maxAbsDiff, MODEL_DIR, SHARED_MODEL_DIR } from './model.ts'

const reference = loadReference()

describe.skipIf(!MODEL_DIR || !HAVE_SHARED)('all-MiniLM-L6-v2 parity with Python sentence-transformers', () => {
  let embedder: MiniLmEmbedder
  beforeAll(async () => {
    embedder = await loadMiniLmEmbedder({ modelDir: MODEL_DIR, batchSize: 8 })
  })
  afterAll(async () => {
    await embedder?.close()
  })

  it('reproduces the Kaggle host vectors of the 7 sample prompts within 1e-6', async () => {
    const sample = loadKaggleSample()
    const out = await embedder.embed(sample.prompts)
    let worst = 0
    sample.ids.forEach((id, i) => {
      const want = sample.vectors.get(id)
      expect(want, id).toHaveLength(384)
      worst = Math.max(worst, maxAbsDiff(out, want ?? [], i * 384))
    })
    console.log(`[parity] Kaggle sample: max abs diff ${worst.toExponential(3)} over ${sample.ids.length} x 384`)
    expect(worst).toBeLessThanOrEqual(1e-6)
  })

  it.skipIf(!reference)('matches reference.json: token ids exactly, vectors within 1e-5', async () => {
    const prompts = reference ?? []
    expect(prompts.length).toBeGreaterThan(20)
    const out = await embedder.embed(prompts.map((p) => p.text))
    let worst = 0
    prompts.forEach((p, i) => {
      expect(embedder.tokenizer.encode(p.text, embedder.maxLength), p.name).toEqual(p.input_ids)
      const d = maxAbsDiff(out, p.embedding, i * 384)
      expect(d, p.name).toBeLessThanOrEqual(1e-5)
      worst = Math.max(worst, d)
    })
    console.log(`[parity] reference.json: ${prompts.length} prompts, max abs diff ${worst.toExponential(3)}`)
  })

  it('gives the same vectors one at a time and batched (padding does not leak)', async () => {
    const texts = (reference ?? []).map((p) => p.text).concat(loadKaggleSample().prompts)
    const batched = await embedder.embed(texts)
    const single = await loadMiniLmEmbedder({ modelDir: MODEL_DIR, batchSize: 1 })
    try {
      const one = await single.embed(texts)
      expect(maxAbsDiff(batched, one)).toBeLessThanOrEqual(1e-6)
    } finally {
      await single.close()
    }
  })

  it('embeds the empty string and unit-normalises every vector', async () => {
    const out = await embedder.embed(['', '   ', 'a'])
    expect(out).toHaveLength(3 * 384)
    for (let r = 0; r < 3; r++) {
      let sq = 0
      for (let d = 0; d < 384; d++) sq += out[r * 384 + d] ** 2
      expect(Math.sqrt(sq)).toBeCloseTo(1, 6)
    }
    expect(embedder.tokenizer.encode('')).toEqual([101, 102])
    expect(embedder.provider).toBe('cpu')
    expect(embedder.dim).toBe(384)
  })

  it('reports progress and keeps input order', async () => {
    const texts = ['a long prompt with many many words in it to sort last', 'b', 'middle length prompt']
    const calls: [number, number][] = []
    const fwd = await embedder.embed(texts, (done, total) => calls.push([done, total]))
    const rev = await embedder.embed([...texts].reverse())
    expect(calls.at(-1)).toEqual([3, 3])
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(fwd, rev.subarray((2 - i) * 384, (3 - i) * 384), i * 384)).toBeLessThan(1e-6)
  })

  it('falls back to cpu when cuda is requested but unavailable', async () => {
    const e = await loadMiniLmEmbedder({ modelDir: MODEL_DIR, executionProviders: ['cuda', 'cpu'] })
    try {
      expect(['cuda', 'cpu']).toContain(e.provider)
      if (e.provider === 'cpu') expect(e.providerFallbacks[0]).toMatch(/^cuda:/)
      const v = await e.embed(['hello world'])
      expect(v).toHaveLength(384)
    } finally {
      await e.close()
    }
  })

  it('agrees with the published fp32 values in shared reference-vectors.json', async () => {
    type Ref = { sentence: string; first_dims: number[]; expected_tolerance: number | string }
    const refs = (JSON.parse(readFileSync(path.join(SHARED_MODEL_DIR, 'reference-vectors.json'), 'utf8')) as { vectors: Ref[] }).vectors
    // Only numeric tolerances are parity gates; the quantized-model (Xenova) values are informational.
    // 'I love burritos!' (an optimum issue report from 2022) is NOT reproduced by Python
    // sentence-transformers today either (first dim -0.00877 there and here vs -0.00617 published):
    // that post's numbers are not the fp32 truth. reference.json gates it against real ST instead.
    const notTruth = new Set(['I love burritos!'])
    const gated = refs.filter(
      (r): r is Ref & { expected_tolerance: number } => typeof r.expected_tolerance === 'number' && !notTruth.has(r.sentence),
    )
    expect(gated.length).toBeGreaterThanOrEqual(8)
    const out = await embedder.embed(gated.map((r) => r.sentence))
    gated.forEach((r, i) => {
      const d = maxAbsDiff(out, r.first_dims, i * 384)
      expect(d, r.sentence).toBeLessThanOrEqual(r.expected_tolerance)
    })
    const burritos = (reference ?? []).find((p) => p.text === 'I love burritos!')
    if (reference) expect(burritos, 'reference.json holds the burritos sentence').toBeDefined()
  })
})
