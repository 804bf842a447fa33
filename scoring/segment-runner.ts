/**
 * Runs `scanSegment` on worker threads (or inline). Segments go to the least busy ready
 * worker, at most 2 in flight each so memory stays bounded; until a worker is ready (or if
 * it cannot start at all, e.g. no tsx loader) the main thread parses inline instead.
 * Each worker keeps its own accumulators and bitmap; `finish` collects them for merging.
 */
import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { scanSegment, type RowStore, type SegmentOutcome } from './long-rows.ts'
import type { ThreadTotals, WorkerInit, WorkerJob, WorkerReply } from './parse-protocol.ts'

const MAX_IN_FLIGHT = 2

interface Slot {
  readonly worker: Worker
  ready: boolean
  dead: boolean
  inFlight: number
  /** Got at least one segment: its totals are needed. */
  used: boolean
  totals: ThreadTotals | undefined
}

export class SegmentRunner {
  readonly outcomes: SegmentOutcome[] = []
  private readonly slots: Slot[] = []
  private failure: Error | undefined
  private waiters: (() => void)[] = []
  private readonly pool: ArrayBuffer[] = []

  constructor(
    private readonly inline: RowStore,
    private readonly idColumn: number,
    private readonly maxRecordBytes: number,
    init: WorkerInit | undefined,
    threads: number,
  ) {
    if (!init || threads <= 0) return
    const bootstrap = workerBootstrap()
    if (!bootstrap) return
    for (let t = 0; t < threads; t++) {
      let worker: Worker
      try {
        worker = new Worker(bootstrap, { eval: true, workerData: init })
      } catch {
        return // no workers in this environment: inline only
      }
      const slot: Slot = { worker, ready: false, dead: false, inFlight: 0, used: false, totals: undefined }
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') slot.ready = true
        else if (reply.type === 'totals') slot.totals = reply.totals
        else {
          slot.inFlight--
          this.outcomes.push(reply.outcome)
          this.recycle(reply.buf)
        }
        this.wake()
      })
      worker.on('error', (err) => {
        // Before 'ready' nothing was sent to it: just parse inline. After, work was lost.
        if (slot.ready && !this.failure) this.failure = err
        slot.dead = true
        this.wake()
      })
      worker.on('exit', () => {
        if ((slot.inFlight > 0 || (slot.used && !slot.totals)) && !this.failure) this.failure = new Error('parse worker exited unexpectedly')
        slot.dead = true
        this.wake()
      })
      this.slots.push(slot)
    }
  }

  /** True once some segment stopped on an error: later input cannot change the result. */
  get stopped(): boolean {
    return this.outcomes.some((o) => o.stopped)
  }

  /** Hands `buf` (ownership transferred) to a worker, waiting for capacity when all are busy. */
  async submit(seg: number, buf: Uint8Array): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure
      const live = this.slots.filter((s) => s.ready && !s.dead)
      if (live.length === 0) {
        this.outcomes.push(scanSegment(this.inline, buf, seg, this.idColumn, this.maxRecordBytes))
        this.recycle(buf)
        // Let 'ready' messages in between inline segments.
        await new Promise((r) => setImmediate(r))
        return
      }
      const best = live.reduce((a, b) => (b.inFlight < a.inFlight ? b : a))
      if (best.inFlight < MAX_IN_FLIGHT) {
        best.inFlight++
        best.used = true
        const job: WorkerJob = { type: 'segment', seg, buf }
        best.worker.postMessage(job, [buf.buffer as ArrayBuffer])
        return
      }
      await new Promise<void>((r) => this.waiters.push(r))
    }
  }

  /** Waits for every submitted segment. */
  async drain(): Promise<void> {
    while (this.slots.some((s) => s.inFlight > 0 && !s.dead)) {
      if (this.failure) throw this.failure
      await new Promise<void>((r) => this.waiters.push(r))
    }
    if (this.failure) throw this.failure
  }

  /** After `drain`: the accumulators and bitmaps of every worker that parsed something. */
  async finish(): Promise<ThreadTotals[]> {
    const used = this.slots.filter((s) => s.used)
    const job: WorkerJob = { type: 'finish' }
    for (const s of used) s.worker.postMessage(job)
    while (used.some((s) => !s.totals && !s.dead) && !this.failure) await new Promise<void>((r) => this.waiters.push(r))
    if (this.failure) throw this.failure
    return used.map((s) => {
      if (!s.totals) throw new Error('parse worker exited before reporting its totals')
      return s.totals
    })
  }

  /** Resolves once every worker is ready (true) or none can start (false). */
  async whenReady(): Promise<boolean> {
    while (this.slots.some((s) => !s.ready && !s.dead)) await new Promise<void>((r) => this.waiters.push(r))
    return this.slots.some((s) => s.ready && !s.dead)
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()))
  }

  /**
   * A buffer of at least `size` bytes, reusing segment buffers that came back: transferred
   * ArrayBuffers are otherwise only freed by a later GC, which let RSS grow with file size.
   */
  allocate(size: number): Uint8Array {
    const k = this.pool.findIndex((b) => b.byteLength >= size)
    if (k < 0) return new Uint8Array(size)
    const [buf] = this.pool.splice(k, 1)
    return new Uint8Array(buf)
  }

  private recycle(view: Uint8Array): void {
    if (this.pool.length < 8) this.pool.push(view.buffer as ArrayBuffer)
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }
}

/**
 * The worker is a .ts file. `execArgv: ['--import', 'tsx']` does not reach worker threads on
 * Node 20 (ERR_UNKNOWN_FILE_EXTENSION), so a tiny CommonJS bootstrap registers tsx's require
 * hook inside the worker and then loads it; this works under `node bin/arena.js`, `tsx` and
 * vitest alike. Without tsx installed we return undefined and parse on the calling thread.
 */
function workerBootstrap(): string | undefined {
  try {
    const api = createRequire(import.meta.url).resolve('tsx/cjs/api')
    const file = fileURLToPath(new URL('./parse-worker.ts', import.meta.url))
    return `require(${JSON.stringify(api)}).register(); require(${JSON.stringify(file)})`
  } catch {
    return undefined
  }
}
