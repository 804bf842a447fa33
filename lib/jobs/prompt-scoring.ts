// Scoring of prompt-text submissions (`imgId,prompt`): each prompt is embedded with the same
// MiniLM model that built the truth, then scored like a long-format submission. Kept small and
// local to the job until the scoring engine ships its own prompt-format entry point.
import Papa from 'papaparse'
import { cosineScores } from '../../scoring/cosine.ts'
import type { Embedder } from '../../scoring/embedder.ts'
import { scoringError, type ScoringError } from '../../scoring/errors.ts'
import type { ScoreResult } from '../../scoring/score.ts'
import { openSource, type SubmissionSource } from '../../scoring/source.ts'
import type { Truth } from '../../scoring/truth.ts'
import { config } from '../config.ts'

/** Prompt files are small (one sentence per image); this bounds the memory they may take. */
const MAX_PROMPT_BYTES = 64 << 20

let embedder: Promise<Embedder> | undefined

/** One MiniLM per worker process, loaded on the first prompt submission. */
export function promptEmbedder(): Promise<Embedder> {
  embedder ??= import('../../scoring/embed/index.ts')
    .then((m) => m.loadMiniLmEmbedder({ modelsDirSetting: config().modelsDir }))
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

const fail = (error: ScoringError): ScoreResult => ({ ok: false, error })

export async function scorePromptSubmission(
  source: SubmissionSource,
  truth: Truth,
  options: { onProgress?: (fraction: number) => void } = {},
): Promise<ScoreResult> {
  const opened = await openSource(source)
  const parts: Uint8Array[] = []
  let size = 0
  for await (const chunk of opened.chunks) {
    size += chunk.length
    if (size > MAX_PROMPT_BYTES) return fail(scoringError('too_large', `Prompt submissions may be at most ${MAX_PROMPT_BYTES >> 20} MB uncompressed`))
    parts.push(chunk)
  }
  const text = Buffer.concat(parts).toString('utf8').replace(/^\uFEFF/, '')
  if (text.trim() === '') return fail(scoringError('empty_file', 'Submission file is empty'))
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' })
  const rows = parsed.data
  const header = rows[0].map((h) => h.trim())
  const idCol = header.indexOf('imgId')
  const promptCol = header.indexOf('prompt')
  if (idCol < 0 || promptCol < 0 || header.length !== 2) {
    return fail(scoringError('missing_column', `Expected the header imgId,prompt, got '${header.join(',')}'`, 1))
  }
  if (rows.length === 1) return fail(scoringError('header_only', 'Submission has a header but no rows'))
  const position = new Map(truth.ids.map((id, i) => [id, i]))
  const prompts: (string | undefined)[] = new Array(truth.ids.length)
  for (let r = 1; r < rows.length; r++) {
    const line = r + 1
    const row = rows[r]
    if (row.length !== 2) return fail(scoringError('field_count', `Expected 2 fields, found ${row.length}`, line))
    const id = row[idCol].trim()
    const i = position.get(id)
    if (i === undefined) return fail(scoringError('unknown_image', `Unknown image id '${id.slice(0, 40)}'`, line))
    if (prompts[i] !== undefined) return fail(scoringError('duplicate_row', `Duplicate image id '${id.slice(0, 40)}'`, line))
    prompts[i] = row[promptCol]
  }
  const missing = prompts.findIndex((p, i) => p === undefined && i < truth.ids.length)
  const count = prompts.filter((p) => p !== undefined).length
  if (count < truth.ids.length) {
    return fail(scoringError('missing_rows', `Submission has prompts for ${count} of ${truth.ids.length} images; first missing: '${truth.ids[missing]}'`))
  }
  const e = await promptEmbedder()
  if (e.dim !== truth.dim) return fail(scoringError('embedding_failed', `The embedder produces ${e.dim} dimensions; the test set has ${truth.dim}`))
  const vectors = await e.embed(prompts as string[], (done, total) => options.onProgress?.(done / total))
  const pred = Float64Array.from(vectors)
  return { ok: true, ...cosineScores(pred, truth), images: truth.ids.length, rows: rows.length - 1 }
}
