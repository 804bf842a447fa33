/** Scoring a long-format (`imgId_eId,val`) submission: the entry points the platform calls. */
import { availableParallelism } from 'node:os'
import { scoresFromAccumulators } from './accumulators.ts'
import type { Scores } from './cosine.ts'
import { ScoringAbort, fail, type Result } from './errors.ts'
import { parseLongSubmission } from './long-parse.ts'
import { openSource, type SourceLimits, type SubmissionSource } from './source.ts'
import type { Truth } from './truth.ts'

export interface ScoreOptions {
  /** Called with 0..1 as the raw input is read (needs a path or `sizeHint`), and 1 at the end. */
  readonly onProgress?: (fraction: number) => void
  /** Raw byte size for streams (e.g. Content-Length): drives progress and thread choice. */
  readonly sizeHint?: number
  /** Parse threads: 'auto' (default) uses up to 2 workers for inputs ≥ 8 MiB, else 0. */
  readonly threads?: number | 'auto'
  /** Caps on decompressing gzip and zip uploads (zip bombs); source.ts DEFAULT_LIMITS if omitted. */
  readonly limits?: SourceLimits
  /** Internal/testing: segment size for the parallel parser. */
  readonly segmentBytes?: number
  /** Internal/testing: start parsing only once the workers are up. */
  readonly awaitWorkers?: boolean
}

export interface ScoreSuccess extends Scores {
  /** Number of images scored (= truth.ids.length). */
  readonly images: number
  /** Data rows in the submission. */
  readonly rows: number
}

export type ScoreResult = Result<ScoreSuccess>

const AUTO_THREAD_BYTES = 8 << 20

/** Scores a submission (path, web ReadableStream or AsyncIterable of bytes; plain, gzip or zip). */
export async function scoreSubmission(
  source: SubmissionSource,
  truth: Truth,
  options: ScoreOptions = {},
): Promise<ScoreResult> {
  try {
    const opened = await openSource(source, { sizeHint: options.sizeHint, onProgress: options.onProgress, limits: options.limits })
    const threads =
      options.threads === undefined || options.threads === 'auto'
        ? (opened.rawSize ?? 0) >= AUTO_THREAD_BYTES
          ? Math.min(2, availableParallelism())
          : 0
        : options.threads
    const parsed = await parseLongSubmission(opened.chunks, truth, { threads, segmentBytes: options.segmentBytes, awaitWorkers: options.awaitWorkers })
    if (!parsed.ok) return parsed
    return { ok: true, ...scoresFromAccumulators(parsed.acc, truth), images: truth.ids.length, rows: parsed.rows }
  } catch (err) {
    if (err instanceof ScoringAbort) return fail(err.error)
    throw err
  }
}
