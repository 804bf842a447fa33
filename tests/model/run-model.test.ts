import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeRgb } from '../../scoring/model/preprocess.ts'
import { parseManifestValue, type ModelManifest } from '../../scoring/model/manifest.ts'
import { runModelOnImages, type RunLimits } from '../../scoring/model/run-model.ts'
import { validateModelFile } from '../../scoring/model/validate-model.ts'
import { buildModel, IMAGE_SIZE, POOL, POOLED, poolProjectModel, seededFloats } from './onnx-builder.ts'

const SAMPLE = path.resolve(import.meta.dirname, '../../../shared/data/kaggle-sample/images')
const haveImages = existsSync(SAMPLE)
const images = haveImages
  ? readdirSync(SAMPLE)
      .filter((f) => f.endsWith('.png'))
      .sort()
      .map((f) => ({ id: f.replace(/\.png$/, ''), path: path.join(SAMPLE, f) }))
  : []

const MEAN = [0.48, 0.46, 0.41] as const
const STD = [0.27, 0.26, 0.28] as const

function manifest(extra: Record<string, unknown> = {}): ModelManifest {
  const parsed = parseManifestValue({ inputName: 'image', outputName: 'emb', imageSize: IMAGE_SIZE, resize: 'center-crop', mean: MEAN, std: STD, ...extra })
  if (!parsed.ok) throw new Error(parsed.error.message)
  return parsed.manifest
}

const LIMITS: RunLimits = { wallTimeMs: 60_000, memoryMb: 2048, threads: 1, batchSize: 3 }
const W = seededFloats(POOLED * 384, 7)

/** Plain TypeScript re-computation of poolProjectModel: normalise, 8×8 average pool, ·W, L2. */
async function expected(imgPath: string): Promise<Float32Array> {
  const rgb = await decodeRgb(imgPath, { width: IMAGE_SIZE, height: IMAGE_SIZE, resize: 'center-crop' })
  const cells = IMAGE_SIZE / POOL
  const feat = new Float64Array(POOLED)
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < IMAGE_SIZE; y++)
      for (let x = 0; x < IMAGE_SIZE; x++) {
        const v = (rgb[(y * IMAGE_SIZE + x) * 3 + c] / 255 - MEAN[c]) / STD[c]
        feat[c * cells * cells + Math.floor(y / POOL) * cells + Math.floor(x / POOL)] += v / (POOL * POOL)
      }
  const out = new Float64Array(384)
  for (let k = 0; k < POOLED; k++) for (let j = 0; j < 384; j++) out[j] += feat[k] * W[k * 384 + j]
  const norm = Math.hypot(...out)
  return Float32Array.from(out, (v) => v / norm)
}

let dir = ''
const file = (name: string, bytes: Uint8Array) => {
  const p = path.join(dir, name)
  writeFileSync(p, bytes)
  return p
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'arena-model-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(!haveImages)('runModelOnImages', () => {
  it('embeds real images exactly like a plain TS re-computation, with progress', async () => {
    const modelPath = file('good.onnx', poolProjectModel({ weights: W, outDim: 384 }))
    const m = manifest()
    const valid = await validateModelFile(modelPath, m)
    expect(valid.ok).toBe(true)
    const progress: [number, number][] = []
    const res = await runModelOnImages({ modelPath, manifest: m, images, limits: LIMITS, executionProviders: ['cuda', 'cpu'], onProgress: (d, t) => progress.push([d, t]) })
    if (!res.ok) throw new Error(res.error.organizerDetail)
    expect(['cpu', 'cuda']).toContain(res.provider)
    expect(res.embeddings.length).toBe(images.length * 384)
    for (let i = 0; i < images.length; i++) {
      const want = await expected(images[i].path)
      const got = res.embeddings.subarray(i * 384, (i + 1) * 384)
      let maxDiff = 0
      for (let j = 0; j < 384; j++) maxDiff = Math.max(maxDiff, Math.abs(got[j] - want[j]))
      expect(maxDiff).toBeLessThan(1e-4)
    }
    expect(progress.at(-1)).toEqual([images.length, images.length])
    expect(progress.length).toBe(Math.ceil(images.length / LIMITS.batchSize))
  })

  it('applies a declared D×384 projection', async () => {
    const d = 16
    const w16 = seededFloats(POOLED * d, 3)
    const proj = seededFloats(d * 384, 4)
    const modelPath = file('proj.onnx', poolProjectModel({ weights: w16, outDim: d }))
    const m = manifest({ projection: { rows: d, data: Array.from(proj) } })
    expect((await validateModelFile(modelPath, m)).ok).toBe(true)
    const res = await runModelOnImages({ modelPath, manifest: m, images: images.slice(0, 2), limits: LIMITS, executionProviders: ['cpu'] })
    if (!res.ok) throw new Error(res.error.organizerDetail)
    for (let i = 0; i < 2; i++) {
      let ss = 0
      for (let j = 0; j < 384; j++) ss += res.embeddings[i * 384 + j] ** 2
      expect(Math.sqrt(ss)).toBeCloseTo(1, 5)
    }
  })

  it('rejects a malformed model file, then the next run succeeds', async () => {
    const modelPath = file('garbage.onnx', new Uint8Array(seededFloats(1000, 1).buffer))
    const bad = file('garbage2.onnx', new TextEncoder().encode('this is not an onnx model at all'))
    const v = await validateModelFile(bad, manifest())
    expect(v.ok).toBe(false)
    if (!v.ok) expect(v.error.code).toBe('model_malformed')
    for (const p of [modelPath, bad]) {
      const res = await runModelOnImages({ modelPath: p, manifest: manifest(), images: images.slice(0, 1), limits: LIMITS, executionProviders: ['cpu'] })
      expect(res.ok).toBe(false)
      if (!res.ok) {
        expect(res.error.class).toBe('invalid_model')
        expect(res.error.participantMessage).toMatch(/^ONNX Runtime cannot load the model/)
        expect(res.started).toBe(false)
      }
    }
    const good = file('good2.onnx', poolProjectModel({ weights: W, outDim: 384 }))
    const ok = await runModelOnImages({ modelPath: good, manifest: manifest(), images: images.slice(0, 1), limits: LIMITS, executionProviders: ['cpu'] })
    expect(ok.ok).toBe(true)
  })

  it('reports a wrong output shape at validation and at run time', async () => {
    const declared = file('wide.onnx', poolProjectModel({ weights: seededFloats(POOLED * 512, 2), outDim: 512 }))
    const v = await validateModelFile(declared, manifest())
    expect(v).toEqual({ ok: false, error: { code: 'output_shape', message: "Model output 'emb' has shape [N, 512]; expected [N, 384]" } })
    // Undeclared output shape: validation cannot see it, the runner does.
    const hidden = file('wide-hidden.onnx', poolProjectModel({ weights: seededFloats(POOLED * 512, 2), outDim: 512, declaredOut: null }))
    expect((await validateModelFile(hidden, manifest())).ok).toBe(true)
    const res = await runModelOnImages({ modelPath: hidden, manifest: manifest(), images: images.slice(0, 2), limits: LIMITS, executionProviders: ['cpu'] })
    expect(res.ok).toBe(false)
    if (!res.ok) {
      // The participant learns the expected shape only; the organizer sees what came out.
      expect(res.error.class).toBe('output_shape')
      expect(res.error.participantMessage).toBe('Model output has the wrong shape or type; expected float32 [N, 384]')
      expect(res.error.organizerDetail).toContain('float32 shape [2, 512] for a batch of 2')
      expect(res.started).toBe(true)
    }
  })

  it('kills a model that runs past its time cap and stays healthy', async () => {
    const modelPath = file('slow.onnx', poolProjectModel({ weights: W, outDim: 384, heavyMatMuls: 400 }))
    expect((await validateModelFile(modelPath, manifest())).ok).toBe(true)
    const t0 = performance.now()
    const res = await runModelOnImages({ modelPath, manifest: manifest(), images: images.slice(0, 2), limits: { ...LIMITS, wallTimeMs: 300 }, executionProviders: ['cpu'] })
    expect(performance.now() - t0).toBeLessThan(20_000)
    expect(res).toMatchObject({ ok: false, started: true, error: { class: 'time_limit', participantMessage: 'The model run exceeded its time limit' } })
    const good = file('good3.onnx', poolProjectModel({ weights: W, outDim: 384 }))
    const ok = await runModelOnImages({ modelPath: good, manifest: manifest(), images, limits: LIMITS, executionProviders: ['cpu'] })
    expect(ok.ok).toBe(true)
  })

  it('kills a model that goes past its memory cap', async () => {
    // 300M floats = 1.2 GB for the Expand output; cap 600 MiB.
    const modelPath = file('hog.onnx', poolProjectModel({ weights: W, outDim: 384, expandFloats: 300_000_000 }))
    const res = await runModelOnImages({ modelPath, manifest: manifest(), images: images.slice(0, 1), limits: { ...LIMITS, memoryMb: 600 }, executionProviders: ['cpu'] })
    expect(res.ok).toBe(false)
    if (!res.ok) {
      expect(res.error.class).toBe('memory_limit')
      expect(res.error.participantMessage).toBe('The model run exceeded its memory limit')
    }
    const good = file('good4.onnx', poolProjectModel({ weights: W, outDim: 384 }))
    expect((await runModelOnImages({ modelPath: good, manifest: manifest(), images: images.slice(0, 1), limits: LIMITS })).ok).toBe(true)
  })

  it('treats an undecodable image as an internal failure, named for the organizer only', async () => {
    const broken = file('broken.png', new TextEncoder().encode('not a png'))
    const good = file('good5.onnx', poolProjectModel({ weights: W, outDim: 384 }))
    const res = await runModelOnImages({ modelPath: good, manifest: manifest(), images: [images[0], { id: 'img_broken', path: broken }], limits: LIMITS, executionProviders: ['cpu'] })
    expect(res.ok).toBe(false)
    if (!res.ok) {
      expect(res.error.class).toBe('internal')
      expect(res.error.participantMessage).not.toContain('img_broken')
      expect(res.error.organizerDetail).toMatch(/image: Image '#1' cannot be decoded/)
    }
  })
})

describe('runModelOnImages before any run', () => {
  it('refuses a model with external data without starting the runner (stored before the pre-check refused it)', async () => {
    const modelPath = file('external.onnx', buildModel({
      inputs: [{ name: 'image', shape: ['N', 3, IMAGE_SIZE, IMAGE_SIZE] }],
      outputs: [{ name: 'emb', shape: ['N', 384] }],
      initializers: [{ name: 'W', dims: [POOLED, 384], externalFile: '/etc/passwd' }],
      nodes: [{ op: 'Identity', inputs: ['W'], outputs: ['emb'] }],
    }))
    const res = await runModelOnImages({ modelPath, manifest: manifest(), images: [{ id: 'a', path: modelPath }], limits: LIMITS })
    expect(res).toMatchObject({ ok: false, started: false, error: { class: 'invalid_model' } })
    if (!res.ok) {
      expect(res.error.organizerDetail).toBe("model uses external data (tensor 'W')")
      expect(res.error.participantMessage).not.toContain('passwd')
    }
  })
})

describe.skipIf(!haveImages)('runModelOnImages when ONNX Runtime refuses the model', () => {
  it('gives the participant a fixed message and the organizer the runtime text with its server path', async () => {
    const modelPath = file('unknown-op.onnx', buildModel({
      inputs: [{ name: 'image', shape: ['N', 3, IMAGE_SIZE, IMAGE_SIZE] }],
      outputs: [{ name: 'emb', shape: ['N', 384] }],
      nodes: [{ op: 'NoSuchOperator', inputs: ['image'], outputs: ['emb'] }],
    }))
    expect((await validateModelFile(modelPath, manifest())).ok).toBe(true)
    const res = await runModelOnImages({ modelPath, manifest: manifest(), images: images.slice(0, 1), limits: LIMITS, executionProviders: ['cpu'] })
    expect(res).toMatchObject({ ok: false, error: { class: 'invalid_model', participantMessage: expect.stringMatching(/^ONNX Runtime cannot load the model/) } })
    if (!res.ok) {
      expect(res.error.organizerDetail).toMatch(/NoSuchOperator/)
      expect(res.error.participantMessage).not.toMatch(/NoSuchOperator|\//)
    }
  })
})
