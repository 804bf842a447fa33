/**
 * Long-format truth CSV (`imgId_eId,val`) → Truth: the answer key as organizers and offline
 * users (`arena score --truth`) keep it. Ids are taken in order of first appearance and dim is
 * the largest eId + 1; every (image, eId) must appear exactly once.
 *
 * Same byte path as submissions (long-parse.ts): the same source (decompression, line
 * endings), the same header phase (long-header.ts), a single-pass byte scanner over quote-free
 * chunks with the quote-aware tokenizer from the first `"` on, the same float parser and the
 * same row messages (describeRowError). Nothing is kept per row: values go straight into an
 * image-major matrix whose row length grows with the largest eId seen, and each slot keeps the
 * line that filled it (for "first seen on line N"). The whole 16,000-image, 167 MB truth of
 * the benchmark used to build 6.1 M row objects (33 s, 1.2 GB peak); see bench/RESULTS-score.md.
 */
import { CsvTokenizer, type CsvRecord } from './csv-records.ts'
import { ScoringAbort, fail, quoteText, scoringError, type Result, type ScoringError } from './errors.ts'
import { parseDecimal } from './float-parse.ts'
import { IdTable, hashBytes } from './id-index.ts'
import { readLongHeader } from './long-header.ts'
import { ROW_BAD_ID, ROW_DIM, ROW_DUP, ROW_EMPTY, ROW_FIELDS, ROW_INFINITE, ROW_NAN, ROW_OK, describeRowError } from './long-rows.ts'
import { openSource, type SourceLimits, type SubmissionSource } from './source.ts'
import { buildTruth, type Truth } from './truth.ts'

/** Largest accepted embedding length: a typo such as `a_99999999` must not allocate gigabytes. */
export const MAX_TRUTH_DIM = 1 << 14

export interface TruthCsvOptions {
  /** Ids of the public images; omitted = every image is public. Unknown ids throw. */
  readonly publicIds?: Iterable<string>
  /** Longest accepted record, in raw bytes without its LF. */
  readonly maxRecordBytes?: number
  /** Caps on decompressing a gzip or zip truth file; source.ts DEFAULT_LIMITS if omitted. */
  readonly limits?: SourceLimits
}

export async function readTruthCsv(source: SubmissionSource, options: TruthCsvOptions = {}): Promise<Result<{ truth: Truth }>> {
  const maxRecordBytes = options.maxRecordBytes ?? 1 << 20
  try {
    const opened = await openSource(source, { limits: options.limits })
    const it = opened.chunks[Symbol.asyncIterator]()
    try {
      const head = await readLongHeader(it, maxRecordBytes, 'Truth file')
      if (!head.ok) return head
      const matrix = new TruthMatrix()
      const body = new TruthBody(matrix, head.idColumn, head.bodyStartLine, maxRecordBytes)
      if (head.rest && head.rest.length > 0) body.feed(head.rest)
      while (!head.ended && !body.error) {
        const r = await it.next()
        if (r.done) break
        body.feed(r.value)
      }
      if (!body.error) body.finish()
      if (body.error) return fail(body.error)
      return matrix.build(options.publicIds)
    } finally {
      await it.return?.()
    }
  } catch (err) {
    if (err instanceof ScoringAbort) return fail(err.error)
    throw err
  }
}

const EMPTY = new Uint8Array(0)

/**
 * Cuts the body into records: quote-free chunks by a byte scan (LF or CRLF ends a line, blank
 * lines are skipped, as the tokenizer does), everything from the first chunk with a `"` on by
 * the tokenizer. Stops at the first error, which is then the first in file order.
 */
class TruthBody {
  error: ScoringError | undefined
  private carry: Uint8Array = EMPTY
  private line: number
  private tok: CsvTokenizer | undefined

  constructor(
    private readonly matrix: TruthMatrix,
    private readonly idColumn: number,
    startLine: number,
    private readonly maxRecordBytes: number,
  ) {
    this.line = startLine
  }

  feed(chunk: Uint8Array): void {
    if (!this.tok && chunk.indexOf(34) >= 0) {
      this.tok = new CsvTokenizer((r) => this.onRecord(r), this.line, this.maxRecordBytes)
      const carry = this.carry
      this.carry = EMPTY
      this.feedTokenizer(carry)
    }
    if (this.tok) {
      if (!this.error) this.feedTokenizer(chunk)
      return
    }
    let b = chunk
    if (this.carry.length > 0) {
      b = new Uint8Array(this.carry.length + chunk.length)
      b.set(this.carry)
      b.set(chunk, this.carry.length)
    }
    const used = this.scan(b, false)
    this.carry = used < b.length ? b.slice(used) : EMPTY
    if (!this.error && this.carry.length > this.maxRecordBytes) this.error = this.tooLong()
  }

  finish(): void {
    if (this.tok) {
      if (!this.tok.finish() && !this.error) this.error = this.tok.error
    } else if (this.carry.length > 0) this.scan(this.carry, true)
  }

  private feedTokenizer(b: Uint8Array): void {
    const tok = this.tok as CsvTokenizer
    if (tok.feed(b) >= 0 && tok.error && !this.error) this.error = tok.error
  }

  private onRecord(r: CsvRecord): boolean {
    const nf = r.starts.length
    const [idS, idE, vS, vE] =
      nf < 2
        ? [r.starts[0], r.ends[0], r.ends[0], r.ends[0]]
        : this.idColumn === 1
          ? [r.starts[0], r.ends[0], r.starts[1], r.ends[1]]
          : [r.starts[1], r.ends[1], r.starts[0], r.ends[0]]
    const outcome = nf !== 2 ? ROW_FIELDS : this.matrix.store(r.buf, idS, idE, vS, vE, r.line)
    if (outcome === ROW_OK) return true
    this.error = this.describe(outcome, r.buf, idS, idE, vS, vE, r.line, nf)
    return false
  }

  /** Parses the complete lines of `b` (all of it when `final`); returns the bytes used. */
  private scan(b: Uint8Array, final: boolean): number {
    const end = b.length
    const idFirst = this.idColumn === 1
    let i = 0
    while (i < end) {
      const ls = i
      let c1 = -1
      let commas = 0
      while (i < end) {
        const c = b[i]
        if (c === 10) break
        if (c === 44) {
          if (commas === 0) c1 = i
          commas++
        }
        i++
      }
      if (i === end && !final) return ls
      const lf = i
      if (lf - ls > this.maxRecordBytes) {
        this.error = this.tooLong()
        return end
      }
      let le = lf
      if (le > ls && b[le - 1] === 13) le--
      if (le > ls) {
        let outcome: number
        let idS = ls
        let idE = le
        let vS = le
        let vE = le
        if (commas !== 1) {
          outcome = ROW_FIELDS
          if (commas > 1) {
            // For the message: the two first fields, as the tokenizer would report them.
            let c2 = c1 + 1
            while (b[c2] !== 44) c2++
            ;[idS, idE, vS, vE] = idFirst ? [ls, c1, c1 + 1, c2] : [c1 + 1, c2, ls, c1]
          }
        } else {
          ;[idS, idE, vS, vE] = idFirst ? [ls, c1, c1 + 1, le] : [c1 + 1, le, ls, c1]
          outcome = this.matrix.store(b, idS, idE, vS, vE, this.line)
        }
        if (outcome !== ROW_OK) {
          this.error = this.describe(outcome, b, idS, idE, vS, vE, this.line, commas + 1)
          return end
        }
      }
      this.line++
      i = lf + 1
    }
    return end
  }

  private tooLong(): ScoringError {
    return scoringError('line_too_long', `record is longer than ${this.maxRecordBytes} bytes`, this.line, 1)
  }

  private describe(outcome: number, b: Uint8Array, idS: number, idE: number, vS: number, vE: number, line: number, nf: number): ScoringError {
    const id = quoteText(new TextDecoder().decode(b.subarray(idS, idE)), 60)
    const col = this.idColumn
    if (outcome === ROW_DUP) return scoringError('duplicate_row', `duplicate row for id '${id}' (first seen on line ${this.matrix.dupFirstLine})`, line, col)
    if (outcome === ROW_BAD_ID && idS !== idE) {
      return scoringError('bad_id', `id '${id}' is not of the form imgId_eId (eId a whole number without leading zeros)`, line, col)
    }
    if (outcome === ROW_DIM) {
      return scoringError('dim_out_of_range', `embedding index ${id.slice(id.lastIndexOf('_') + 1)} in '${id}' is above the largest supported (${MAX_TRUTH_DIM - 1})`, line, col)
    }
    const d = describeRowError(outcome, b, idS, idE, vS, vE, MAX_TRUTH_DIM, col, nf)
    return scoringError(d.code, d.detail, line, d.column)
  }
}

/**
 * The truth values as an image-major matrix `values[img * stride + e]`, grown as new images
 * and larger eIds appear, with the line that filled each slot (0 = not yet). While there are
 * few images the row length grows to exactly the largest eId + 1 (cheap: little to move);
 * after that it doubles, so an eId-major file costs O(log dim) relayouts, not O(dim).
 */
class TruthMatrix {
  readonly ids = new IdTable()
  rows = 0
  /** Line of the earlier row when `store` returned ROW_DUP. */
  dupFirstLine = 0
  private stride = 0
  private imgCap = 0
  private maxE = -1
  private values: Float32Array = new Float32Array(0)
  private lines = new Uint32Array(0)
  // Consecutive rows nearly always share the image id: compare bytes before hashing.
  private readonly lastId = new Uint8Array(64)
  private lastLen = -1
  private lastImg = -1

  /** Validates and stores one row; ROW_* as in long-rows.ts. */
  store(b: Uint8Array, idS: number, idE: number, vS: number, vE: number, line: number): number {
    let us = idE - 1
    while (us >= idS && b[us] !== 95) us--
    if (us <= idS) return ROW_BAD_ID
    const ds = us + 1
    if (ds === idE || (b[ds] === 48 && idE - ds > 1)) return ROW_BAD_ID
    let e = 0
    for (let i = ds; i < idE; i++) {
      const x = b[i] - 48
      if (x < 0 || x > 9) return ROW_BAD_ID
      if (e < 1e9) e = e * 10 + x
    }
    if (e >= MAX_TRUTH_DIM) return ROW_DIM
    const len = us - idS
    let img = -1
    if (len === this.lastLen) {
      let j = 0
      while (j < len && this.lastId[j] === b[idS + j]) j++
      if (j === len) img = this.lastImg
    }
    if (img < 0) {
      img = this.ids.lookupOrAdd(b, idS, us, hashBytes(b, idS, us))
      if (len <= this.lastId.length) {
        for (let j = 0; j < len; j++) this.lastId[j] = b[idS + j]
        this.lastLen = len
        this.lastImg = img
      }
    }
    while (vS < vE && (b[vS] === 32 || b[vS] === 9)) vS++
    while (vE > vS && (b[vE - 1] === 32 || b[vE - 1] === 9)) vE--
    if (vS === vE) return ROW_EMPTY
    const v = parseDecimal(b, vS, vE)
    if (v !== v) return ROW_NAN
    // Stored as float32: a value beyond float32's range would become Infinity there.
    const f = Math.fround(v)
    if (f === Infinity || f === -Infinity) return ROW_INFINITE
    if (e >= this.stride || img >= this.imgCap) this.grow(img, e)
    const slot = img * this.stride + e
    const first = this.lines[slot]
    if (first !== 0) {
      this.dupFirstLine = first
      return ROW_DUP
    }
    this.lines[slot] = line
    this.values[slot] = f
    if (e > this.maxE) this.maxE = e
    this.rows++
    return ROW_OK
  }

  build(publicIds: Iterable<string> | undefined): Result<{ truth: Truth }> {
    if (this.rows === 0) return fail(scoringError('header_only', 'Truth file has a header but no data rows'))
    const n = this.ids.count
    const dim = this.maxE + 1
    const ids = this.ids.ids()
    if (this.rows < n * dim) {
      const missing = n * dim - this.rows
      let first = ''
      for (let i = 0; i < n && first === ''; i++) {
        const k = this.lines.subarray(i * this.stride, i * this.stride + dim).indexOf(0)
        if (k >= 0) first = `${ids[i]}_${k}`
      }
      return fail(scoringError('missing_rows', `Truth file is missing ${missing} row${missing === 1 ? '' : 's'}; first missing id: ${first}`))
    }
    // The matrix is already in shared memory (scoring threads read it in place, shared-truth.ts):
    // with the usual exact row length it becomes the vectors without a copy.
    let vectors: Float32Array
    if (this.stride === dim) vectors = this.values.subarray(0, n * dim)
    else {
      vectors = new Float32Array(new SharedArrayBuffer(n * dim * 4))
      for (let i = 0; i < n; i++) vectors.set(this.values.subarray(i * this.stride, i * this.stride + dim), i * dim)
    }
    this.values = new Float32Array(0)
    this.lines = new Uint32Array(0)
    return { ok: true, truth: buildTruth(ids, vectors, dim, { publicIds }) }
  }

  private grow(img: number, e: number): void {
    const count = Math.max(this.ids.count, img + 1)
    const stride = e < this.stride ? this.stride : Math.max(e + 1, count <= 64 ? 0 : this.stride * 2)
    let cap = Math.max(this.imgCap, 16)
    while (cap <= img) cap *= 2
    const values = new Float32Array(new SharedArrayBuffer(cap * stride * 4))
    const lines = new Uint32Array(cap * stride)
    const old = Math.min(this.imgCap, count)
    if (stride === this.stride) {
      values.set(this.values.subarray(0, old * stride))
      lines.set(this.lines.subarray(0, old * stride))
    } else {
      for (let i = 0; i < old; i++) {
        const from = i * this.stride
        values.set(this.values.subarray(from, from + this.stride), i * stride)
        lines.set(this.lines.subarray(from, from + this.stride), i * stride)
      }
    }
    this.values = values
    this.lines = lines
    this.stride = stride
    this.imgCap = cap
  }
}
