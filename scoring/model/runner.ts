/**
 * Child-process entry that runs a submitted ONNX model (bundled and started by `run-model.ts`
 * inside the sandbox of sandbox.ts). It owns all native memory of ONNX Runtime and sharp, so the
 * parent can kill it on a time or memory cap, or survive it crashing. Protocol: see protocol.ts.
 * It reports failures as a stage plus the raw text; the parent decides what a participant sees.
 * Not meant to be imported.
 */
import * as ort from 'onnxruntime-node'
import { expectedOutputDim, parseManifestValue, EMBEDDING_DIM, type ModelManifest } from './manifest.ts'
import { projectAndNormalize } from './postprocess.ts'
import { batchDims, preprocessBatch } from './preprocess.ts'
import type { ProviderName, RunnerMessage, RunRequest } from './protocol.ts'
import type { RunnerStage } from './run-errors.ts'

// The runner dies with its parent: when the IPC channel closes, or when it is re-parented (the
// parent was killed; `setpriv --pdeathsig` in sandbox.ts usually gets there first). A runner left
// behind kept a core busy after `kill -9` of the worker, and the restarted worker started another.
const parentPid = process.ppid
process.on('disconnect', () => process.exit(1))
setInterval(() => {
  if (process.ppid !== parentPid) process.exit(1)
}, 500).unref()

const fail = (stage: RunnerStage, detail: string): RunnerMessage => ({ type: 'failure', stage, detail })

function send(msg: RunnerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve()
    process.send(msg, undefined, undefined, () => resolve())
  })
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 2000)

async function openSession(req: RunRequest): Promise<{ session: ort.InferenceSession; provider: ProviderName; fallbacks: string[] } | RunnerMessage> {
  const order = [...new Set<ProviderName>([...req.executionProviders, 'cpu'])]
  const fallbacks: string[] = []
  let lastError = ''
  for (const provider of order) {
    try {
      const session = await ort.InferenceSession.create(req.modelPath, {
        executionProviders: [provider],
        intraOpNumThreads: req.threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
      })
      return { session, provider, fallbacks }
    } catch (err) {
      lastError = firstLine(err)
      fallbacks.push(`${provider}: ${lastError}`)
    }
  }
  return fail('load', `ONNX Runtime cannot load the model: ${lastError}`)
}

function fixedBatchOf(session: ort.InferenceSession, inputName: string): number | null {
  const meta = session.inputMetadata.find((m) => m.name === inputName)
  if (!meta || !meta.isTensor) return null
  const b = meta.shape[0]
  return typeof b === 'number' && b > 0 ? b : null
}

async function run(req: RunRequest): Promise<RunnerMessage> {
  const parsed = parseManifestValue(req.manifest)
  if (!parsed.ok) return fail('manifest', parsed.error.message)
  const manifest: ModelManifest = parsed.manifest
  const opened = await openSession(req)
  if ('type' in opened) return opened
  const { session, provider } = opened
  await send({ type: 'session', provider, fallbacks: opened.fallbacks })
  try {
    if (!session.inputNames.includes(manifest.inputName)) {
      return fail('io_names', `Model has no input '${manifest.inputName}'; its inputs are ${session.inputNames.map((n) => `'${n}'`).join(', ')}`)
    }
    if (!session.outputNames.includes(manifest.outputName)) {
      return fail('io_names', `Model has no output '${manifest.outputName}'; its outputs are ${session.outputNames.map((n) => `'${n}'`).join(', ')}`)
    }
    const fixed = fixedBatchOf(session, manifest.inputName)
    const batch = fixed ?? Math.max(1, req.batchSize)
    const dim = expectedOutputDim(manifest)
    const total = req.imagePaths.length
    const embeddings = new Float32Array(total * EMBEDDING_DIM)
    for (let start = 0; start < total; start += batch) {
      const items = req.imagePaths.slice(start, start + batch).map((p, i) => ({ id: `#${start + i}`, path: p }))
      const pre = await preprocessBatch(items, manifest)
      if (!pre.ok) return fail('image', pre.message)
      let data = pre.data
      let n = items.length
      if (fixed !== null && n < fixed) {
        // A fixed-batch model gets its last batch padded with zeros; the padding rows are dropped.
        const padded = new Float32Array((pre.data.length / n) * fixed)
        padded.set(pre.data)
        data = padded
        n = fixed
      }
      const feeds = { [manifest.inputName]: new ort.Tensor('float32', data, batchDims(manifest, n)) }
      let out: ort.Tensor
      try {
        const results = await session.run(feeds, [manifest.outputName])
        out = results[manifest.outputName]
      } catch (err) {
        return fail('inference', `Model inference failed: ${firstLine(err)}`)
      }
      const dims = out.dims
      if (out.type !== 'float32' || dims.length !== 2 || dims[0] !== n || dims[1] !== dim) {
        return fail('output_shape', `Model output '${manifest.outputName}' has ${out.type} shape [${dims.join(', ')}] for a batch of ${n}; expected float32 [${n}, ${dim}]`)
      }
      const raw = out.data as Float32Array
      for (let i = 0; i < raw.length; i++) {
        if (!Number.isFinite(raw[i])) {
          return fail('non_finite', `Model output '${manifest.outputName}' contains NaN or infinite values (image ${items[Math.min(Math.floor(i / dim), items.length - 1)].id})`)
        }
      }
      embeddings.set(projectAndNormalize(raw, items.length, dim, manifest.projection), start * EMBEDDING_DIM)
      await send({ type: 'progress', done: start + items.length, total, rss: process.memoryUsage().rss })
    }
    return { type: 'result', embeddings, provider }
  } finally {
    await session.release().catch(() => undefined)
  }
}

process.on('message', (msg: unknown) => {
  const req = msg as RunRequest
  if (typeof req !== 'object' || req === null || req.type !== 'run') return
  run(req)
    .catch((err: unknown): RunnerMessage => fail('inference', `Model runner failed: ${firstLine(err)}`))
    .then(send)
    .then(() => process.exit(0))
})

void send({ type: 'ready' })
