/**
 * Shared by the tests that need the prepared model: finds it the same way the app does. When it
 * is missing: in CI (process.env.CI set, `npm run models:prepare` ran before the tests) that is a
 * failure; locally the tests are skipped with the reason printed.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import Papa from 'papaparse'
import { ModelDirError, resolveModelDir } from '../../scoring/embed/model-dir.ts'

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..')
export const KAGGLE_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'kaggle-sample')
export const SHARED_MODEL_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'models', 'all-MiniLM-L6-v2')
/** The host's Kaggle sample (prompts and their true vectors) and the published reference values. */
export const HAVE_SHARED = existsSync(path.join(KAGGLE_DIR, 'prompts.csv')) && existsSync(path.join(SHARED_MODEL_DIR, 'reference-vectors.json'))
if (!HAVE_SHARED) {
  // CI runs beside ../shared: there its absence is a failure, not a reason to skip.
  if (process.env.CI) throw new Error(`CI is set but ../shared is missing (looked for ${KAGGLE_DIR})`)
  console.warn('[tests/embed] SKIPPING the Kaggle-sample and published-vector checks: ../shared is missing')
}

function locate(): { dir?: string; reason?: string } {
  try {
    return { dir: resolveModelDir({ modelsDirSetting: process.env.ARENA_MODELS_DIR }) }
  } catch (err) {
    if (!(err instanceof ModelDirError)) throw err
    if (process.env.CI) {
      throw new Error(`CI is set but the prepared model is missing (npm run models:prepare must run first).\n${err.message}`)
    }
    return { reason: err.message }
  }
}

const located = locate()
if (located.reason) console.warn(`[tests/embed] SKIPPING model tests: ${located.reason}`)

/** The prepared model folder, or undefined (tests then skip; never in CI). */
export const MODEL_DIR = located.dir

export interface ReferencePrompt {
  name: string
  text: string
  input_ids: number[]
  embedding: number[]
}

export interface TokenizerCase {
  text: string
  input_ids: number[]
}

export interface Reference {
  prompts: ReferencePrompt[]
  /** Random Unicode strings with the HF fast tokenizer's ids (truncated at 256). */
  tokenizer_cases?: TokenizerCase[]
}

/** reference.json of the prepared folder (written by scripts/prepare_models.py). */
export function loadReferenceFile(): Reference | undefined {
  if (!MODEL_DIR) return undefined
  const file = path.join(MODEL_DIR, 'reference.json')
  if (!existsSync(file)) {
    const msg = `${file} is missing (a hub-sourced model has none; run npm run models:prepare -- --force)`
    if (process.env.CI) throw new Error(msg)
    console.warn(`[tests/embed] SKIPPING reference tests: ${msg}`)
    return undefined
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Reference
}

export function loadReference(): ReferencePrompt[] | undefined {
  return loadReferenceFile()?.prompts
}

export interface KaggleSample {
  ids: string[]
  prompts: string[]
  /** imgId -> its 384 values from sample_submission.csv */
  vectors: Map<string, number[]>
}

export function loadKaggleSample(): KaggleSample {
  const prompts = Papa.parse<{ imgId: string; prompt: string }>(readFileSync(path.join(KAGGLE_DIR, 'prompts.csv'), 'utf8'), {
    header: true,
    skipEmptyLines: true,
  }).data
  const vectors = new Map<string, number[]>()
  const lines = readFileSync(path.join(KAGGLE_DIR, 'sample_submission.csv'), 'utf8').trim().split('\n').slice(1)
  for (const line of lines) {
    const [key, val] = line.split(',')
    const cut = key.lastIndexOf('_')
    const id = key.slice(0, cut)
    const e = Number(key.slice(cut + 1))
    const v = vectors.get(id) ?? []
    v[e] = Number(val)
    vectors.set(id, v)
  }
  return { ids: prompts.map((p) => p.imgId), prompts: prompts.map((p) => p.prompt), vectors }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, offsetA = 0): number {
  let worst = 0
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[offsetA + i] - b[i]))
  return worst
}
