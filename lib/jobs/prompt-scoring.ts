// Prompt-text submissions (`imgId,prompt`) in the worker: the scoring core validates and scores
// them; this module owns the process's one MiniLM embedder, the same model that built the truth.
import type { Embedder } from '../../scoring/embedder.ts'
import { scorePromptSubmission as scorePrompts } from '../../scoring/prompts.ts'
import type { ScoreResult } from '../../scoring/score.ts'
import type { SubmissionSource } from '../../scoring/source.ts'
import type { Truth } from '../../scoring/truth.ts'
import { modelDirOptions } from '../platform/embedder-dir.ts'

let embedder: Promise<Embedder> | undefined

/** One MiniLM per worker process, loaded on the first prompt submission. */
export function promptEmbedder(): Promise<Embedder> {
  embedder ??= import('../../scoring/embed/index.ts')
    .then((m) => m.loadMiniLmEmbedder(modelDirOptions()))
    .catch((err: unknown) => {
      embedder = undefined
      throw err
    })
  return embedder
}

/** Test hook: score prompts with another embedder (a fake in tests). */
export function setPromptEmbedder(e: Embedder | undefined): void {
  embedder = e ? Promise.resolve(e) : undefined
}

/** Scores an `imgId,prompt` file with the worker's MiniLM (the scoring core does the rest). */
export async function scorePromptSubmission(
  source: SubmissionSource,
  truth: Truth,
  options: { onProgress?: (fraction: number) => void } = {},
): Promise<ScoreResult> {
  return scorePrompts(source, truth, await promptEmbedder(), options)
}
