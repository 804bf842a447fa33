/**
 * The manifest a team uploads beside its ONNX model: how to feed images in and which output to read.
 *
 * Example:
 * ```json
 * { "inputName": "pixel_values", "outputName": "embedding", "imageSize": 224,
 *   "resize": "center-crop", "mean": [0.4815, 0.4578, 0.4082], "std": [0.2686, 0.2613, 0.2758],
 *   "channelOrder": "RGB", "layout": "NCHW" }
 * ```
 * Pixels are scaled to 0..1 (or kept 0..255 with `"pixelRange": "0-255"`), then `(x - mean) / std`.
 * A model whose output has D != 384 columns may declare `projection: { rows: D, data: [...] }`,
 * a D×384 row-major matrix applied after the model (kept inside the manifest, so D*384 ≤ 1,048,576).
 */
import { z } from 'zod'
import { modelFail, type ModelResult } from './errors.ts'

export const EMBEDDING_DIM = 384
/** Largest projection matrix accepted inside a manifest (D×384 numbers). */
export const MAX_PROJECTION_VALUES = 1 << 20
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024

const finite = z.number().refine(Number.isFinite, 'must be a finite number')
const triple = (field: string, positive: boolean) =>
  z
    .array(positive ? finite.refine((v) => v > 0, 'must be > 0') : finite, `manifest.${field} must be an array of 3 numbers`)
    .length(3, `manifest.${field} must have 3 numbers`)
const side = z.number().int('must be an integer').min(8, 'must be at least 8').max(2048, 'must be at most 2048')

const manifestSchema = z
  .object({
    inputName: z.string('manifest.inputName must be a string').min(1, 'manifest.inputName must not be empty'),
    outputName: z.string('manifest.outputName must be a string').min(1, 'manifest.outputName must not be empty'),
    imageSize: z.union([side, z.object({ width: side, height: side }).strict()], {
      error: 'manifest.imageSize must be an integer 8..2048 or { "width", "height" }',
    }),
    resize: z.enum(['center-crop', 'resize', 'pad'], { error: 'manifest.resize must be "center-crop", "resize" or "pad"' }),
    mean: triple('mean', false),
    std: triple('std', true),
    channelOrder: z.enum(['RGB', 'BGR'], { error: 'manifest.channelOrder must be "RGB" or "BGR"' }).default('RGB'),
    layout: z.enum(['NCHW', 'NHWC'], { error: 'manifest.layout must be "NCHW" or "NHWC"' }).default('NCHW'),
    pixelRange: z.enum(['0-1', '0-255'], { error: 'manifest.pixelRange must be "0-1" or "0-255"' }).default('0-1'),
    projection: z
      .object({
        rows: z.number().int().min(1, 'manifest.projection.rows must be >= 1'),
        data: z.array(finite, 'manifest.projection.data must be an array of numbers'),
      })
      .strict()
      .optional(),
  })
  .strict()

/** A manifest after parsing, with defaults filled in and sizes normalised. */
export interface ModelManifest {
  readonly inputName: string
  readonly outputName: string
  readonly width: number
  readonly height: number
  readonly resize: 'center-crop' | 'resize' | 'pad'
  readonly mean: readonly [number, number, number]
  readonly std: readonly [number, number, number]
  readonly channelOrder: 'RGB' | 'BGR'
  readonly layout: 'NCHW' | 'NHWC'
  readonly pixelRange: '0-1' | '0-255'
  /** D×384 row-major projection applied to the model output, when the model emits D != 384 columns. */
  readonly projection?: { readonly rows: number; readonly data: Float32Array }
}

/** Columns the model output must have: 384, or the projection's row count. */
export function expectedOutputDim(manifest: ModelManifest): number {
  return manifest.projection?.rows ?? EMBEDDING_DIM
}

function issuePath(path: readonly PropertyKey[]): string {
  return ['manifest', ...path.map(String)].join('.')
}

/** Validates an already-decoded JSON value. */
export function parseManifestValue(value: unknown): ModelResult<{ manifest: ModelManifest }> {
  const parsed = manifestSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issuePath(issue.path)
    const msg = issue.message.startsWith('manifest.')
      ? issue.message
      : issue.code === 'unrecognized_keys'
        ? `${where}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : `${where} ${issue.message}`
    return modelFail('manifest_invalid', `Invalid model manifest: ${msg}`)
  }
  const m = parsed.data
  const width = typeof m.imageSize === 'number' ? m.imageSize : m.imageSize.width
  const height = typeof m.imageSize === 'number' ? m.imageSize : m.imageSize.height
  let projection: ModelManifest['projection']
  if (m.projection) {
    const { rows, data } = m.projection
    if (rows * EMBEDDING_DIM > MAX_PROJECTION_VALUES) {
      return modelFail('manifest_invalid', `Invalid model manifest: manifest.projection is too large (${rows}×${EMBEDDING_DIM}; at most ${MAX_PROJECTION_VALUES} values)`)
    }
    if (data.length !== rows * EMBEDDING_DIM) {
      return modelFail(
        'manifest_invalid',
        `Invalid model manifest: manifest.projection.data must have rows×384 = ${rows * EMBEDDING_DIM} numbers (got ${data.length})`,
      )
    }
    projection = { rows, data: Float32Array.from(data) }
  }
  const manifest: ModelManifest = {
    inputName: m.inputName,
    outputName: m.outputName,
    width,
    height,
    resize: m.resize,
    mean: [m.mean[0], m.mean[1], m.mean[2]],
    std: [m.std[0], m.std[1], m.std[2]],
    channelOrder: m.channelOrder,
    layout: m.layout,
    pixelRange: m.pixelRange,
    ...(projection ? { projection } : {}),
  }
  return { ok: true, manifest }
}

/** Parses the uploaded manifest text (JSON). */
export function parseManifest(text: string): ModelResult<{ manifest: ModelManifest }> {
  if (text.length > MAX_MANIFEST_BYTES) return modelFail('manifest_invalid', `Invalid model manifest: larger than ${MAX_MANIFEST_BYTES} bytes`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return modelFail('manifest_invalid', `Invalid model manifest: not valid JSON (${err instanceof Error ? err.message : String(err)})`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return modelFail('manifest_invalid', 'Invalid model manifest: must be a JSON object')
  }
  return parseManifestValue(value)
}

/** Plain-JSON form of a parsed manifest (for IPC and storage). */
export function manifestToJson(manifest: ModelManifest): Record<string, unknown> {
  return {
    inputName: manifest.inputName,
    outputName: manifest.outputName,
    imageSize: { width: manifest.width, height: manifest.height },
    resize: manifest.resize,
    mean: [...manifest.mean],
    std: [...manifest.std],
    channelOrder: manifest.channelOrder,
    layout: manifest.layout,
    pixelRange: manifest.pixelRange,
    ...(manifest.projection ? { projection: { rows: manifest.projection.rows, data: Array.from(manifest.projection.data) } } : {}),
  }
}
