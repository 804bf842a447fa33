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
import { CsvTokenizer } from './csv-records.ts'
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

export async function parseLongSubmission(
  chunks: AsyncIterable<Uint8Array>,
  truth: Pick<Truth, 'ids' | 'dim' | 'vectors'>,
  options: LongParseOptions,
): Promise<Result<LongParsed>> {
  const maxRecordBytes = options.maxRecordBytes ?? 1 << 20
  // ≤ 2 MiB (+ one 1 MiB piece) keeps a segment's line count below 2^22 (see encodePos).
  const segmentBytes = Math.max(1, Math.min(options.segmentBytes ?? DEFAULT_SEGMENT, DEFAULT_SEGMENT))
  const it = chunks[Symbol.asyncIterator]()

  const head = await readLongHeader(it, maxRecordBytes, 'Submission')
  if (!head.ok) return head
  const { idColumn, bodyStartLine, rest, ended } = head

  // ---- body
  const n = truth.ids.length * truth.dim
  const threads = Math.max(0, Math.floor(options.threads))
  const store = new RowStore({ ids: truth.ids, dim: truth.dim, truth: truth.vectors })
  const shared = threads > 0 ? sharedVectors(truth.vectors) : undefined
  const runner = new SegmentRunner(
    store,
    idColumn,
    maxRecordBytes,
    shared
      ? { ids: truth.ids, dim: truth.dim, idColumn, maxRecordBytes, truth: shared.buffer as SharedArrayBuffer, truthOffset: shared.byteOffset }
      : undefined,
    threads,
  )

  if (options.awaitWorkers) await runner.whenReady()
  const localErrors: LocalRowError[] = []
  /** Line counts of the pseudo-segments of the slow path, by segment index. */
  const slowLines = new Map<number, number>()
  /** Line logs of the slow path's pseudo-segments, by segment index. */
  const slowLogs = new Map<number, Uint32Array>()
  let slowDup = false
  let seg = 0
  let tooLarge = false
  let stop = false
  let crossDup = false

  let cur: Uint8Array = new Uint8Array(segmentBytes + PIECE)
  let curLen = 0
  const dispatch = async (buf: Uint8Array) => {
    if (seg >= MAX_SEGMENTS) {
      tooLarge = true
      stop = true
      return
    }
    await runner.submit(seg++, buf)
    if (runner.stopped) stop = true
  }
  const flushFast = async () => {
    const nl = curLen === 0 ? -1 : cur.lastIndexOf(10, curLen - 1)
    if (nl < 0) {
      if (curLen > maxRecordBytes) {
        // One line already longer than allowed: the segment reports it; nothing after matters.
        await dispatch(cur.subarray(0, curLen))
        stop = true
      }
      return
    }
    const next = runner.allocate(Math.max(segmentBytes + PIECE, curLen - nl - 1 + PIECE))
    next.set(cur.subarray(nl + 1, curLen))
    const full = cur.subarray(0, nl + 1)
    cur = next
    curLen = curLen - nl - 1
    await dispatch(full)
  }

  // Slow path state (created on the first quote).
  let slow: CsvTokenizer | undefined
  let slowSeg = 0
  let slowBase = 0
  const onSlowRecord = (r: { line: number; buf: Uint8Array; starts: readonly number[]; ends: readonly number[] }) => {
    if (r.line - slowBase >= LOCAL_SPAN / 2) {
      slowLines.set(slowSeg, r.line - slowBase)
      slowLogs.set(slowSeg, store.log.take())
      if (seg >= MAX_SEGMENTS) {
        tooLarge = true
        return false
      }
      slowSeg = seg++
      slowBase = r.line
      store.log.begin()
    }
    const pos = encodePos(slowSeg, r.line - slowBase)
    const nf = r.starts.length
    const [idS, idE, vS, vE] =
      nf < 2
        ? [r.starts[0], r.ends[0], r.ends[0], r.ends[0]]
        : idColumn === 1
          ? [r.starts[0], r.ends[0], r.starts[1], r.ends[1]]
          : [r.starts[1], r.ends[1], r.starts[0], r.ends[0]]
    const outcome = nf !== 2 ? ROW_FIELDS : store.store(r.buf, idS, idE, vS, vE, r.line - slowBase)
    if (outcome === ROW_OK) return true
    if (outcome === ROW_DUP) slowDup = true
    else localErrors.push({ pos, ...describeRowError(outcome, r.buf, idS, idE, vS, vE, truth.dim, idColumn, nf) })
    return false
  }
  const slowFeed = (piece: Uint8Array) => {
    const tok = slow as CsvTokenizer
    if (tok.feed(piece) >= 0) {
      stop = true
      if (tok.error) localErrors.push(tokError(tok.error, slowSeg, slowBase))
    }
  }
  const rowsBeforeSlow = { value: 0 }

  const consume = async (chunk: Uint8Array) => {
    for (let off = 0; off < chunk.length && !stop; off += PIECE) {
      const piece = chunk.subarray(off, Math.min(chunk.length, off + PIECE))
      if (!slow && piece.indexOf(34) >= 0) {
        slowSeg = seg++
        slow = new CsvTokenizer(onSlowRecord, 0, maxRecordBytes)
        store.log.begin()
        rowsBeforeSlow.value = store.rows
        slowFeed(cur.subarray(0, curLen))
        curLen = 0
      }
      if (slow) {
        if (!stop) slowFeed(piece)
        continue
      }
      if (curLen + piece.length > cur.length) {
        const bigger = new Uint8Array(cur.length * 2 + piece.length)
        bigger.set(cur.subarray(0, curLen))
        cur = bigger
      }
      cur.set(piece, curLen)
      curLen += piece.length
      if (curLen >= segmentBytes) await flushFast()
    }
  }

  try {
    if (rest && rest.length > 0) await consume(rest)
    while (!ended && !stop) {
      const r = await it.next()
      if (r.done) break
      await consume(r.value)
    }
    if (!stop) {
      if (slow) {
        const tok: CsvTokenizer = slow
        if (!tok.finish() && tok.error) localErrors.push(tokError(tok.error, slowSeg, slowBase))
      } else if (curLen > 0) await dispatch(cur.subarray(0, curLen))
    }
    await runner.drain()
    if (slow) slowLogs.set(slowSeg, store.log.take())
    // Totals are only needed when no error was seen so far (otherwise the logs decide).
    if (!stop && !slowDup && localErrors.length === 0 && !runner.outcomes.some((o) => o.error || o.dup)) {
      for (const t of await runner.finish()) {
        if (mergeBitmaps(store.seen, t.seen)) crossDup = true
        mergeAccumulators(store.acc, t.acc)
      }
    }
  } finally {
    await runner.close()
    if (stop) await it.return?.()
  }

  // ---- resolve the first error in file order
  const outcomes = runner.outcomes
  for (const o of outcomes) if (o.error) localErrors.push(o.error)
  const lines = new Map<number, number>(slowLines)
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
  const anyError = crossDup || slowDup || localErrors.length > 0 || outcomes.some((o) => o.dup)
  const logs = new Map<number, Uint32Array>(slowLogs)
  for (const o of outcomes) logs.set(o.seg, o.log)
  const dup = anyError ? firstDuplicate(logs, seg, n) : undefined
  if (dup && (!best || dup.second < best.pos)) {
    const id = `${truth.ids[Math.floor(dup.slot / truth.dim)]}_${dup.slot % truth.dim}`
    best = {
      pos: dup.second,
      make: () => scoringError('duplicate_row', `duplicate row for id '${id}' (first seen on line ${lineOfPos(dup.first)})`, lineOfPos(dup.second), idColumn),
    }
  }
  if (best) return fail(best.make())
  if (tooLarge) return fail(scoringError('too_large', 'Submission is too large (more than 2 GiB of CSV)'))

  const rows = outcomes.reduce((sum, o) => sum + o.rows, 0) + (slow ? store.rows - rowsBeforeSlow.value : 0)
  if (rows === 0) return fail(scoringError('header_only', 'Submission has a header but no data rows'))
  if (rows < n) {
    const slot = firstClear(store.seen, n)
    const id = `${truth.ids[Math.floor(slot / truth.dim)]}_${slot % truth.dim}`
    const missing = n - rows
    return fail(scoringError('missing_rows', `Submission is missing ${missing} row${missing === 1 ? '' : 's'}; first missing id: ${id}`))
  }
  return { ok: true, acc: store.acc, rows }
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
