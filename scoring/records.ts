/** Async iteration over CSV records of any source (general path: prompts, truth CSVs, sniffing). */
import { CsvTokenizer, type CsvRecord } from './csv-records.ts'
import { ScoringAbort } from './errors.ts'
import { recordFields, stripBom } from './header.ts'

export interface TextRecord {
  readonly line: number
  readonly fields: string[]
}

/**
 * Yields each non-blank record as decoded strings. Malformed CSV (bad quotes, overlong
 * records) throws ScoringAbort, which the public functions turn into `{ ok: false }`.
 */
export async function* textRecords(chunks: AsyncIterable<Uint8Array>, maxRecordBytes = 1 << 20): AsyncIterable<TextRecord> {
  const pending: TextRecord[] = []
  const tok = new CsvTokenizer(
    (r: CsvRecord) => {
      pending.push({ line: r.line, fields: recordFields(r) })
      return true
    },
    1,
    maxRecordBytes,
  )
  let first = true
  for await (const chunk of chunks) {
    tok.feed(first ? stripBom(chunk) : chunk)
    first = false
    if (tok.error) {
      yield* pending.splice(0)
      throw new ScoringAbort(tok.error)
    }
    yield* pending.splice(0)
  }
  tok.finish()
  yield* pending.splice(0)
  if (tok.error) throw new ScoringAbort(tok.error)
}
