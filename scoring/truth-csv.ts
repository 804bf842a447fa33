/**
 * Long-format truth CSV (`imgId_eId,val`) → Truth. Ids are taken in order of first appearance
 * and dim is the largest eId + 1; every (image, eId) must appear exactly once. Uses the same
 * tokenizer, id rules and float parser as submissions, on the general path (truth files are
 * written once per test set, speed is secondary).
 */
import { ScoringAbort, fail, scoringError, type Result } from './errors.ts'
import { matchHeader } from './header.ts'
import { parseDecimal } from './float-parse.ts'
import { textRecords } from './records.ts'
import { openSource, type SubmissionSource } from './source.ts'
import { buildTruth, type Truth } from './truth.ts'

const ID = /^(.+)_(0|[1-9][0-9]{0,8})$/

export async function readTruthCsv(
  source: SubmissionSource,
  options: { readonly publicIds?: Iterable<string> } = {},
): Promise<Result<{ truth: Truth }>> {
  try {
    const opened = await openSource(source)
    const images = new Map<string, number>()
    const rows: { img: number; e: number; v: number; line: number }[] = []
    let columns: number[] | undefined
    let dim = 0
    const enc = new TextEncoder()
    for await (const r of textRecords(opened.chunks)) {
      if (!columns) {
        const m = matchHeader(r.fields, ['imgId_eId', 'val'], r.line)
        if (!m.ok) return fail(m.error)
        columns = m.columns
        continue
      }
      if (r.fields.length !== 2) return fail(scoringError('field_count', `expected 2 fields (imgId_eId,val) but found ${r.fields.length}`, r.line, 3))
      const id = r.fields[columns[0]]
      const m = ID.exec(id)
      if (!m) return fail(scoringError('bad_id', `id '${id}' is not of the form imgId_eId`, r.line, columns[0] + 1))
      const text = r.fields[columns[1]].replace(/^[ \t]+|[ \t]+$/g, '')
      if (text === '') return fail(scoringError('empty_value', `value for ${id} is empty`, r.line, columns[1] + 1))
      const bytes = enc.encode(text)
      const v = parseDecimal(bytes, 0, bytes.length)
      if (!Number.isFinite(v)) return fail(scoringError('not_a_number', `value '${text}' for ${id} is not a finite number`, r.line, columns[1] + 1))
      let img = images.get(m[1])
      if (img === undefined) images.set(m[1], (img = images.size))
      const e = Number(m[2])
      dim = Math.max(dim, e + 1)
      rows.push({ img, e, v, line: r.line })
    }
    if (!columns) return fail(scoringError('empty_file', 'Truth file is empty'))
    if (rows.length === 0) return fail(scoringError('header_only', 'Truth file has a header but no data rows'))
    const ids = [...images.keys()]
    const vectors = new Float32Array(ids.length * dim)
    const seen = new Int32Array(ids.length * dim)
    for (const row of rows) {
      const slot = row.img * dim + row.e
      if (seen[slot] !== 0) {
        return fail(scoringError('duplicate_row', `duplicate row for id '${ids[row.img]}_${row.e}' (first seen on line ${seen[slot]})`, row.line))
      }
      seen[slot] = row.line
      vectors[slot] = row.v
    }
    const hole = seen.indexOf(0)
    if (hole >= 0) {
      return fail(scoringError('missing_rows', `Truth file is missing ${seen.length - rows.length} rows; first missing id: ${ids[Math.floor(hole / dim)]}_${hole % dim}`))
    }
    return { ok: true, truth: buildTruth(ids, vectors, dim, { publicIds: options.publicIds }) }
  } catch (err) {
    if (err instanceof ScoringAbort) return fail(err.error)
    throw err
  }
}

export type CsvKind = 'long' | 'prompts' | 'unknown'

/** Which of the two formats a CSV is, from its header alone (reads only the first record). */
export async function sniffCsvKind(source: SubmissionSource): Promise<CsvKind> {
  try {
    const opened = await openSource(source)
    for await (const r of textRecords(opened.chunks)) {
      const names = r.fields.map((f) => f.trim())
      if (names.includes('imgId_eId')) return 'long'
      if (names.includes('imgId') || names.includes('prompt')) return 'prompts'
      return 'unknown'
    }
    return 'unknown'
  } catch (err) {
    if (err instanceof ScoringAbort) return 'unknown'
    throw err
  }
}
