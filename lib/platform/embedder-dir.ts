// Where the platform finds its models: the settings side of scoring/embed/model-dir.ts.
import { config, repoRoot } from './config.ts'
import { ModelDirError, resolveModelDir, type ModelDirOptions } from '../../scoring/embed/model-dir.ts'

/** Options for the scoring core's model lookup: ARENA_MODELS_DIR, then ./models, then ../shared/models. */
export function modelDirOptions(): ModelDirOptions {
  return { modelsDirSetting: config().modelsDir, repoRoot }
}

/** The prepared all-MiniLM-L6-v2 folder, or null when none is found. */
export function findModelDir(): string | null {
  try {
    return resolveModelDir(modelDirOptions())
  } catch (err) {
    if (err instanceof ModelDirError) return null
    throw err
  }
}
