/**
 * Validation + scoring of one `imgId_eId,val` row, and the fast scanner for quote-free
 * segments. Both the main thread (general tokenizer path) and the parse workers call
 * `RowStore.store`, so the two paths validate identically by construction.
 *
 * A row is not stored: its value goes straight into per-image cosine accumulators
 * (accumulators.ts), its slot into this thread's bitmap, and its line into the segment's line
 * log (slot-claims.ts), which is what error reporting needs to name exact lines.
 *
 * Rows are identified by a position `pos = seg * 2^22 + localLine`: segments are parsed out of
 * order by several threads, so absolute line numbers are only known at the end.
 */
import { IdIndex } from './id-index.ts'
import { POW10, parseDecimal } from './float-parse.ts'
import { quoteText, type ScoringErrorCode } from './errors.ts'
import { accumulate, newAccumulators } from './accumulators.ts'
import { LineLog, newBitmap } from './slot-claims.ts'
import { RowBatch } from './row-batch.ts'

export const LOCAL_BITS = 22
export const LOCAL_SPAN = 1 << LOCAL_BITS
/** Caps a submission at ~2 GiB of CSV (segments are ≤ 2 MiB); positions stay exact integers. */
export const MAX_SEGMENTS = 1022

export function encodePos(seg: number, local: number): number {
  return seg * LOCAL_SPAN + local
}

export const ROW_OK = 0
/**
 * Slot already filled by this thread. A thread parses its segments in file order, so the
 * other row is earlier: this row is a duplicate and nothing after it matters. (A repeat
 * across threads shows up when the bitmaps are merged.)
 */
export const ROW_DUP = 2
export const ROW_FIELDS = 3
export const ROW_BAD_ID = 4
export const ROW_UNKNOWN = 5
export const ROW_DIM = 6
export const ROW_EMPTY = 7
export const ROW_NAN = 8
export const ROW_INFINITE = 9

export interface RowStoreInit {
  readonly ids: readonly string[]
  readonly dim: number
  /** Truth vectors, ids.length * dim (read-only; shared memory when threads use it). */
  readonly truth: Float32Array
}

/** A row error found inside one segment, before absolute line numbers are known. */
export interface LocalRowError {
  readonly pos: number
  readonly code: ScoringErrorCode
  readonly detail: string
  readonly column: number
}

export interface SegmentOutcome {
  readonly seg: number
  /** Newlines consumed: the next segment starts that many lines later. */
  readonly lines: number
  readonly rows: number
  readonly error: LocalRowError | undefined
  /** The segment stopped on a row whose slot an earlier row had filled (line in `log`). */
  readonly dup: boolean
  /** Per local line: slot + 1 of the row on it, 0 for none (see slot-claims.ts). */
  readonly log: Uint32Array
  /** True when the segment was abandoned early: nothing after it can matter. */
  readonly stopped: boolean
}

export class RowStore {
  readonly index: IdIndex
  readonly dim: number
  readonly truth: Float32Array
  /** This thread's per-image cosine terms (accumulators.ts). */
  readonly acc: Float64Array
  /** This thread's filled slots, one bit each. */
  readonly seen: Int32Array
  readonly log = new LineLog()
  /** Rows that missed the id cache (shuffled input), folded in image order at segment end. */
  readonly batch: RowBatch
  rows = 0
  // Consecutive rows nearly always share the image id: compare bytes before hashing.
  private readonly lastId = new Uint8Array(64)
  private lastLen = -1
  private lastImg = -1

  constructor(init: RowStoreInit) {
    this.index = new IdIndex(init.ids)
    this.dim = init.dim
    this.truth = init.truth
    this.acc = newAccumulators(init.ids.length)
    this.seen = newBitmap(init.ids.length * init.dim)
    this.batch = new RowBatch(this.acc, this.truth, init.ids.length)
  }

  /**
   * One-pass version of `store` for the overwhelmingly common row: `<cached image id>_<eId>,`
   * followed by a plain decimal (no exponent, ≤ 15 significant digits) and LF/CRLF/end.
   * Returns the offset after the row, or -1 (with no side effect) to use the general path,
   * which re-validates the row from scratch; so this can only be faster, never different.
   */
  fastRow(b: Uint8Array, ls: number, end: number, local: number, maxRecordBytes: number): number {
    const len = this.lastLen
    let img = this.lastImg
    let i = ls + len
    let hit = len > 0 && i < end && b[i] === 95
    if (hit) {
      const last = this.lastId
      for (let j = 0; j < len; j++) {
        if (b[ls + j] !== last[j]) {
          hit = false
          break
        }
      }
    }
    if (!hit) {
      // Cache miss (shuffled files): one scan finds the last '_' and the image id's hash.
      let h = 0x811c9dc5
      let us = -1
      let hUs = 0
      let j = ls
      for (; j < end; j++) {
        const c = b[j]
        if (c === 44 || c === 10) break
        if (c === 95) {
          us = j
          hUs = h
        }
        h = Math.imul(h ^ c, 0x01000193)
      }
      if (us <= ls || j >= end || b[j] !== 44) return -1
      img = this.index.lookupHashed(b, ls, us, hUs >>> 0)
      if (img < 0) return -1
      const n = us - ls
      if (n <= this.lastId.length) {
        for (let k = 0; k < n; k++) this.lastId[k] = b[ls + k]
        this.lastLen = n
        this.lastImg = img
      }
      i = us
    }
    i++
    if (i + 2 > end) return -1
    let d = b[i] - 48
    if (d < 0 || d > 9) return -1
    i++
    if (d !== 0) {
      while (i < end) {
        const x = b[i] - 48
        if (x < 0 || x > 9) break
        d = d * 10 + x
        if (d >= this.dim) return -1
        i++
      }
    }
    if (i >= end || b[i] !== 44) return -1
    i++
    let neg = false
    if (i < end) {
      const c = b[i]
      if (c === 45) {
        neg = true
        i++
      } else if (c === 43) i++
    }
    let mant = 0
    let sig = 0
    let exp10 = 0
    let digits = 0
    while (i < end) {
      const x = b[i] - 48
      if (x < 0 || x > 9) break
      digits++
      if (mant !== 0 || x !== 0) {
        sig++
        mant = mant * 10 + x
      }
      i++
    }
    if (i < end && b[i] === 46) {
      i++
      while (i < end) {
        const x = b[i] - 48
        if (x < 0 || x > 9) break
        digits++
        exp10--
        if (mant !== 0 || x !== 0) {
          sig++
          mant = mant * 10 + x
        }
        i++
      }
    }
    if (digits === 0 || sig > 15 || exp10 < -22 || i - ls > maxRecordBytes) return -1
    let next = i
    if (i < end) {
      const c = b[i]
      if (c === 10) next = i + 1
      else if (c === 13 && (i + 1 === end || b[i + 1] === 10)) next = i + 1 === end ? end : i + 2
      else return -1
    }
    const slot = img * this.dim + d
    const w = slot >>> 5
    const bit = 1 << (slot & 31)
    const word = this.seen[w]
    if ((word & bit) !== 0) return -1
    this.seen[w] = word | bit
    this.log.set(local, slot)
    const v = mant === 0 ? 0 : mant / POW10[-exp10]
    if (hit) accumulate(this.acc, img, neg ? -v : v, this.truth[slot])
    else this.batch.add(img, slot, neg ? -v : v)
    this.rows++
    return next
  }

  /** Validates and scores one row on local line `local` of the current segment; ROW_*. */
  store(b: Uint8Array, idS: number, idE: number, vS: number, vE: number, local: number): number {
    let us = idE - 1
    while (us >= idS && b[us] !== 95) us--
    if (us <= idS) return ROW_BAD_ID
    // eId: canonical decimal (no sign, no leading zero), so "x_07" is not silently "x_7".
    const ds = us + 1
    if (ds === idE || (b[ds] === 48 && idE - ds > 1)) return ROW_BAD_ID
    let d = 0
    for (let i = ds; i < idE; i++) {
      const x = b[i] - 48
      if (x < 0 || x > 9) return ROW_BAD_ID
      if (d < 1e9) d = d * 10 + x
    }
    const len = us - idS
    let img = -1
    if (len === this.lastLen) {
      let j = 0
      while (j < len && this.lastId[j] === b[idS + j]) j++
      if (j === len) img = this.lastImg
    }
    if (img < 0) {
      img = this.index.lookup(b, idS, us)
      if (img < 0) return ROW_UNKNOWN
      if (len <= this.lastId.length) {
        for (let j = 0; j < len; j++) this.lastId[j] = b[idS + j]
        this.lastLen = len
        this.lastImg = img
      }
    }
    if (d >= this.dim) return ROW_DIM
    while (vS < vE && (b[vS] === 32 || b[vS] === 9)) vS++
    while (vE > vS && (b[vE - 1] === 32 || b[vE - 1] === 9)) vE--
    if (vS === vE) return ROW_EMPTY
    const v = parseDecimal(b, vS, vE)
    if (v !== v) return ROW_NAN
    if (v === Infinity || v === -Infinity) return ROW_INFINITE
    const slot = img * this.dim + d
    // Logged even when it is a repeat, so the error path finds this line.
    this.log.set(local, slot)
    const w = slot >>> 5
    const bit = 1 << (slot & 31)
    if ((this.seen[w] & bit) !== 0) return ROW_DUP
    this.seen[w] |= bit
    accumulate(this.acc, img, v, this.truth[slot])
    this.rows++
    return ROW_OK
  }
}

/** User-facing detail for a failed row (cold path: strings are fine here). */
export function describeRowError(
  outcome: number,
  b: Uint8Array,
  idS: number,
  idE: number,
  vS: number,
  vE: number,
  dim: number,
  idColumn: number,
  fieldCount: number,
): { code: ScoringErrorCode; detail: string; column: number } {
  const id = quoteText(new TextDecoder().decode(b.subarray(idS, idE)), 60)
  const raw = new TextDecoder().decode(b.subarray(vS, vE))
  const value = quoteText(raw.trim())
  const valueColumn = idColumn === 1 ? 2 : 1
  switch (outcome) {
    case ROW_FIELDS:
      return { code: 'field_count', detail: `expected 2 fields (imgId_eId,val) but found ${fieldCount}`, column: 3 }
    case ROW_BAD_ID:
      return idS === idE
        ? { code: 'bad_id', detail: 'id is empty', column: idColumn }
        : { code: 'bad_id', detail: `id '${id}' is not of the form imgId_eId with eId in 0–${dim - 1}`, column: idColumn }
    case ROW_UNKNOWN: {
      const image = id.slice(0, id.lastIndexOf('_'))
      return { code: 'unknown_image', detail: `unknown image id '${image}' in '${id}'`, column: idColumn }
    }
    case ROW_DIM: {
      const e = id.slice(id.lastIndexOf('_') + 1)
      return { code: 'dim_out_of_range', detail: `embedding index ${e} in '${id}' is outside 0–${dim - 1}`, column: idColumn }
    }
    case ROW_EMPTY:
      return { code: 'empty_value', detail: `value for ${id} is empty`, column: valueColumn }
    case ROW_NAN:
      return /^[+-]?(nan|inf|infinity)$/i.test(raw.trim())
        ? { code: 'not_finite', detail: `value '${value}' for ${id} is not finite; values must be finite numbers`, column: valueColumn }
        : { code: 'not_a_number', detail: `value '${value}' for ${id} is not a number`, column: valueColumn }
    case ROW_INFINITE:
      return { code: 'not_finite', detail: `value '${value}' for ${id} overflows to infinity`, column: valueColumn }
    default:
      throw new Error(`no description for row outcome ${outcome}`)
  }
}

/**
 * Parses a segment that starts at a line boundary and contains no `"` byte, so plain
 * comma/LF splitting is exactly what the quote-aware tokenizer would do. Stops at the first
 * row error (nothing later in the segment can be the first error of the file).
 */
export function scanSegment(
  store: RowStore,
  b: Uint8Array,
  seg: number,
  idColumn: number,
  maxRecordBytes: number,
): SegmentOutcome {
  const end = b.length
  const rowsBefore = store.rows
  store.log.begin()
  let local = 0
  let i = 0
  let error: LocalRowError | undefined
  let stopped = false
  let dup = false
  while (i < end) {
    const ls = i
    if (idColumn === 1) {
      const next = store.fastRow(b, ls, end, local, maxRecordBytes)
      if (next >= 0) {
        if (b[next - 1] === 10) local++
        i = next
        continue
      }
    }
    let c1 = -1
    while (i < end) {
      const c = b[i]
      if (c === 44) {
        c1 = i
        break
      }
      if (c === 10) break
      i++
    }
    let outcome: number
    let fieldStart: number
    if (c1 < 0) {
      if (i - ls > maxRecordBytes) {
        error = tooLong(seg, local, maxRecordBytes)
        stopped = true
        break
      }
      let le = i
      if (le > ls && b[le - 1] === 13) le--
      if (le === ls) {
        if (i < end) local++
        i++
        continue // blank line
      }
      outcome = ROW_FIELDS
      fieldStart = ls
      c1 = i
    } else {
      fieldStart = c1 + 1
      i = fieldStart
      let extra = false
      while (i < end) {
        const c = b[i]
        if (c === 10) break
        if (c === 44) extra = true
        i++
      }
      // Same limit as the tokenizer (raw bytes of the record without its LF), checked before
      // the row's own validation just as the tokenizer would fail before delivering it.
      if (i - ls > maxRecordBytes) {
        error = tooLong(seg, local, maxRecordBytes)
        stopped = true
        break
      }
      let le = i
      if (le > fieldStart && b[le - 1] === 13) le--
      outcome = extra
        ? ROW_FIELDS
        : idColumn === 1
          ? store.store(b, ls, c1, fieldStart, le, local)
          : store.store(b, fieldStart, le, ls, c1, local)
    }
    if (outcome !== ROW_OK) {
      stopped = true
      if (outcome === ROW_DUP) dup = true
      else error = localError(store, b, ls, c1, i, seg, local, idColumn, outcome)
      break
    }
    if (i < end) local++
    i++
  }
  store.batch.flush()
  return {
    seg,
    lines: local,
    rows: store.rows - rowsBefore,
    error,
    dup,
    log: store.log.take(),
    stopped,
  }
}

function tooLong(seg: number, local: number, max: number): LocalRowError {
  return { pos: encodePos(seg, local), code: 'line_too_long', detail: `record is longer than ${max} bytes`, column: 1 }
}

function localError(
  store: RowStore,
  b: Uint8Array,
  ls: number,
  c1: number,
  le: number,
  seg: number,
  local: number,
  idColumn: number,
  outcome: number,
): LocalRowError {
  if (le > ls && b[le - 1] === 13) le--
  let fields = 1
  for (let k = ls; k < le; k++) if (b[k] === 44) fields++
  // With a value-first header the id is the second field.
  let secondEnd = le
  for (let k = c1 + 1; k < le; k++) {
    if (b[k] === 44) {
      secondEnd = k
      break
    }
  }
  const [idS, idE, vS, vE] = idColumn === 1 ? [ls, c1, c1 + 1, secondEnd] : [c1 + 1, secondEnd, ls, c1]
  const d = describeRowError(outcome, b, idS, Math.max(idS, idE), vS, Math.max(vS, vE), store.dim, idColumn, fields)
  return { pos: encodePos(seg, local), ...d }
}

