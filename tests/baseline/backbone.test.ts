// The prepared EfficientNet-Lite2 backbone (`npm run models:prepare`): its files match their
// manifest, onnxruntime-node reproduces torch's outputs, the export is reproducible byte for byte,
// and the baseline exported on top of it equals the TypeScript reference on real images.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, describe, expect, it } from 'vitest'
import { BACKBONE_FEATURE_DIM, BACKBONE_IMAGE_SIZE, CLASS_COUNT, extractBackbone, openBackbone, preprocessImages, readClassNames, resolveVisionModelDir } from '../../scoring/baseline/backbone.ts'
import type { ImageOutputs } from '../../scoring/baseline/cv.ts'
import { fitEnsemble, predictEnsemble } from '../../scoring/baseline/ensemble.ts'
import { exportEnsembleOnnx } from '../../scoring/baseline/export-onnx.ts'
import { normalizeRows } from '../../scoring/baseline/members.ts'
import { seededRandom } from '../../scoring/random.ts'

const REPO = path.resolve(import.meta.dirname, '../..')
const dir = (() => {
  try {
    return resolveVisionModelDir(process.env.ARENA_MODELS_DIR, REPO)
  } catch {
    return ''
  }
})()
if (!dir && process.env.CI) throw new Error('efficientnet-lite2 is not prepared (run `npm run models:prepare`); CI must run the backbone tests')
const MIX = path.resolve(REPO, '../shared/data/sd-github-mix/images')
const PYTHON = path.join(REPO, '.venv', 'bin', 'python')
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** prepare_models.py's reference_input(n, size), rebuilt: sin(0.05(x+1)(c+1) + 0.07(y+1)(b+1)). */
function referenceInput(n: number, size: number): Float32Array {
  const out = new Float32Array(n * 3 * size * size)
  for (let b = 0; b < n; b++) for (let c = 0; c < 3; c++) for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out[((b * 3 + c) * size + y) * size + x] = Math.sin(0.05 * (x + 1) * (c + 1) + 0.07 * (y + 1) * (b + 1))
  return out
}

describe.skipIf(!dir)(`the prepared backbone${dir ? '' : ' (skipped: efficientnet-lite2 not prepared here)'}`, () => {
  it('matches its MANIFEST.json and SHA256SUMS, and ships its licences and 1000 class names', async () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'MANIFEST.json'), 'utf8')) as { files: Record<string, { sha256: string; bytes: number }>; details: { weights_sha256: string; deterministic_export: boolean } }
    for (const [name, f] of Object.entries(manifest.files)) expect(sha256(readFileSync(path.join(dir, name)))).toBe(f.sha256)
    const sums = readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8')
    expect(sums).toContain(`${manifest.files['model.onnx'].sha256}  model.onnx`)
    expect(manifest.details.weights_sha256).toBe('9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d')
    expect(manifest.details.deterministic_export).toBe(true)
    expect(readdirSync(dir).filter((f) => f.startsWith('LICENSE-'))).toHaveLength(3)
    const names = await readClassNames(dir)
    expect(names[0]).toBe('tench')
    expect(names).toHaveLength(CLASS_COUNT)
  })

  it('onnxruntime-node reproduces torch on the reference input', async () => {
    const ref = JSON.parse(readFileSync(path.join(dir, 'reference.json'), 'utf8')) as { features: number[][]; logits: number[][] }
    const backbone = await openBackbone(path.join(dir, 'model.onnx'), { providers: ['cpu'] })
    try {
      const out = await backbone.runTensor(referenceInput(2, BACKBONE_IMAGE_SIZE), 2)
      let worst = 0
      for (let b = 0; b < 2; b++) {
        for (let j = 0; j < BACKBONE_FEATURE_DIM; j++) worst = Math.max(worst, Math.abs(out.features[b * BACKBONE_FEATURE_DIM + j] - ref.features[b][j]))
        for (let j = 0; j < CLASS_COUNT; j++) worst = Math.max(worst, Math.abs(out.logits[b * CLASS_COUNT + j] - ref.logits[b][j]))
      }
      expect(worst).toBeLessThan(1e-3)
    } finally {
      await backbone.close()
    }
  })

  describe.skipIf(!existsSync(PYTHON))('the Python export step', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'arena-vision-'))
    afterAll(() => rmSync(out, { recursive: true, force: true }))
    it('exports the same bytes again', () => {
      const res = spawnSync(PYTHON, [path.join(REPO, 'scripts', 'prepare_models.py'), '--step', 'vision', '--out', out, '--threads', '1'], { encoding: 'utf8' })
      expect(res.status, res.stderr).toBe(0)
      expect(sha256(readFileSync(path.join(out, 'model.onnx')))).toBe(sha256(readFileSync(path.join(dir, 'model.onnx'))))
    }, 180_000)
  })

  describe.skipIf(!existsSync(MIX))('the exported baseline on real images', () => {
    it('equals the TypeScript reference within 1e-5', async () => {
      const files = readdirSync(MIX).sort().map((f) => path.join(MIX, f))
      const trainPaths = files.slice(0, 12)
      const queryPaths = files.slice(12, 15)
      const backbone = await openBackbone(path.join(dir, 'model.onnx'), { providers: ['cpu'] })
      const outputs = async (paths: string[]): Promise<Required<ImageOutputs>> => {
        const got = await extractBackbone(backbone, paths, { flip: true })
        if (!got.flipped) throw new Error('no flipped outputs')
        return { features: got.plain.features, logits: got.plain.logits, flippedFeatures: got.flipped.features, flippedLogits: got.flipped.logits }
      }
      const train = await outputs(trainPaths)
      const query = await outputs(queryPaths)
      await backbone.close()
      const rand = seededRandom(4)
      const unitRows = (n: number) => normalizeRows(Float32Array.from({ length: n * 384 }, () => rand() - 0.5), 384)
      const { ensemble } = fitEnsemble({
        outputs: train,
        featureDim: BACKBONE_FEATURE_DIM,
        classes: CLASS_COUNT,
        embeddings: unitRows(12),
        dim: 384,
        classEmbeddings: new Map([['{name}', unitRows(CLASS_COUNT)]]),
        groups: trainPaths.map((_, i) => `g${i % 6}`),
        folds: 3,
        seed: 1,
        grid: { ridgeLambda: [1], knnK: [3], knnTemperature: [0.05], interrogatorTemperature: [1], weightStep: 0.25, flip: [true] },
      })
      const model = { ...ensemble, params: { ...ensemble.params, weights: { ridge: 0.25, knn: 0.25, interrogator: 0.25, prior: 0.25 } } }
      const onnx = exportEnsembleOnnx(new Uint8Array(readFileSync(path.join(dir, 'model.onnx'))), model, { description: 'test' })
      const session = await ort.InferenceSession.create(onnx, { executionProviders: ['cpu'] })
      const x = await preprocessImages(queryPaths)
      const got = (await session.run({ image: new ort.Tensor('float32', x, [3, 3, BACKBONE_IMAGE_SIZE, BACKBONE_IMAGE_SIZE]) })).embedding.data as Float32Array
      await session.release()
      const want = predictEnsemble(model, query)
      let worst = 0
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]))
      expect(worst).toBeLessThan(1e-5)
    }, 120_000)
  })
})
