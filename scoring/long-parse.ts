/**
 * Long-format submission (`imgId_eId,val`) → prediction matrix, with full validation.
 *
 * The header goes through the general tokenizer. The body is cut into ~2 MiB segments at
 * line boundaries and parsed by worker threads in parallel (`scanSegment`), which is exact as
 * long as a chunk contains no `"`. From the first chunk that has a quote on, the rest of the
 * file goes through the quote-aware tokenizer on this thread instead. Both paths feed the
 * same `RowStore.store`, so they accept, reject and parse identically.
 *
 * Nothing is stored per row: values go into per-thread cosine accumulators, slots into
 * per-thread bitmaps, merged at the end (accumulators.ts, slot-claims.ts).
 *
 * "First error" is defined by file order. Threads report errors as segment-relative
 * positions. A thread that meets a slot it filled before stops there (the other row is
 * earlier); a repeat across threads shows up as overlapping bitmaps. Either way, the earliest
 * repeat in file order is then found by replaying the segments' line logs (error path only),
 * and the earliest error of any kind wins.
 */
import { mergeAccumulators } from './accumulators.ts'
import { CsvTokenizer, type CsvRecord } from './csv-records.ts'
import { fail, scoringError, type Result, type ScoringError } from './errors.ts'
import { readLongHeader } from './long-header.ts'
import { LOCAL_SPAN, MAX_SEGMENTS, ROW_DUP, ROW_FIELDS, ROW_OK, RowStore, describeRowError, encodePos, type LocalRowError } from './long-rows.ts'
import { SegmentRunner } from './segment-runner.ts'
import { firstClear, mergeBitmaps, newBitmap } from './slot-claims.ts'
import { sharedVectors } from './shared-truth.ts'
import type { Truth } from './truth.ts'

export interface LongParseOptions {
  /** Worker threads; 0 parses on the calling thread. */
  readonly threads: number
  /** Target segment size (tests use tiny ones to exercise cross-segment logic). */
  readonly segmentBytes?: number
  /** Longest accepted record, in raw bytes without its LF. */
  readonly maxRecordBytes?: number
  /** Testing: wait for the workers before parsing, so small inputs really go through them. */
  readonly awaitWorkers?: boolean
}

export interface LongParsed {
  /** Per-image cosine terms of all rows (see accumulators.ts). */
  readonly acc: Float64Array
  /** Data rows accepted (= ids.length * dim on success). */
  readonly rows: number
}

const PIECE = 1 << 20
const DEFAULT_SEGMENT = 2 << 20

/**
 * Three phases: the header (long-header.ts), the body (`LongBody`: cut into segments for the
 * workers, or through the tokenizer after a quote), then the verdict (`verdict`: the first
 * error in file order, else missing rows, else the merged accumulators).
 */
export async function parseLongSubmission(
  chunks: AsyncIterable<Uint8Array>,
  truth: Pick<Truth, 'ids' | 'dim' | 'vectors'>,
  options: LongParseOptions,
): Promise<Result<LongParsed>> {
  const maxRecordBytes = options.maxRecordBytes ?? 1 << 20
  const it = chunks[Symbol.asyncIterator]()
  const head = await readLongHeader(it, maxRecordBytes, 'Submission')
  if (!head.ok) return head
  const body = new LongBody(truth, head.idColumn, maxRecordBytes, options)
  try {
    if (options.awaitWorkers) await body.runner.whenReady()
    if (head.rest && head.rest.length > 0) await body.consume(head.rest)
    while (!head.ended && !body.stop) {
      const r = await it.next()
      if (r.done) break
      await body.consume(r.value)
    }
    await body.finishInput()
  } finally {
    await body.runner.close()
    if (body.stop) await it.return?.()
  }
  return verdict(body, truth, head.bodyStartLine, head.idColumn)
}

/**
 * The body phase: quote-free input is cut at line ends into segments for the SegmentRunner
 * (workers, or inline until they are up); from the first piece holding a `"` on, the rest
 * goes through the quote-aware tokenizer on this thread as numbered pseudo-segments, so
 * positions (encodePos) stay comparable across both paths.
 */
class LongBody {
  readonly store: RowStore
  readonly runner: SegmentRunner
  /** Row errors found on this thread (slow path) or reported by segments. */
  readonly localErrors: LocalRowError[] = []
  /** Line counts and line logs of the slow path's pseudo-segments, by segment index. */
  readonly slowLines = new Map<number, number>()
  readonly slowLogs = new Map<number, Uint32Array>()
  slowDup = false
  /** Segments numbered so far (fast and slow). */
  seg = 0
  tooLarge = false
  /** Set once nothing later in the input can change the result. */
  stop = false
  crossDup = false
  slow: CsvTokenizer | undefined
  rowsBeforeSlow = 0
  private slowSeg = 0
  private slowBase = 0
  private cur: Uint8Array
  private curLen = 0
  private readonly segmentBytes: number

  constructor(
    private readonly truth: Pick<Truth, 'ids' | 'dim' | 'vectors'>,
    private readonly idColumn: number,
    private readonly maxRecordBytes: number,
    options: LongParseOptions,
  ) {
    // ≤ 2 MiB (+ one 1 MiB piece) keeps a segment's line count below 2^22 (see encodePos).
    this.segmentBytes = Math.max(1, Math.min(options.segmentBytes ?? DEFAULT_SEGMENT, DEFAULT_SEGMENT))
    const threads = Math.max(0, Math.floor(options.threads))
    this.store = new RowStore({ ids: truth.ids, dim: truth.dim, truth: truth.vectors })
    const shared = threads > 0 ? sharedVectors(truth.vectors) : undefined
    this.runner = new SegmentRunner(
      this.store,
      idColumn,
      maxRecordBytes,
      shared
        ? { ids: truth.ids, dim: truth.dim, idColumn, maxRecordBytes, truth: shared.buffer as SharedArrayBuffer, truthOffset: shared.byteOffset }
        : undefined,
      threads,
    )
    this.cur = new Uint8Array(this.segmentBytes + PIECE)
  }

  /** Takes one input chunk, in pieces of ≤ 1 MiB. */
  async consume(chunk: Uint8Array): Promise<void> {
    for (let off = 0; off < chunk.length && !this.stop; off += PIECE) {
      const piece = chunk.subarray(off, Math.min(chunk.length, off + PIECE))
      if (!this.slow && piece.indexOf(34) >= 0) this.startSlow()
      if (this.slow) {
        if (!this.stop) this.slowFeed(piece)
        continue
      }
      if (this.curLen + piece.length > this.cur.length) {
        const bigger = new Uint8Array(this.cur.length * 2 + piece.length)
        bigger.set(this.cur.subarray(0, this.curLen))
        this.cur = bigger
      }
      this.cur.set(piece, this.curLen)
      this.curLen += piece.length
      if (this.curLen >= this.segmentBytes) await this.flushFast()
    }
  }

  /** End of input: flushes the last segment or record, waits for the workers, merges totals. */
  async finishInput(): Promise<void> {
    if (!this.stop) {
      if (this.slow) {
        const tok: CsvTokenizer = this.slow
        if (!tok.finish() && tok.error) this.localErrors.push(tokError(tok.error, this.slowSeg, this.slowBase))
      } else if (this.curLen > 0) await this.dispatch(this.cur.subarray(0, this.curLen))
    }
    await this.runner.drain()
    if (this.slow) this.slowLogs.set(this.slowSeg, this.store.log.take())
    // Totals are only needed when no error was seen so far (otherwise the logs decide).
    if (!this.stop && !this.slowDup && this.localErrors.length === 0 && !this.runner.outcomes.some((o) => o.error || o.dup)) {
      for (const t of await this.runner.finish()) {
        if (mergeBitmaps(this.store.seen, t.seen)) this.crossDup = true
        mergeAccumulators(this.store.acc, t.acc)
      }
    }
  }

  private async dispatch(buf: Uint8Array): Promise<void> {
    if (this.seg >= MAX_SEGMENTS) {
      this.tooLarge = true
      this.stop = true
      return
    }
    await this.runner.submit(this.seg++, buf)
    if (this.runner.stopped) this.stop = true
  }

  /** Sends everything up to the last line end as one segment; keeps the partial line. */
  private async flushFast(): Promise<void> {
    const nl = this.curLen === 0 ? -1 : this.cur.lastIndexOf(10, this.curLen - 1)
    if (nl < 0) {
      if (this.curLen > this.maxRecordBytes) {
        // One line already longer than allowed: the segment reports it; nothing after matters.
        await this.dispatch(this.cur.subarray(0, this.curLen))
        this.stop = true
      }
      return
    }
    const next = this.runner.allocate(Math.max(this.segmentBytes + PIECE, this.curLen - nl - 1 + PIECE))
    next.set(this.cur.subarray(nl + 1, this.curLen))
    const full = this.cur.subarray(0, nl + 1)
    this.cur = next
    this.curLen = this.curLen - nl - 1
    await this.dispatch(full)
  }

  private startSlow(): void {
    this.slowSeg = this.seg++
    this.slow = new CsvTokenizer((r) => this.onSlowRecord(r), 0, this.maxRecordBytes)
    this.store.log.begin()
    this.rowsBeforeSlow = this.store.rows
    this.slowFeed(this.cur.subarray(0, this.curLen))
    this.curLen = 0
  }

  private slowFeed(piece: Uint8Array): void {
    const tok = this.slow as CsvTokenizer
    if (tok.feed(piece) >= 0) {
      this.stop = true
      if (tok.error) this.localErrors.push(tokError(tok.error, this.slowSeg, this.slowBase))
    }
  }

  private onSlowRecord(r: CsvRecord): boolean {
    if (r.line - this.slowBase >= LOCAL_SPAN / 2) {
      this.slowLines.set(this.slowSeg, r.line - this.slowBase)
      this.slowLogs.set(this.slowSeg, this.store.log.take())
      if (this.seg >= MAX_SEGMENTS) {
        this.tooLarge = true
        return false
      }
      this.slowSeg = this.seg++
      this.slowBase = r.line
      this.store.log.begin()
    }
    const pos = encodePos(this.slowSeg, r.line - this.slowBase)
    const nf = r.starts.length
    const [idS, idE, vS, vE] =
      nf < 2
        ? [r.starts[0], r.ends[0], r.ends[0], r.ends[0]]
        : this.idColumn === 1
          ? [r.starts[0], r.ends[0], r.starts[1], r.ends[1]]
          : [r.starts[1], r.ends[1], r.starts[0], r.ends[0]]
    const outcome = nf !== 2 ? ROW_FIELDS : this.store.store(r.buf, idS, idE, vS, vE, r.line - this.slowBase)
    if (outcome === ROW_OK) return true
    if (outcome === ROW_DUP) this.slowDup = true
    else this.localErrors.push({ pos, ...describeRowError(outcome, r.buf, idS, idE, vS, vE, this.truth.dim, this.idColumn, nf) })
    return false
  }
}

/**
 * The verdict phase: the first error in file order (row errors, repeats found by replaying
 * the line logs), else a too-large or incomplete file, else the merged accumulators.
 */
function verdict(body: LongBody, truth: Pick<Truth, 'ids' | 'dim'>, bodyStartLine: number, idColumn: number): Result<LongParsed> {
  const n = truth.ids.length * truth.dim
  const outcomes = body.runner.outcomes
  const localErrors = [...body.localErrors]
  for (const o of outcomes) if (o.error) localErrors.push(o.error)
  const lines = new Map<number, number>(body.slowLines)
  for (const o of outcomes) lines.set(o.seg, o.lines)
  const lineOfPos = (pos: number): number => {
    const s = Math.floor(pos / LOCAL_SPAN)
    let line = bodyStartLine
    for (let k = 0; k < s; k++) {
      const l = lines.get(k)
      if (l === undefined) throw new Error(`internal: no line count for segment ${k}`)
      line += l
    }
    return line + (pos % LOCAL_SPAN)
  }

  let best: { pos: number; make: () => ScoringError } | undefined
  for (const e of localErrors) {
    if (!best || e.pos < best.pos) best = { pos: e.pos, make: () => scoringError(e.code, e.detail, lineOfPos(e.pos), e.column) }
  }
  // Replaying the logs is needed whenever some error exists: a repeat across threads may
  // come before it in the file even though no thread saw it.
  const anyError = body.crossDup || body.slowDup || localErrors.length > 0 || outcomes.some((o) => o.dup)
  const logs = new Map<number, Uint32Array>(body.slowLogs)
  for (const o of outcomes) logs.set(o.seg, o.log)
  const dup = anyError ? firstDuplicate(logs, body.seg, n) : undefined
  if (dup && (!best || dup.second < best.pos)) {
    const id = `${truth.ids[Math.floor(dup.slot / truth.dim)]}_${dup.slot % truth.dim}`
    best = {
      pos: dup.second,
      make: () => scoringError('duplicate_row', `duplicate row for id '${id}' (first seen on line ${lineOfPos(dup.first)})`, lineOfPos(dup.second), idColumn),
    }
  }
  if (best) return fail(best.make())
  if (body.tooLarge) return fail(scoringError('too_large', 'Submission is too large (more than 2 GiB of CSV)'))

  const rows = outcomes.reduce((sum, o) => sum + o.rows, 0) + (body.slow ? body.store.rows - body.rowsBeforeSlow : 0)
  if (rows === 0) return fail(scoringError('header_only', 'Submission has a header but no data rows'))
  if (rows < n) {
    const slot = firstClear(body.store.seen, n)
    const id = `${truth.ids[Math.floor(slot / truth.dim)]}_${slot % truth.dim}`
    const missing = n - rows
    return fail(scoringError('missing_rows', `Submission is missing ${missing} row${missing === 1 ? '' : 's'}; first missing id: ${id}`))
  }
  return { ok: true, acc: body.store.acc, rows }
}

function tokError(error: ScoringError, slowSeg: number, slowBase: number): LocalRowError {
  // Tokenizer lines are relative to the start of the slow path.
  const detail = error.message.replace(/^Line \d+: /, '')
  return { pos: encodePos(slowSeg, (error.line ?? slowBase) - slowBase), code: error.code, detail, column: error.column ?? 1 }
}

/**
 * Earliest row (in file order) whose slot an earlier row already filled, and that earlier
 * row, by replaying the segments' line logs in order. Error path only.
 */
function firstDuplicate(logs: ReadonlyMap<number, Uint32Array>, segments: number, slots: number): { slot: number; first: number; second: number } | undefined {
  const seen = newBitmap(slots)
  for (let s = 0; s < segments; s++) {
    const log = logs.get(s)
    if (!log) continue
    for (let k = 0; k < log.length; k++) {
      if (log[k] === 0) continue
      const slot = log[k] - 1
      const bit = 1 << (slot & 31)
      if ((seen[slot >>> 5] & bit) === 0) {
        seen[slot >>> 5] |= bit
        continue
      }
      return { slot, first: firstOccurrence(logs, slot), second: encodePos(s, k) }
    }
  }
  return undefined
}

function firstOccurrence(logs: ReadonlyMap<number, Uint32Array>, slot: number): number {
  for (const s of [...logs.keys()].sort((a, b) => a - b)) {
    const k = (logs.get(s) as Uint32Array).indexOf(slot + 1)
    if (k >= 0) return encodePos(s, k)
  }
  throw new Error('internal: repeated slot has no first occurrence')
}
