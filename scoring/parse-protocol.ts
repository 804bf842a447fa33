/** Messages between `long-parse.ts` and `parse-worker.ts`. */
import type { SegmentOutcome } from './long-rows.ts'

export interface WorkerInit {
  readonly ids: readonly string[]
  readonly dim: number
  readonly idColumn: number
  readonly maxRecordBytes: number
  /** Truth vectors as float32, shared with the main thread (no copy per worker). */
  readonly truth: SharedArrayBuffer
  readonly truthOffset: number
}

/** A segment to parse, or the request for this worker's totals once all segments are in. */
export type WorkerJob = { readonly type: 'segment'; readonly seg: number; readonly buf: Uint8Array } | { readonly type: 'finish' }

/** A worker's accumulators and bitmap (see RowStore), merged by the main thread. */
export interface ThreadTotals {
  readonly acc: Float64Array
  readonly seen: Int32Array
}

/** `buf` is the job's buffer, handed back so the main thread can reuse it (bounded RSS). */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly outcome: SegmentOutcome; readonly buf: Uint8Array }
  | { readonly type: 'totals'; readonly totals: ThreadTotals }
