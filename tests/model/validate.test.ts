import { describe, expect, it } from 'vitest'
import { parseManifest, parseManifestValue } from '../../scoring/model/manifest.ts'
import { parseOnnxModel } from '../../scoring/model/onnx-proto.ts'
import { validateModelInfo } from '../../scoring/model/validate-model.ts'
import { buildModel, POOLED, poolProjectModel, seededFloats } from './onnx-builder.ts'

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
