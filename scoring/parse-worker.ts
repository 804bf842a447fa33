/**
 * Worker thread: parses quote-free CSV segments of a long-format submission straight into the
 * shared prediction array. Spawned by long-parse.ts with tsx's loader, since this file is .ts.
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
    pred: new Float64Array(init.pred),
    lineOf: new Uint32Array(init.lineOf),
  })
  port.on('message', (job: WorkerJob) => {
    const outcome = scanSegment(store, job.buf, job.seg, init.idColumn, init.maxRecordBytes)
    const reply: WorkerReply = { type: 'done', outcome, buf: job.buf }
    port.postMessage(reply, [job.buf.buffer as ArrayBuffer])
  })
  const ready: WorkerReply = { type: 'ready' }
  port.postMessage(ready)
}
