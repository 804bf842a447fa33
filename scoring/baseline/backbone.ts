/**
 * The baseline's pretrained image backbone: EfficientNet-Lite2 (ImageNet-1k) exported by
 * `npm run models:prepare` to models/efficientnet-lite2/model.onnx, with two outputs: `features`
 * [N, 1280] (global average pool of the last convolution) and `logits` [N, 1000].
 *
 * Images are fed exactly as the platform's model runner feeds a submitted model with
 * BACKBONE_MANIFEST (scoring/model/preprocess.ts: sharp decode, bicubic resize to 260×260,
 * (x/255 − 0.5)/0.5, NCHW), so features computed here equal what the exported baseline graph
 * computes inside the runner.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import { DEFAULT_REPO_ROOT } from '../embed/model-dir.ts'
import { openSession, type ExecutionProviderName } from '../embed/session.ts'
import { parseManifestValue, type ModelManifest } from '../model/manifest.ts'
import { decodeRgb, writePixels } from '../model/preprocess.ts'

export const VISION_MODEL_NAME = 'efficientnet-lite2'
export const BACKBONE_IMAGE_SIZE = 260
export const BACKBONE_FEATURE_DIM = 1280
export const CLASS_COUNT = 1000
export const BACKBONE_INPUT = 'image'

/** The participant-format manifest of the backbone (and of the exported baseline, with its output). */
export const BACKBONE_MANIFEST_JSON = {
  inputName: BACKBONE_INPUT,
  outputName: 'embedding',
  imageSize: BACKBONE_IMAGE_SIZE,
  // EfficientNet-Lite2 was trained on centre crops; the SD images are mostly square anyway.
  resize: 'center-crop',
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
  channelOrder: 'RGB',
  layout: 'NCHW',
  pixelRange: '0-1',
} as const

function backboneManifest(): ModelManifest {
  const parsed = parseManifestValue(BACKBONE_MANIFEST_JSON)
  if (!parsed.ok) throw new Error(parsed.error.message)
  return parsed.manifest
}

export const BACKBONE_MANIFEST: ModelManifest = backboneManifest()

/** Folders looked at for efficientnet-lite2/ (same order as the MiniLM lookup). */
export function visionModelDirCandidates(modelsDirSetting?: string, repoRoot: string = DEFAULT_REPO_ROOT): string[] {
  const out: string[] = []
  if (modelsDirSetting) out.push(path.join(path.resolve(modelsDirSetting), VISION_MODEL_NAME))
  out.push(path.join(repoRoot, 'models', VISION_MODEL_NAME))
  out.push(path.join(repoRoot, '..', 'shared', 'models', VISION_MODEL_NAME))
  return out
}

/** The prepared efficientnet-lite2 folder (holding model.onnx and classes.json), or throws. */
export function resolveVisionModelDir(modelsDirSetting?: string, repoRoot?: string): string {
  const candidates = visionModelDirCandidates(modelsDirSetting, repoRoot)
  const dir = candidates.find((d) => existsSync(path.join(d, 'model.onnx')) && existsSync(path.join(d, 'classes.json')))
  if (!dir) {
    throw new Error(
      `${VISION_MODEL_NAME} model not found: no model.onnx + classes.json in any of\n${candidates.map((c) => `  - ${c}`).join('\n')}\n` +
        'Run `npm run models:prepare` to build it.',
    )
  }
  return dir
}

/** The 1000 ImageNet-1k class names of the backbone's logits, in logit order. */
export async function readClassNames(dir: string): Promise<string[]> {
  const names = JSON.parse(await readFile(path.join(dir, 'classes.json'), 'utf8')) as unknown
  if (!Array.isArray(names) || names.length !== CLASS_COUNT || !names.every((n) => typeof n === 'string')) {
    throw new Error(`${dir}/classes.json must list ${CLASS_COUNT} class names`)
  }
  return names as string[]
}

/** Backbone outputs of a batch of images: row-major `n × 1280` and `n × 1000`. */
export interface BackboneOutputs {
  readonly features: Float32Array
  readonly logits: Float32Array
}

export type ProviderName = ExecutionProviderName

export interface Backbone {
  readonly provider: ProviderName
  /** Runs the backbone on a preprocessed `[n, 3, 260, 260]` tensor. */
  runTensor(data: Float32Array, n: number): Promise<BackboneOutputs>
  close(): Promise<void>
}

/** Opens the backbone ONNX with the first provider that loads (CUDA first where present, else CPU). */
export async function openBackbone(modelPath: string, options: { providers?: readonly ProviderName[]; threads?: number } = {}): Promise<Backbone> {
  const { session, provider } = await openSession(modelPath, options.providers ?? ['cuda', 'cpu'], options.threads ?? Math.max(1, os.availableParallelism()))
  return {
    provider,
    async runTensor(data, n) {
      const out = await session.run({ [BACKBONE_INPUT]: new ort.Tensor('float32', data, [n, 3, BACKBONE_IMAGE_SIZE, BACKBONE_IMAGE_SIZE]) })
      return { features: out.features.data as Float32Array, logits: out.logits.data as Float32Array }
    },
    close: () => session.release(),
  }
}

/** Decodes and preprocesses images as the model runner does with BACKBONE_MANIFEST. */
export async function preprocessImages(paths: readonly string[]): Promise<Float32Array> {
  const m = BACKBONE_MANIFEST
  const out = new Float32Array(paths.length * 3 * m.width * m.height)
  for (let i = 0; i < paths.length; i++) writePixels(await decodeRgb(paths[i], m), m, out, i)
  return out
}

/** Mirrors each image of an NCHW batch left to right (the flip test-time augmentation). */
export function flipHorizontal(data: Float32Array, n: number, size = BACKBONE_IMAGE_SIZE): Float32Array {
  const out = new Float32Array(data.length)
  for (let row = 0; row < n * 3 * size; row++) {
    const o = row * size
    for (let x = 0; x < size; x++) out[o + x] = data[o + size - 1 - x]
  }
  return out
}

/** Per-image backbone outputs for many images (plain and, with `flip`, mirrored), in batches. */
export async function extractBackbone(
  backbone: Backbone,
  paths: readonly string[],
  options: { batch?: number; flip?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ plain: BackboneOutputs; flipped?: BackboneOutputs }> {
  const batch = options.batch ?? 8
  const n = paths.length
  const features = new Float32Array(n * BACKBONE_FEATURE_DIM)
  const logits = new Float32Array(n * CLASS_COUNT)
  const fFeatures = options.flip ? new Float32Array(n * BACKBONE_FEATURE_DIM) : undefined
  const fLogits = options.flip ? new Float32Array(n * CLASS_COUNT) : undefined
  for (let start = 0; start < n; start += batch) {
    const part = paths.slice(start, start + batch)
    const x = await preprocessImages(part)
    const out = await backbone.runTensor(x, part.length)
    features.set(out.features, start * BACKBONE_FEATURE_DIM)
    logits.set(out.logits, start * CLASS_COUNT)
    if (fFeatures && fLogits) {
      const f = await backbone.runTensor(flipHorizontal(x, part.length), part.length)
      fFeatures.set(f.features, start * BACKBONE_FEATURE_DIM)
      fLogits.set(f.logits, start * CLASS_COUNT)
    }
    options.onProgress?.(Math.min(n, start + batch), n)
  }
  return { plain: { features, logits }, ...(fFeatures && fLogits ? { flipped: { features: fFeatures, logits: fLogits } } : {}) }
}

