/**
 * Checks an uploaded ONNX model against its manifest before it is queued: the file parses, the
 * declared input/output exist with usable shapes, and the opset is one ONNX Runtime runs.
 * It reads the protobuf structure as a stream, skipping tensor data (see onnx-proto.ts), so the
 * check holds a few chunks in memory whatever the model's size; it never executes the model.
 */
import { stat } from 'node:fs/promises'
import { formatShape, modelFail, type ModelResult } from './errors.ts'
import { expectedOutputDim, type ModelManifest } from './manifest.ts'
import { readOnnxFile, type OnnxDim, type OnnxModelInfo, type ParseOnnxResult } from './onnx-proto.ts'

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
  if (info.externalData !== null) {
    // ONNX Runtime would open the files such a model names; the platform runs self-contained models only.
    return modelFail(
      'external_data',
      `Model keeps tensor data outside the .onnx file (external data, tensor '${info.externalData}'); save it as one self-contained file (e.g. onnx.save(model, path, save_as_external_data=False))`,
    )
  }
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

/** Validates the model file at `path` against `manifest`, streaming its structure (bounded memory). */
export async function validateModelFile(path: string, manifest: ModelManifest, options: ValidateOptions = {}): Promise<ModelResult<{ model: ValidatedModel }>> {
  const maxBytes = options.maxBytes ?? MAX_MODEL_BYTES
  // The messages below reach the participant: they never include the server's path or an OS error.
  let size: number
  try {
    size = (await stat(path)).size
  } catch {
    return modelFail('model_unreadable', 'Model file cannot be read')
  }
  if (size > maxBytes) return modelFail('model_too_large', `Model file is ${size} bytes; the limit is ${maxBytes} bytes`)
  if (size === 0) return modelFail('model_malformed', 'Model file is empty')
  let parsed: ParseOnnxResult
  try {
    parsed = await readOnnxFile(path)
  } catch {
    return modelFail('model_unreadable', 'Model file cannot be read')
  }
  if (!parsed.ok) return modelFail('model_malformed', `Model file is not a valid ONNX model: ${parsed.message}`)
  return validateModelInfo(parsed.info, manifest, size)
}
