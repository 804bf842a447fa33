import { existsSync } from 'node:fs'
import path from 'node:path'
import { config, repoRoot } from './config.ts'

export const MINILM = 'all-MiniLM-L6-v2'

/** Where models are looked for, in order: ARENA_MODELS_DIR, ./models, ../shared/models. */
export function modelSearchPath(): string[] {
  const dirs = [config().modelsDir, path.join(/*turbopackIgnore: true*/ repoRoot, 'models'), path.join(/*turbopackIgnore: true*/ repoRoot, '..', 'shared', 'models')]
  return dirs.filter((d): d is string => d !== undefined)
}

/** The folder of a prepared model (one that has model.onnx), or null. */
export function findModelDir(name: string = MINILM): string | null {
  for (const dir of modelSearchPath()) {
    if (existsSync(path.join(/*turbopackIgnore: true*/ dir, name, 'model.onnx'))) return path.join(dir, name)
  }
  return null
}
