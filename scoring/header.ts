/** Header checks shared by the long format and the prompt format. */
import { scoringError, type ScoringError } from './errors.ts'
import type { CsvRecord } from './csv-records.ts'

export function recordFields(r: CsvRecord): string[] {
  const dec = new TextDecoder()
  return r.starts.map((s, i) => dec.decode(r.buf.subarray(s, r.ends[i])))
}

/**
 * Maps the expected column names to their positions. Names are matched after trimming
 * spaces (hand-edited headers), case-sensitively, in any order.
 */
export function matchHeader(
  names: readonly string[],
  expected: readonly string[],
  line: number,
): { ok: true; columns: number[] } | { ok: false; error: ScoringError } {
  const columns = expected.map(() => -1)
  for (let i = 0; i < names.length; i++) {
    const name = names[i].trim()
    const k = expected.indexOf(name)
    if (k < 0) {
      return { ok: false, error: headerError('unexpected_column', `Unexpected column '${name}' (line ${line}); expected ${expected.join(',')}`, line, i + 1) }
    }
    if (columns[k] >= 0) {
      return { ok: false, error: headerError('duplicate_column', `Duplicate column '${name}' (line ${line})`, line, i + 1) }
    }
    columns[k] = i
  }
  const missing = expected.findIndex((_, k) => columns[k] < 0)
  if (missing >= 0) {
    return { ok: false, error: headerError('missing_column', `Missing column '${expected[missing]}' (line ${line}); expected ${expected.join(',')}`, line) }
  }
  return { ok: true, columns }
}

function headerError(code: ScoringError['code'], message: string, line: number, column?: number): ScoringError {
  return { ...scoringError(code, message), line, ...(column === undefined ? {} : { column }) }
}

export const BOM = [0xef, 0xbb, 0xbf] as const

export function stripBom(chunk: Uint8Array): Uint8Array {
  return chunk.length >= 3 && chunk[0] === BOM[0] && chunk[1] === BOM[1] && chunk[2] === BOM[2] ? chunk.subarray(3) : chunk
}
