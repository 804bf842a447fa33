/**
 * What kind of file a submission is, from its first bytes: which CSV format (by its header),
 * or, for files that are not CSV text at all, what they are and what to send instead.
 *
 *   identifyNotCsv(head)            → ScoringError naming the file type, or undefined (looks like text)
 *   detectSubmissionFormat(first)   → 'embeddings' | 'prompts', or a typed error
 *   detectSourceFormat(source)      → the same for a path / stream, after decompression
 *
 * source.ts calls identifyNotCsv on the first decompressed bytes of every file, so every
 * reader (submissions, truth files, prompt CSVs) gives the same message.
 */
import { CsvTokenizer } from './csv-records.ts'
import { ScoringAbort, fail, quoteText, scoringError, type Result } from './errors.ts'
import { recordFields, stripBom } from './header.ts'
import { identifyNotCsv } from './not-csv.ts'
import { openSource, type OpenOptions, type SubmissionSource } from './source.ts'

export { identifyNotCsv }

/** The two submission formats: `imgId_eId,val` embeddings and `imgId,prompt` texts. */
export type SubmissionFormat = 'embeddings' | 'prompts'

/**
 * The submission format from the first bytes of a CSV (after decompression; `detectSourceFormat`
 * does that for a path or stream): `imgId_eId` in the header means embeddings, `imgId` or
 * `prompt` means prompt texts. Needs the complete header line unless `firstBytes` is the
 * whole file; the columns themselves are checked later by the reader of that format.
 */
export function detectSubmissionFormat(firstBytes: Uint8Array, isWholeFile = false): Result<{ format: SubmissionFormat }> {
  const notCsv = identifyNotCsv(firstBytes)
  if (notCsv) return fail(notCsv)
  let names: string[] | undefined
  const tok = new CsvTokenizer((r) => {
    names = recordFields(r).map((f) => f.trim())
    return false
  })
  // A bare CR ends the header too (old Mac files; source.ts turns those into LF).
  const text = stripBom(firstBytes)
  const cr = text.indexOf(13)
  const lf = text.indexOf(10)
  const end = cr >= 0 && (lf < 0 || cr < lf) && text[cr + 1] !== 10 ? cr : -1
  tok.feed(end >= 0 ? text.subarray(0, end + 1).map((c, i) => (i === end ? 10 : c)) : text)
  if (names === undefined && (isWholeFile || end >= 0)) tok.finish()
  if (tok.error) return fail(tok.error)
  if (names === undefined) {
    return isWholeFile
      ? fail(scoringError('empty_file', 'Submission is empty'))
      : fail(scoringError('line_too_long', `The first ${firstBytes.length} bytes hold no complete header line`, 1))
  }
  if (names.includes('imgId_eId')) return { ok: true, format: 'embeddings' }
  if (names.includes('imgId') || names.includes('prompt')) return { ok: true, format: 'prompts' }
  return fail(
    scoringError(
      'unknown_format',
      `The header '${quoteText(names.join(','), 60)}' is neither imgId_eId,val (embeddings) nor imgId,prompt (prompt texts)`,
      1,
    ),
  )
}

/** Header bytes read by detectSourceFormat: far more than any real header line. */
const DETECT_BYTES = 64 << 10

/**
 * detectSubmissionFormat for a path, web stream or byte iterable: decompresses (gzip, zip) and
 * reads at most the first 64 KiB of CSV, so corrupt archives and non-CSV files get their own
 * messages here too.
 */
export async function detectSourceFormat(source: SubmissionSource, options: Pick<OpenOptions, 'limits'> = {}): Promise<Result<{ format: SubmissionFormat }>> {
  const parts: Uint8Array[] = []
  let len = 0
  let whole = true
  try {
    const opened = await openSource(source, options)
    for await (const chunk of opened.chunks) {
      parts.push(chunk)
      len += chunk.length
      if (len >= DETECT_BYTES) {
        whole = false
        break
      }
    }
  } catch (err) {
    if (err instanceof ScoringAbort) return fail(err.error)
    throw err
  }
  const head = new Uint8Array(Math.min(len, DETECT_BYTES))
  let off = 0
  for (const p of parts) {
    const take = Math.min(p.length, head.length - off)
    head.set(p.subarray(0, take), off)
    off += take
    if (off === head.length) break
  }
  return detectSubmissionFormat(head, whole)
}
