/**
 * Worker thread: parses quote-free CSV segments of a long-format submission into its own
 * accumulators and bitmap, reading the truth from shared memory; hands them over on 'finish'.
 * Spawned by segment-runner.ts with tsx's loader, since this file is .ts.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { RowStore, scanSegment } from './long-rows.ts'
import type { WorkerInit, WorkerJob, WorkerReply } from './parse-protocol.ts'

const port = parentPort
if (port) {
  const init = workerData as WorkerInit
  const store = new RowStore({
    ids: init.ids,
    dim: init.dim,
    truth: new Float32Array(init.truth, init.truthOffset, init.ids.length * init.dim),
  })
  port.on('message', (job: WorkerJob) => {
    if (job.type === 'finish') {
      const reply: WorkerReply = { type: 'totals', totals: { acc: store.acc, seen: store.seen } }
      port.postMessage(reply, [store.acc.buffer as ArrayBuffer, store.seen.buffer as ArrayBuffer])
      return
    }
    const outcome = scanSegment(store, job.buf, job.seg, init.idColumn, init.maxRecordBytes)
    const reply: WorkerReply = { type: 'done', outcome, buf: job.buf }
    port.postMessage(reply, [job.buf.buffer as ArrayBuffer, outcome.log.buffer as ArrayBuffer])
  })
  const ready: WorkerReply = { type: 'ready' }
  port.postMessage(ready)
}
