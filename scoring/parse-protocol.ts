/** Messages between `long-parse.ts` and `parse-worker.ts`. */
import type { SegmentOutcome } from './long-rows.ts'

export interface WorkerInit {
  readonly ids: readonly string[]
  readonly dim: number
  readonly idColumn: number
  readonly maxRecordBytes: number
  readonly pred: SharedArrayBuffer
  readonly lineOf: SharedArrayBuffer
}

export interface WorkerJob {
  readonly seg: number
  readonly buf: Uint8Array
}

/** `buf` is the job's buffer, handed back so the main thread can reuse it (bounded RSS). */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly outcome: SegmentOutcome; readonly buf: Uint8Array }
