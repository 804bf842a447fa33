/**
 * The header phase of a long-format CSV (`imgId_eId,val`), shared by the two readers of that
 * format: submissions (long-parse.ts) and truth files (truth-csv.ts). The header goes through
 * the general, quote-aware tokenizer; the body bytes after it are handed back untouched, so
 * each reader's body path starts exactly where the header ended.
 */
import { CsvTokenizer } from './csv-records.ts'
import { fail, scoringError, type Result } from './errors.ts'
import { matchHeader, recordFields, stripBom } from './header.ts'

export interface LongHeader {
  /** 1-based column of `imgId_eId` (1 or 2; the other one is `val`). */
  readonly idColumn: number
  /** Physical line of the first body byte. */
  readonly bodyStartLine: number
  /** Body bytes that came in the same chunk as the end of the header. */
  readonly rest: Uint8Array | undefined
  /** True when the source ended within the header. */
  readonly ended: boolean
}

/**
 * Reads chunks from `it` until the header record is complete and checks its columns.
 * `what` names the file in the empty-file message ("Submission", "Truth file").
 */
export async function readLongHeader(it: AsyncIterator<Uint8Array>, maxRecordBytes: number, what: string): Promise<Result<LongHeader>> {
  let header: string[] | undefined
  let headerLine = 0
  const tok = new CsvTokenizer(
    (r) => {
      header = recordFields(r)
      headerLine = r.line
      return false
    },
    1,
    maxRecordBytes,
  )
  let rest: Uint8Array | undefined
  let first = true
  let ended = false
  while (header === undefined) {
    const r = await it.next()
    if (r.done) {
      ended = true
      tok.finish()
      break
    }
    const chunk = first ? stripBom(r.value) : r.value
    first = false
    const off = tok.feed(chunk)
    if (tok.error) return fail(tok.error)
    if (off >= 0) rest = chunk.subarray(off)
  }
  if (tok.error) return fail(tok.error)
  if (header === undefined) return fail(scoringError('empty_file', `${what} is empty`))
  const matched = matchHeader(header, ['imgId_eId', 'val'], headerLine)
  if (!matched.ok) return fail(matched.error)
  return { ok: true, idColumn: matched.columns[0] + 1, bodyStartLine: tok.line, rest, ended }
}
