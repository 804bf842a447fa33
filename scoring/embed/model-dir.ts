/**
 * Where the prepared all-MiniLM-L6-v2 folder (model.onnx + tokenizer files) lives. Pure apart from
 * the existence check, which callers (and tests) can replace. Never reads process.env: the CLI or
 * the app passes ARENA_MODELS_DIR in as `modelsDirSetting`.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const MODEL_NAME = 'all-MiniLM-L6-v2'

/** The repository root, two levels above this file (scoring/embed/). */
export const DEFAULT_REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface ModelDirOptions {
  /** A model folder given explicitly (must itself hold model.onnx; no fallback when set). */
  modelDir?: string
  /** A models root, normally the value of ARENA_MODELS_DIR (holds all-MiniLM-L6-v2/). */
  modelsDirSetting?: string
  /** Repository root; defaults to the one this file is in. */
  repoRoot?: string
  /** Existence check, replaceable in tests. */
  exists?: (file: string) => boolean
}

export interface ModelDirCandidate {
  dir: string
  origin: string
}

export class ModelDirError extends Error {
  readonly looked: readonly ModelDirCandidate[]
  constructor(looked: readonly ModelDirCandidate[]) {
    const list = looked.map((c) => `  - ${c.dir}  (${c.origin})`).join('\n')
    super(
      `${MODEL_NAME} model not found: no model.onnx in any of\n${list}\n` +
        'Run `npm run models:prepare` to build it, or point ARENA_MODELS_DIR at a folder that holds ' +
        `${MODEL_NAME}/model.onnx.`,
    )
    this.name = 'ModelDirError'
    this.looked = looked
  }
}

/** The folders looked at, in order. */
export function modelDirCandidates(options: ModelDirOptions = {}): ModelDirCandidate[] {
  if (options.modelDir) return [{ dir: path.resolve(options.modelDir), origin: 'explicit model folder' }]
  const repo = path.resolve(options.repoRoot ?? DEFAULT_REPO_ROOT)
  const out: ModelDirCandidate[] = []
  if (options.modelsDirSetting) {
    const root = path.resolve(options.modelsDirSetting)
    out.push({ dir: path.join(root, MODEL_NAME), origin: 'ARENA_MODELS_DIR' })
    out.push({ dir: root, origin: 'ARENA_MODELS_DIR itself' })
  }
  out.push({ dir: path.join(repo, 'models', MODEL_NAME), origin: '<repo>/models' })
  out.push({ dir: path.join(repo, '..', 'shared', 'models', MODEL_NAME), origin: '<repo>/../shared/models' })
  return out
}

/** The first candidate that holds model.onnx; throws ModelDirError listing every place looked. */
export function resolveModelDir(options: ModelDirOptions = {}): string {
  const exists = options.exists ?? existsSync
  const candidates = modelDirCandidates(options)
  const found = candidates.find((c) => exists(path.join(c.dir, 'model.onnx')))
  if (!found) throw new ModelDirError(candidates)
  return found.dir
}
