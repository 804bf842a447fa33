/**
 * Typed validation errors. Everything a user can get wrong in a submission is a value of
 * `ScoringError`, never an exception, so the queue/worker code can store it and show it.
 * Messages follow Kaggle's tone ("Line 12: ...") and never contain truth values.
 */
export type ScoringErrorCode =
  | 'empty_file'
  | 'header_only'
  | 'missing_column'
  | 'unexpected_column'
  | 'duplicate_column'
  | 'field_count'
  | 'bad_id'
  | 'unknown_image'
  | 'dim_out_of_range'
  | 'duplicate_row'
  | 'missing_rows'
  | 'empty_value'
  | 'not_a_number'
  | 'not_finite'
  | 'bad_quote'
  | 'unclosed_quote'
  | 'line_too_long'
  | 'too_large'
  | 'bad_gzip'
  | 'bad_zip'
  | 'embedding_failed'
  | 'not_csv'
  | 'unknown_format'
  | 'archive_too_large'

export interface ScoringError {
  readonly code: ScoringErrorCode
  /** Complete, user-facing message, already including "Line N:" when there is a line. */
  readonly message: string
  /** 1-based physical line where the offending record starts. */
  readonly line?: number
  /** 1-based column (CSV field) of the offending value, when one field is at fault. */
  readonly column?: number
}

export type Result<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: ScoringError }

export function scoringError(code: ScoringErrorCode, detail: string, line?: number, column?: number): ScoringError {
  const message = line === undefined ? detail : `Line ${line}: ${detail}`
  return { code, message, ...(line === undefined ? {} : { line }), ...(column === undefined ? {} : { column }) }
}

export function fail(error: ScoringError): { readonly ok: false; readonly error: ScoringError } {
  return { ok: false, error }
}

/** One-line text for logs, CLI stderr and the submissions page. */
export function formatScoringError(error: ScoringError): string {
  return error.message
}

/**
 * Carries a ScoringError out of deep stream code (decompressors) to the top-level function,
 * which converts it back into a `{ ok: false }` value. Never escapes the public API.
 */
export class ScoringAbort extends Error {
  readonly error: ScoringError
  constructor(error: ScoringError) {
    super(error.message)
    this.name = 'ScoringAbort'
    this.error = error
  }
}

/** Shortens user text quoted inside a message so one absurd field cannot flood a log. */
export function quoteText(text: string, max = 40): string {
  const clean = text.replace(/[\r\n\t]/g, (c) => (c === '\t' ? '\\t' : c === '\r' ? '\\r' : '\\n'))
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}
