/**
 * Long-format submission (`imgId_eId,val`) → prediction matrix, with full validation.
 *
 * The header goes through the general tokenizer. The body is cut into ~2 MiB segments at
 * line boundaries and parsed by worker threads in parallel (`scanSegment`), which is exact as
 * long as a chunk contains no `"`. From the first chunk that has a quote on, the rest of the
 * file goes through the quote-aware tokenizer on this thread instead. Both paths feed the
 * same `RowStore.store`, so they accept, reject and parse identically.
 *
 * "First error" is defined by file order. Threads report errors as segment-relative
 * positions; duplicates are found through an atomic first-claim per slot plus a list of later
 * sightings, and the earliest error of either kind is resolved once all segments are in.
 */
import { CsvTokenizer } from './csv-records.ts'
import { fail, scoringError, type Result, type ScoringError } from './errors.ts'
import { matchHeader, recordFields, stripBom } from './header.ts'
import {
  LOCAL_SPAN,
  MAX_SEGMENTS,
  ROW_DUP,
  ROW_DUP_LATER,
  ROW_FIELDS,
  RowStore,
  describeRowError,
  encodePos,
  type LocalRowError,
} from './long-rows.ts'
import { SegmentRunner } from './segment-runner.ts'

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
  /** ids.length * dim predicted values, row-major in truth order. */
  readonly pred: Float64Array
  /** Data rows accepted (= ids.length * dim on success). */
  readonly rows: number
}

const PIECE = 1 << 20
const DEFAULT_SEGMENT = 2 << 20

export async function parseLongSubmission(
  chunks: AsyncIterable<Uint8Array>,
  truth: { readonly ids: readonly string[]; readonly dim: number },
  options: LongParseOptions,
): Promise<Result<LongParsed>> {
  const maxRecordBytes = options.maxRecordBytes ?? 1 << 20
  // ≤ 2 MiB (+ one 1 MiB piece) keeps a segment's line count below 2^22 (see encodePos).
  const segmentBytes = Math.max(1, Math.min(options.segmentBytes ?? DEFAULT_SEGMENT, DEFAULT_SEGMENT))
  const it = chunks[Symbol.asyncIterator]()

  // ---- header
  let header: string[] | undefined
  let headerLine = 0
  const headTok = new CsvTokenizer(
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
      headTok.finish()
      break
    }
    const chunk = first ? stripBom(r.value) : r.value
    first = false
    const off = headTok.feed(chunk)
    if (headTok.error) return fail(headTok.error)
    if (off >= 0) rest = chunk.subarray(off)
  }
  if (headTok.error) return fail(headTok.error)
  if (header === undefined) return fail(scoringError('empty_file', 'Submission is empty'))
  const matched = matchHeader(header, ['imgId_eId', 'val'], headerLine)
  if (!matched.ok) return fail(matched.error)
  const idColumn = matched.columns[0] + 1
  const bodyStartLine = headTok.line

  // ---- body
  const n = truth.ids.length * truth.dim
  const threads = Math.max(0, Math.floor(options.threads))
  const predBuf = threads > 0 ? new SharedArrayBuffer(n * 8) : new ArrayBuffer(n * 8)
  const lineBuf = threads > 0 ? new SharedArrayBuffer(n * 4) : new ArrayBuffer(n * 4)
  const pred = new Float64Array(predBuf)
  const lineOf = new Uint32Array(lineBuf)
  const store = new RowStore({ ids: truth.ids, dim: truth.dim, pred, lineOf })
  const runner = new SegmentRunner(
    store,
    idColumn,
    maxRecordBytes,
    threads > 0
      ? { ids: truth.ids, dim: truth.dim, idColumn, maxRecordBytes, pred: predBuf as SharedArrayBuffer, lineOf: lineBuf as SharedArrayBuffer }
      : undefined,
    threads,
  )

  if (options.awaitWorkers) await runner.whenReady()
  const localErrors: LocalRowError[] = []
  /** Line counts of the pseudo-segments of the slow path, by segment index. */
  const slowLines = new Map<number, number>()
  let seg = 0
  let tooLarge = false
  let stop = false

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
      if (seg >= MAX_SEGMENTS) {
        tooLarge = true
        return false
      }
      slowSeg = seg++
      slowBase = r.line
    }
    const pos = encodePos(slowSeg, r.line - slowBase)
    const nf = r.starts.length
    const [idS, idE, vS, vE] =
      nf < 2
        ? [r.starts[0], r.ends[0], r.ends[0], r.ends[0]]
        : idColumn === 1
          ? [r.starts[0], r.ends[0], r.starts[1], r.ends[1]]
          : [r.starts[1], r.ends[1], r.starts[0], r.ends[0]]
    const outcome = nf !== 2 ? ROW_FIELDS : store.store(r.buf, idS, idE, vS, vE, pos)
    if (outcome <= ROW_DUP_LATER) return true
    if (outcome !== ROW_DUP) {
      localErrors.push({ pos, ...describeRowError(outcome, r.buf, idS, idE, vS, vE, truth.dim, idColumn, nf) })
    }
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
  } finally {
    await runner.close()
    if (stop) await it.return?.()
  }

  // ---- resolve the first error in file order
  const outcomes = runner.outcomes
  for (const o of outcomes) if (o.error) localErrors.push(o.error)
  const events = outcomes.flatMap((o) => o.events).concat(store.events)
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
  const dup = firstDuplicate(events, lineOf)
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
    let slot = 0
    while (slot < n && lineOf[slot] !== 0) slot++
    const id = `${truth.ids[Math.floor(slot / truth.dim)]}_${slot % truth.dim}`
    const missing = n - rows
    return fail(scoringError('missing_rows', `Submission is missing ${missing} row${missing === 1 ? '' : 's'}; first missing id: ${id}`))
  }
  return { ok: true, pred, rows }
}

function tokError(error: ScoringError, slowSeg: number, slowBase: number): LocalRowError {
  // Tokenizer lines are relative to the start of the slow path.
  const detail = error.message.replace(/^Line \d+: /, '')
  return { pos: encodePos(slowSeg, (error.line ?? slowBase) - slowBase), code: error.code, detail, column: error.column ?? 1 }
}

/**
 * Earliest row (in file order) whose slot was already taken by an earlier row.
 * Each slot's occurrences are its first claimant (lineOf) plus its recorded later sightings.
 */
function firstDuplicate(events: readonly number[], lineOf: Uint32Array): { slot: number; first: number; second: number } | undefined {
  const bySlot = new Map<number, number[]>()
  for (let k = 0; k < events.length; k += 2) {
    const slot = events[k]
    let list = bySlot.get(slot)
    if (!list) bySlot.set(slot, (list = [lineOf[slot] - 1]))
    list.push(events[k + 1])
  }
  let best: { slot: number; first: number; second: number } | undefined
  for (const [slot, list] of bySlot) {
    list.sort((a, b) => a - b)
    if (!best || list[1] < best.second) best = { slot, first: list[0], second: list[1] }
  }
  return best
}
