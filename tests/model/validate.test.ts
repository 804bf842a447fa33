import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseManifest, parseManifestValue } from '../../scoring/model/manifest.ts'
import { parseOnnxModel } from '../../scoring/model/onnx-proto.ts'
import { validateModelFile, validateModelInfo } from '../../scoring/model/validate-model.ts'
import { buildModel, graphAttribute, type ModelSpec, POOLED, poolProjectModel, seededFloats, writeModelWithLargeInitializer } from './onnx-builder.ts'

const base = { inputName: 'image', outputName: 'emb', imageSize: 32, resize: 'center-crop', mean: [0, 0, 0], std: [1, 1, 1] }

function manifestOf(extra: Record<string, unknown> = {}) {
  const r = parseManifestValue({ ...base, ...extra })
  if (!r.ok) throw new Error(r.error.message)
  return r.manifest
}

async function info(bytes: Uint8Array) {
  const r = await parseOnnxModel(bytes)
  if (!r.ok) throw new Error(r.message)
  return r.info
}

describe('parseManifest', () => {
  it('fills defaults', () => {
    const m = manifestOf()
    expect(m).toMatchObject({ width: 32, height: 32, channelOrder: 'RGB', layout: 'NCHW', pixelRange: '0-1' })
  })
  it.each([
    [{ mean: [0, 0] }, 'Invalid model manifest: manifest.mean must have 3 numbers'],
    [{ std: [1, 0, 1] }, 'Invalid model manifest: manifest.std.1 must be > 0'],
    [{ resize: 'stretch' }, 'Invalid model manifest: manifest.resize must be "center-crop", "resize" or "pad"'],
    [{ layout: 'CHW' }, 'Invalid model manifest: manifest.layout must be "NCHW" or "NHWC"'],
    [{ inputName: 3 }, 'Invalid model manifest: manifest.inputName must be a string'],
    [{ extra: 1 }, 'Invalid model manifest: manifest: unknown field(s) "extra"'],
    [{ projection: { rows: 2, data: [1, 2] } }, 'Invalid model manifest: manifest.projection.data must have rows×384 = 768 numbers (got 2)'],
  ])('rejects %j', (extra, message) => {
    expect(parseManifestValue({ ...base, ...extra })).toEqual({ ok: false, error: { code: 'manifest_invalid', message } })
  })
  it('rejects non-JSON and non-objects', () => {
    expect(parseManifest('{').ok).toBe(false)
    expect(parseManifest('[1]')).toEqual({ ok: false, error: { code: 'manifest_invalid', message: 'Invalid model manifest: must be a JSON object' } })
  })
})

describe('parseOnnxModel + validateModelInfo', () => {
  const good = poolProjectModel({ weights: seededFloats(POOLED * 384, 1), outDim: 384 })

  it('reads opset, inputs, outputs, initializers', async () => {
    const i = await info(good)
    expect(i.irVersion).toBe(8)
    expect(i.opsets).toEqual([{ domain: '', version: 13 }])
    expect(i.inputs).toEqual([{ name: 'image', elemType: 1, shape: ['N', 3, 32, 32] }])
    expect(i.outputs).toEqual([{ name: 'emb', elemType: 1, shape: ['N', 384] }])
    expect([...i.initializerNames].sort()).toEqual(['W', 'zero'])
    expect([...i.opTypes].sort()).toEqual(['AveragePool', 'Flatten', 'Identity', 'MatMul'])
    expect(i.externalData).toBeNull()
    const v = validateModelInfo(i, manifestOf(), good.length)
    expect(v.ok && v.model).toMatchObject({ opset: 13, fixedBatch: null })
  })

  it('rejects truncated and random bytes', async () => {
    expect((await parseOnnxModel(good.subarray(0, good.length - 100))).ok).toBe(false)
    expect((await parseOnnxModel(new Uint8Array([1, 2, 3]))).ok).toBe(false)
  })

  it('names missing inputs and outputs', async () => {
    expect(validateModelInfo(await info(good), manifestOf({ inputName: 'pixels' }), 1)).toEqual({
      ok: false,
      error: { code: 'input_missing', message: "Model has no input 'pixels' (manifest.inputName); its inputs are 'image'" },
    })
    expect(validateModelInfo(await info(good), manifestOf({ outputName: 'out' }), 1)).toEqual({
      ok: false,
      error: { code: 'output_missing', message: "Model has no output 'out' (manifest.outputName); its outputs are 'emb'" },
    })
  })

  it('checks image size, layout and rank', async () => {
    const r = validateModelInfo(await info(good), manifestOf({ imageSize: 224 }), 1)
    expect(r.ok || r.error.message).toBe("Model input 'image' has shape [N, 3, 32, 32]; the manifest (NCHW, 224×224) needs [N, 3, 224, 224]")
    const nhwc = validateModelInfo(await info(good), manifestOf({ layout: 'NHWC' }), 1)
    expect(nhwc.ok).toBe(false)
    const rank2 = buildModel({ inputs: [{ name: 'image', shape: ['N', 3] }], outputs: [{ name: 'emb', shape: ['N', 384] }], nodes: [{ op: 'Identity', inputs: ['image'], outputs: ['emb'] }] })
    const r2 = validateModelInfo(await info(rank2), manifestOf(), 1)
    expect(r2.ok || r2.error.message).toBe("Model input 'image' has shape [N, 3]; expected rank 4 [N, 3, 32, 32] (NCHW)")
  })

  it('checks the output width against a projection and the opset range', async () => {
    const d16 = poolProjectModel({ weights: seededFloats(POOLED * 16, 1), outDim: 16 })
    expect(validateModelInfo(await info(d16), manifestOf({ projection: { rows: 16, data: Array(16 * 384).fill(0) } }), 1).ok).toBe(true)
    const r = validateModelInfo(await info(d16), manifestOf(), 1)
    expect(r.ok || r.error.message).toBe("Model output 'emb' has shape [N, 16]; expected [N, 384]")
    const old = buildModel({ inputs: [{ name: 'image', shape: ['N', 3, 32, 32] }], outputs: [{ name: 'emb', shape: null }], nodes: [], opset: 3 })
    const r3 = validateModelInfo(await info(old), manifestOf(), 1)
    expect(r3.ok || r3.error.message).toBe('Model uses opset 3; supported opsets are 7..23')
  })
})

describe('validateModelFile', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'arena-validate-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const W = seededFloats(POOLED * 384, 1)
  const io = { inputs: [{ name: 'image', shape: ['N', 3, 32, 32] }], outputs: [{ name: 'emb', shape: ['N', 384] }] }

  it('refuses ONNX external data on an initializer, before ONNX Runtime could open the named file', async () => {
    const model = buildModel({
      ...io,
      initializers: [{ name: 'W', dims: [POOLED, 384], externalFile: '../../../etc/passwd' }],
      nodes: [
        { op: 'Flatten', inputs: ['image'], outputs: ['flat'], attrs: { axis: { i: 1 } } },
        { op: 'MatMul', inputs: ['flat', 'W'], outputs: ['emb'] },
      ],
    })
    const file = path.join(dir, 'external.onnx')
    writeFileSync(file, model)
    const r = await validateModelFile(file, manifestOf())
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('external_data')
      expect(r.error.message).toMatch(/^Model keeps tensor data outside the \.onnx file \(external data, tensor 'W'\)/)
    }
  })

  it('refuses external data inside a subgraph (an If branch)', async () => {
    const branch = (name: string) =>
      graphAttribute(name, {
        inputs: [],
        outputs: [{ name: `${name}_out`, shape: ['N', 384] }],
        initializers: [{ name: `${name}_w`, dims: [384], externalFile: 'weights.bin' }],
        nodes: [{ op: 'Identity', inputs: [`${name}_w`], outputs: [`${name}_out`] }],
      })
    const model = buildModel({
      ...io,
      initializers: [{ name: 'cond', dims: [], int64: [1] }],
      nodes: [{ op: 'If', inputs: ['cond'], outputs: ['emb'], rawAttrs: [branch('then_branch'), branch('else_branch')] }],
    })
    const parsed = await parseOnnxModel(model)
    expect(parsed.ok && parsed.info.externalData).toBe('then_branch_w')
    expect(parsed.ok && [...parsed.info.opTypes].sort()).toEqual(['Identity', 'If'])
    const file = path.join(dir, 'external-sub.onnx')
    writeFileSync(file, model)
    const r = await validateModelFile(file, manifestOf())
    expect(r.ok || r.error.code).toBe('external_data')
  })

  it('names no server path when the file cannot be read', async () => {
    const r = await validateModelFile(path.join(dir, 'missing.onnx'), manifestOf())
    expect(r).toEqual({ ok: false, error: { code: 'model_unreadable', message: 'Model file cannot be read' } })
  })

  it('checks a model with 300 MB of weights without reading them into memory', async () => {
    const file = path.join(dir, 'large.onnx')
    const spec: ModelSpec = {
      ...io,
      initializers: [{ name: 'W', dims: [POOLED, 384], data: W }],
      nodes: [
        { op: 'AveragePool', inputs: ['image'], outputs: ['pooled'], attrs: { kernel_shape: { ints: [8, 8] }, strides: { ints: [8, 8] } } },
        { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attrs: { axis: { i: 1 } } },
        { op: 'MatMul', inputs: ['flat', 'W'], outputs: ['emb'] },
      ],
    }
    writeModelWithLargeInitializer(file, spec, 'big', 75_000_000)
    expect(statSync(file).size).toBeGreaterThan(300_000_000)
    const before = process.memoryUsage().rss
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
    const r = await validateModelFile(file, manifestOf())
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().rss)
    expect(r.ok && r.model.bytes).toBe(statSync(file).size)
    // Reading the file whole (as the check did before) adds 300 MB; streaming adds a few chunks.
    expect(peak - before).toBeLessThan(100 * 1024 * 1024)
    rmSync(file)
  })
})
