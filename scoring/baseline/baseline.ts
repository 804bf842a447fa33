/**
 * The reference baseline, end to end: pretrained EfficientNet-Lite2 outputs for the visible
 * images (backbone.ts), MiniLM embeddings of the prompts and of the ImageNet class names in a
 * few prompt templates, a grouped-CV fit of the four members (cv.ts, ensemble.ts), and the
 * fitted ensemble folded into ONE ONNX model (export-onnx.ts) with a participant-format manifest.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Embedder } from '../embedder.ts'
import {
  BACKBONE_FEATURE_DIM,
  BACKBONE_MANIFEST_JSON,
  CLASS_COUNT,
  extractBackbone,
  openBackbone,
  readClassNames,
  type Backbone,
  type ProviderName,
} from './backbone.ts'
import type { CvGrid, CvReport, ImageOutputs } from './cv.ts'
import { fitEnsemble, type FittedEnsemble } from './ensemble.ts'
import { BASELINE_OUTPUT, exportEnsembleOnnx } from './export-onnx.ts'
import type { FeatureCache } from './feature-cache.ts'

/** Prompt templates the interrogator tries (CV picks one); `{name}` is an ImageNet class name. */
export const PROMPT_TEMPLATES = ['{name}', 'a photo of a {name}', 'a painting of a {name}', 'a {name}, highly detailed, digital art, trending on artstation'] as const

export interface BaselineTrainItem {
  readonly id: string
  readonly imagePath: string
  /** The prompt's sentence embedding (`dim` floats; normalised here). */
  readonly promptEmbedding: Float32Array
  /** Images with the same prompt share a group (kept in one CV fold). Default: the id. */
  readonly group?: string
}

/** The manifest of the exported baseline (the format participants upload, scoring/model/manifest.ts). */
export const BASELINE_MANIFEST_JSON = { ...BACKBONE_MANIFEST_JSON, outputName: BASELINE_OUTPUT }

export interface FitBaselineOptions {
  readonly train: readonly BaselineTrainItem[]
  /** Embeds the class-name prompts (the same MiniLM that embeds the truth). */
  readonly embedder: Embedder
  /** The prepared efficientnet-lite2 folder (model.onnx, classes.json). */
  readonly visionDir: string
  /** CV folds (default 5, capped at the number of groups). */
  readonly folds?: number
  readonly seed?: number
  readonly grid?: CvGrid
  readonly providers?: readonly ProviderName[]
  readonly threads?: number
  readonly cache?: FeatureCache
  readonly onProgress?: (done: number, total: number) => void
}

export interface FitBaselineResult {
  readonly ensemble: FittedEnsemble
  readonly report: CvReport
  /** The fitted baseline as one ONNX model. */
  readonly onnx: Uint8Array
  readonly manifest: typeof BASELINE_MANIFEST_JSON
  /** Execution provider that computed the training features. */
  readonly provider: ProviderName
  readonly seconds: { readonly features: number; readonly classNames: number; readonly cv: number; readonly export: number }
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex')

/** Backbone outputs (plain and mirrored) of images, through the cache when one is given. */
export async function imageOutputs(
  backbone: Backbone,
  modelSha: string,
  paths: readonly string[],
  options: { cache?: FeatureCache; onProgress?: (done: number, total: number) => void } = {},
): Promise<Required<ImageOutputs>> {
  const n = paths.length
  const per = 2 * (BACKBONE_FEATURE_DIM + CLASS_COUNT)
  const rows = new Float32Array(n * per)
  const cache = options.cache
  const keys = cache ? await Promise.all(paths.map(async (p) => `backbone-${modelSha.slice(0, 16)}-${sha256(await readFile(p))}`)) : []
  const missing: number[] = []
  for (let i = 0; i < n; i++) {
    const hit = cache ? await cache.get(keys[i], per) : undefined
    if (hit) rows.set(hit, i * per)
    else missing.push(i)
  }
  if (missing.length > 0) {
    const got = await extractBackbone(
      backbone,
      missing.map((i) => paths[i]),
      { flip: true, onProgress: (done) => options.onProgress?.(n - missing.length + done, n) },
    )
    for (const [j, i] of missing.entries()) {
      const row = new Float32Array(per)
      const f = BACKBONE_FEATURE_DIM
      const c = CLASS_COUNT
      row.set(got.plain.features.subarray(j * f, (j + 1) * f), 0)
      row.set(got.plain.logits.subarray(j * c, (j + 1) * c), f)
      if (got.flipped) {
        row.set(got.flipped.features.subarray(j * f, (j + 1) * f), f + c)
        row.set(got.flipped.logits.subarray(j * c, (j + 1) * c), 2 * f + c)
      }
      rows.set(row, i * per)
      if (cache) await cache.set(keys[i], row)
    }
  }
  options.onProgress?.(n, n)
  const part = (offset: number, width: number) => {
    const out = new Float32Array(n * width)
    for (let i = 0; i < n; i++) out.set(rows.subarray(i * per + offset, i * per + offset + width), i * width)
    return out
  }
  const f = BACKBONE_FEATURE_DIM
  const c = CLASS_COUNT
  return { features: part(0, f), logits: part(f, c), flippedFeatures: part(f + c, f), flippedLogits: part(2 * f + c, c) }
}

/** MiniLM embeddings of the class names in each template (`classes × dim` each). */
export async function classNameEmbeddings(embedder: Embedder, names: readonly string[], templates: readonly string[], cache?: FeatureCache): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>()
  for (const template of templates) {
    const texts = names.map((n) => template.replace('{name}', n))
    const key = `classes-${sha256(JSON.stringify(texts))}`
    const size = texts.length * embedder.dim
    out.set(template, (await cache?.get(key, size)) ?? (await embedder.embed(texts)))
    const got = out.get(template)
    if (cache && got) await cache.set(key, got)
  }
  return out
}

/** Fits the baseline on the visible images and exports it as one ONNX model. */
export async function fitBaseline(options: FitBaselineOptions): Promise<FitBaselineResult> {
  const { train, embedder } = options
  if (train.length < 4) throw new Error('fitBaseline needs at least 4 training images')
  const dim = train[0].promptEmbedding.length
  const embeddings = new Float32Array(train.length * dim)
  train.forEach((t, i) => {
    if (t.promptEmbedding.length !== dim) throw new Error(`train item '${t.id}' has a ${t.promptEmbedding.length}-d embedding; expected ${dim}`)
    embeddings.set(t.promptEmbedding, i * dim)
  })
  const modelPath = path.join(options.visionDir, 'model.onnx')
  const backboneBytes = new Uint8Array(await readFile(modelPath))
  const modelSha = sha256(backboneBytes)
  const t0 = performance.now()
  const backbone = await openBackbone(modelPath, { providers: options.providers, threads: options.threads })
  let outputs: Required<ImageOutputs>
  try {
    outputs = await imageOutputs(
      backbone,
      modelSha,
      train.map((t) => t.imagePath),
      { cache: options.cache, onProgress: options.onProgress },
    )
  } finally {
    await backbone.close()
  }
  const t1 = performance.now()
  const classes = await classNameEmbeddings(embedder, await readClassNames(options.visionDir), PROMPT_TEMPLATES, options.cache)
  const t2 = performance.now()
  const groups = train.map((t) => t.group ?? t.id)
  const folds = Math.min(options.folds ?? 5, new Set(groups).size)
  const { ensemble, report } = fitEnsemble({
    outputs,
    featureDim: BACKBONE_FEATURE_DIM,
    classes: CLASS_COUNT,
    embeddings,
    dim,
    classEmbeddings: classes,
    groups,
    folds,
    seed: options.seed ?? 1,
    grid: options.grid,
  })
  const t3 = performance.now()
  const onnx = exportEnsembleOnnx(backboneBytes, ensemble, { description: describeEnsemble(report, train.length) })
  const t4 = performance.now()
  return {
    ensemble,
    report,
    onnx,
    manifest: BASELINE_MANIFEST_JSON,
    provider: backbone.provider,
    seconds: { features: (t1 - t0) / 1000, classNames: (t2 - t1) / 1000, cv: (t3 - t2) / 1000, export: (t4 - t3) / 1000 },
  }
}

/** One line: members with their weights and CV scores, the ensemble's CV, the data. */
export function describeEnsemble(report: CvReport, trainImages: number): string {
  const p = report.params
  const member = (name: string) => report.members.find((m) => m.name === name)
  const cv = (name: string) => member(name)?.cvScore.toFixed(4) ?? '-'
  const w = (name: keyof typeof p.weights) => p.weights[name].toFixed(2)
  return (
    `EfficientNet-Lite2 (ImageNet) ensemble: ridge head (λ=${p.ridgeLambda}, weight ${w('ridge')}, CV ${cv('ridge')}), ` +
    `kNN (k=${p.knnK}, T=${p.knnTemperature}, weight ${w('knn')}, CV ${cv('knn')}), ` +
    `label interrogator ("${p.template}", T=${p.interrogatorTemperature}, weight ${w('interrogator')}, CV ${cv('interrogator')}), ` +
    `mean prompt prior (weight ${w('prior')}, CV ${cv('prior')}); flip TTA ${p.flip ? 'on' : 'off'}; ` +
    `ensemble CV ${report.ensemble.toFixed(4)} (${report.folds}-fold grouped by prompt, seed ${report.seed}) on ${trainImages} visible images`
  )
}

/** Embeds training prompts with the platform's sentence embedder (each distinct prompt once). */
export async function embedTrainPrompts(
  embedder: Embedder,
  items: readonly { readonly id: string; readonly imagePath: string; readonly prompt: string; readonly group?: string }[],
): Promise<BaselineTrainItem[]> {
  const distinct = [...new Set(items.map((i) => i.prompt))]
  const vectors = await embedder.embed(distinct)
  const row = new Map(distinct.map((p, i) => [p, i]))
  return items.map((it) => {
    const r = row.get(it.prompt) ?? 0
    return {
      id: it.id,
      imagePath: it.imagePath,
      promptEmbedding: vectors.slice(r * embedder.dim, (r + 1) * embedder.dim),
      group: it.group ?? it.prompt,
    }
  })
}
