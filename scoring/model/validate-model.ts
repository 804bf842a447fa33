/**
 * Checks an uploaded ONNX model against its manifest before it is queued: the file parses, the
 * declared input/output exist with usable shapes, and the opset is one ONNX Runtime runs.
 * This reads only the protobuf header fields (see onnx-proto.ts); it never executes the model.
 */
import { open, stat } from 'node:fs/promises'
import { formatShape, modelFail, type ModelResult } from './errors.ts'
import { expectedOutputDim, type ModelManifest } from './manifest.ts'
import { parseOnnxModel, type OnnxDim, type OnnxModelInfo } from './onnx-proto.ts'

export const MAX_MODEL_BYTES = 1024 * 1024 * 1024
/** Default-domain opsets accepted (onnxruntime 1.30 runs 7..23). */
export const MIN_OPSET = 7
export const MAX_OPSET = 23
const FLOAT = 1

export interface ValidatedModel {
  readonly bytes: number
  readonly irVersion: number
  readonly opset: number
  readonly inputShape: readonly OnnxDim[]
  readonly outputShape: readonly OnnxDim[]
  /** Batch size the model is fixed to, or null when the batch dimension is symbolic. */
  readonly fixedBatch: number | null
}

export interface ValidateOptions {
  /** Size limit in bytes (default 1 GiB). */
  maxBytes?: number
}

const known = (d: OnnxDim | undefined): d is number => typeof d === 'number' && d > 0

/** Validates already-parsed model info against a manifest (pure; used by `validateModelFile`). */
export function validateModelInfo(info: OnnxModelInfo, manifest: ModelManifest, bytes: number): ModelResult<{ model: ValidatedModel }> {
  const main = info.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')
  if (!main) return modelFail('opset_unsupported', 'Model declares no default-domain (ai.onnx) opset import')
  if (main.version < MIN_OPSET || main.version > MAX_OPSET) {
    return modelFail('opset_unsupported', `Model uses opset ${main.version}; supported opsets are ${MIN_OPSET}..${MAX_OPSET}`)
  }
  const feeds = info.inputs.filter((i) => !info.initializerNames.has(i.name))
  const input = feeds.find((i) => i.name === manifest.inputName)
  const names = (list: readonly { name: string }[]) => list.map((i) => `'${i.name}'`).join(', ') || '(none)'
  if (!input) {
    return modelFail('input_missing', `Model has no input '${manifest.inputName}' (manifest.inputName); its inputs are ${names(feeds)}`)
  }
  const extra = feeds.filter((i) => i.name !== manifest.inputName)
  if (extra.length > 0) {
    return modelFail('extra_inputs', `Model has inputs besides '${manifest.inputName}': ${names(extra)}; only one image input is fed`)
  }
  if (input.elemType !== FLOAT) {
    return modelFail('input_shape', `Model input '${input.name}' has element type ${input.elemType}; expected 1 (float32)`)
  }
  const expectIn: OnnxDim[] =
    manifest.layout === 'NCHW' ? ['N', 3, manifest.height, manifest.width] : ['N', manifest.height, manifest.width, 3]
  if (!input.shape || input.shape.length !== 4) {
    const got = input.shape ? formatShape(input.shape) : 'no declared shape'
    return modelFail('input_shape', `Model input '${input.name}' has shape ${got}; expected rank 4 ${formatShape(expectIn)} (${manifest.layout})`)
  }
  for (let i = 1; i < 4; i++) {
    const d = input.shape[i]
    if (known(d) && d !== expectIn[i]) {
      return modelFail(
        'input_shape',
        `Model input '${input.name}' has shape ${formatShape(input.shape)}; the manifest (${manifest.layout}, ${manifest.width}×${manifest.height}) needs ${formatShape(expectIn)}`,
      )
    }
  }
  const output = info.outputs.find((o) => o.name === manifest.outputName)
  if (!output) {
    return modelFail('output_missing', `Model has no output '${manifest.outputName}' (manifest.outputName); its outputs are ${names(info.outputs)}`)
  }
  const dim = expectedOutputDim(manifest)
  const expectOut = formatShape(['N', dim])
  if (output.elemType !== FLOAT && output.elemType !== 0) {
    return modelFail('output_shape', `Model output '${output.name}' has element type ${output.elemType}; expected 1 (float32)`)
  }
  if (output.shape) {
    if (output.shape.length !== 2 || (known(output.shape[1]) && output.shape[1] !== dim)) {
      const shown = output.shape.map((d, i) => (i === 0 && !known(d) ? 'N' : d))
      return modelFail('output_shape', `Model output '${output.name}' has shape ${formatShape(shown)}; expected ${expectOut}`)
    }
  }
  const b = input.shape[0]
  return {
    ok: true,
    model: {
      bytes,
      irVersion: info.irVersion,
      opset: main.version,
      inputShape: input.shape,
      outputShape: output.shape ?? ['N', dim],
      fixedBatch: known(b) ? b : null,
    },
  }
}

/** Validates the model file at `path` against `manifest`. Reads the file (≤ maxBytes) once. */
export async function validateModelFile(path: string, manifest: ModelManifest, options: ValidateOptions = {}): Promise<ModelResult<{ model: ValidatedModel }>> {
  const maxBytes = options.maxBytes ?? MAX_MODEL_BYTES
  let size: number
  try {
    size = (await stat(path)).size
  } catch (err) {
    return modelFail('model_unreadable', `Model file cannot be read: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (size > maxBytes) return modelFail('model_too_large', `Model file is ${size} bytes; the limit is ${maxBytes} bytes`)
  if (size === 0) return modelFail('model_malformed', 'Model file is empty')
  const buf = new Uint8Array(size)
  try {
    const fh = await open(path, 'r')
    try {
      let off = 0
      while (off < size) {
        const { bytesRead } = await fh.read(buf, off, Math.min(size - off, 1 << 26), off)
        if (bytesRead === 0) break
        off += bytesRead
      }
    } finally {
      await fh.close()
    }
  } catch (err) {
    return modelFail('model_unreadable', `Model file cannot be read: ${err instanceof Error ? err.message : String(err)}`)
  }
  const parsed = parseOnnxModel(buf)
  if (!parsed.ok) return modelFail('model_malformed', `Model file is not a valid ONNX model: ${parsed.message}`)
  return validateModelInfo(parsed.info, manifest, size)
}
