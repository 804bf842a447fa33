/**
 * Prompt-text submissions (`imgId,prompt`): validated like long-format ones, then embedded with
 * the same Embedder as the truth and scored by cosine similarity.
 */
import { cosineScores } from './cosine.ts'
import type { Embedder } from './embedder.ts'
import { ScoringAbort, fail, quoteText, scoringError, type Result } from './errors.ts'
import { matchHeader } from './header.ts'
import { textRecords } from './records.ts'
import type { ScoreResult } from './score.ts'
import { openSource, type SourceLimits, type SubmissionSource } from './source.ts'
import type { Truth } from './truth.ts'

export interface PromptTable {
  /** Image ids in file order. */
  readonly ids: string[]
  readonly prompts: string[]
}

export interface PromptScoreOptions {
  readonly onProgress?: (fraction: number) => void
  readonly sizeHint?: number
  /** Caps on decompressing gzip and zip uploads (zip bombs); source.ts DEFAULT_LIMITS if omitted. */
  readonly limits?: SourceLimits
}

/**
 * Reads an `imgId,prompt` CSV (columns in any order). With `expectedIds`, ids must all be
 * known and all present; without, only duplicates and empty ids are rejected (truth files).
 */
export async function readPromptCsv(
  source: SubmissionSource,
  expectedIds?: readonly string[],
  options: PromptScoreOptions = {},
): Promise<Result<PromptTable>> {
  try {
    const opened = await openSource(source, options)
    const known = expectedIds ? new Map(expectedIds.map((id, i) => [id, i])) : undefined
    const firstLine = new Map<string, number>()
    const ids: string[] = []
    const prompts: string[] = []
    let columns: number[] | undefined
    for await (const r of textRecords(opened.chunks)) {
      if (!columns) {
        const m = matchHeader(r.fields, ['imgId', 'prompt'], r.line)
        if (!m.ok) return fail(m.error)
        columns = m.columns
        continue
      }
      if (r.fields.length !== 2) {
        return fail(scoringError('field_count', `expected 2 fields (imgId,prompt) but found ${r.fields.length}`, r.line, 3))
      }
      const id = r.fields[columns[0]]
      const idCol = columns[0] + 1
      if (id === '') return fail(scoringError('bad_id', 'image id is empty', r.line, idCol))
      if (known && !known.has(id)) {
        return fail(scoringError('unknown_image', `unknown image id '${quoteText(id, 60)}'`, r.line, idCol))
      }
      const seen = firstLine.get(id)
      if (seen !== undefined) {
        return fail(scoringError('duplicate_row', `duplicate row for image '${quoteText(id, 60)}' (first seen on line ${seen})`, r.line, idCol))
      }
      firstLine.set(id, r.line)
      ids.push(id)
      prompts.push(r.fields[columns[1]])
    }
    if (!columns) return fail(scoringError('empty_file', 'Submission is empty'))
    if (ids.length === 0) return fail(scoringError('header_only', 'Submission has a header but no data rows'))
    if (expectedIds && ids.length < expectedIds.length) {
      const missing = expectedIds.length - ids.length
      const first = expectedIds.find((id) => !firstLine.has(id)) as string
      return fail(scoringError('missing_rows', `Submission is missing ${missing} row${missing === 1 ? '' : 's'}; first missing id: ${first}`))
    }
    return { ok: true, ids, prompts }
  } catch (err) {
    if (err instanceof ScoringAbort) return fail(err.error)
    throw err
  }
}

/** Scores a prompt-text submission: one prompt per truth image, embedded with `embedder`. */
export async function scorePromptSubmission(
  source: SubmissionSource,
  truth: Truth,
  embedder: Embedder,
  options: PromptScoreOptions = {},
): Promise<ScoreResult> {
  if (embedder.dim !== truth.dim) throw new Error(`embedder dim ${embedder.dim} ≠ truth dim ${truth.dim}`)
  // Reading is quick next to embedding: it takes the first tenth of the progress bar.
  const progress = options.onProgress
  const table = await readPromptCsv(source, truth.ids, { ...options, onProgress: progress && ((f) => progress(0.1 * f)) })
  if (!table.ok) return table
  const order = new Map(table.ids.map((id, i) => [id, i]))
  const texts = truth.ids.map((id) => table.prompts[order.get(id) as number])
  const vectors = await embedder.embed(texts, progress && ((done, total) => progress(0.1 + (0.9 * done) / total)))
  const pred = Float64Array.from(vectors)
  return { ok: true, ...cosineScores(pred, truth), images: truth.ids.length, rows: table.ids.length }
}
