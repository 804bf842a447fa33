/**
 * Runs a submitted ONNX model on images in a child process that can be killed.
 *
 * The child (runner.ts) decodes images, runs ONNX Runtime and returns L2-normalised 384-d
 * embeddings over IPC. The parent enforces a wall-time cap (measured from the moment the child is
 * up, so model loading counts and Node/tsx start-up does not) and a memory cap (the child's
 * resident set, polled from /proc and from the child's own reports), and turns crashes into
 * typed errors. Whatever the model does, the calling process stays healthy.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequire } from 'node:module'
import { modelError, modelFail, type ModelError, type ModelResult } from './errors.ts'
import { manifestToJson, type ModelManifest } from './manifest.ts'
import { isRunnerMessage, type ProviderName, type RunRequest } from './protocol.ts'

export interface RunLimits {
  /** Wall-clock cap for loading the model and embedding every image. */
  readonly wallTimeMs: number
  /** Cap on the child's resident memory (ONNX Runtime, sharp and Node together). */
  readonly memoryMb: number
  /** ONNX Runtime intra-op threads. */
  readonly threads: number
  /** Images per inference call (ignored when the model's batch dimension is fixed). */
  readonly batchSize: number
}

export interface RunModelOptions {
  readonly modelPath: string
  readonly manifest: ModelManifest
  readonly images: readonly { readonly id: string; readonly path: string }[]
  readonly limits: RunLimits
  /** Tried in order; 'cpu' is always the last resort. Default ['cuda', 'cpu']. */
  readonly executionProviders?: readonly ProviderName[]
  readonly onProgress?: (done: number, total: number) => void
  /** How long the child may take to start before any cap applies (default 60 s). */
  readonly startupTimeoutMs?: number
}

export type RunModelResult = ModelResult<{
  /** `images.length * 384` floats, row-major in `images` order, each row L2-normalised. */
  embeddings: Float32Array
  provider: ProviderName
  /** Peak resident memory of the child seen while it ran, in MiB. */
  peakRssMb: number
  wallTimeMs: number
}>

const RUNNER = fileURLToPath(new URL('./runner.ts', import.meta.url))
const POLL_MS = 50

function tsxImport(): string {
  // The same loader `node --import tsx` uses, resolved from here so the child's cwd does not matter.
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
}

/**
 * The child parses an untrusted model with native code, so it gets only what it needs from the
 * environment (no database URLs or secrets from the worker's env).
 */
function childEnv(threads: number): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LD_LIBRARY_PATH', 'CUDA_VISIBLE_DEVICES', 'CUDA_HOME', 'NVIDIA_VISIBLE_DEVICES']
  const env: Record<string, string> = { OMP_NUM_THREADS: String(threads) }
  for (const k of [...keep, 'NODE_ENV']) {
    const v = process.env[k]
    if (v !== undefined) env[k] = v
  }
  return env as NodeJS.ProcessEnv
}

/** Resident memory of a process in bytes from /proc (Linux); null elsewhere or when it has exited. */
async function procRss(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
    return m ? Number(m[1]) * 1024 : null
  } catch {
    return null
  }
}

/** Embeds `images` with the submitted model. Never throws; failures are `{ ok: false, error }`. */
export function runModelOnImages(options: RunModelOptions): Promise<RunModelResult> {
  const { limits } = options
  const total = options.images.length
  const startupTimeoutMs = options.startupTimeoutMs ?? 60_000
  return new Promise<RunModelResult>((resolve) => {
    let child: ChildProcess
    try {
      child = fork(RUNNER, [], {
        execArgv: ['--import', tsxImport()],
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: childEnv(limits.threads),
      })
    } catch (err) {
      resolve(modelFail('runner_crashed', `Model runner could not start: ${err instanceof Error ? err.message : String(err)}`))
      return
    }
    let settled = false
    let started = 0
    let peakRss = 0
    let provider: ProviderName = 'cpu'
    let stderrTail = ''
    let capTimer: NodeJS.Timeout | undefined
    let pollTimer: NodeJS.Timeout | undefined
    const t0 = performance.now()
    const startupTimer = setTimeout(
      () => finish(modelFail('runner_crashed', `Model runner did not start within ${Math.round(startupTimeoutMs / 1000)} s`)),
      startupTimeoutMs,
    )

    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000)
    })

    function finish(result: RunModelResult | { ok: false; error: ModelError }): void {
      if (settled) return
      settled = true
      clearTimeout(startupTimer)
      clearTimeout(capTimer)
      clearInterval(pollTimer)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      resolve(result)
    }

    const memoryCap = limits.memoryMb * 1024 * 1024
    function noteRss(rss: number): void {
      peakRss = Math.max(peakRss, rss)
      if (rss > memoryCap) {
        finish(modelFail('memory_cap', `Inference memory cap exceeded (${Math.round(rss / 1048576)} MiB used; the cap is ${limits.memoryMb} MiB)`))
      }
    }

    child.on('message', (msg: unknown) => {
      if (settled || !isRunnerMessage(msg)) return
      switch (msg.type) {
        case 'ready': {
          clearTimeout(startupTimer)
          started = performance.now()
          capTimer = setTimeout(
            () => finish(modelFail('time_cap', `Inference time cap exceeded (${+(limits.wallTimeMs / 1000).toFixed(3)} s)`)),
            limits.wallTimeMs,
          )
          const pid = child.pid
          if (pid !== undefined) {
            pollTimer = setInterval(() => {
              void procRss(pid).then((rss) => {
                if (rss !== null && !settled) noteRss(rss)
              })
            }, POLL_MS)
          }
          const req: RunRequest = {
            type: 'run',
            modelPath: options.modelPath,
            manifest: manifestToJson(options.manifest),
            images: options.images.map((i) => ({ id: i.id, path: i.path })),
            batchSize: limits.batchSize,
            threads: limits.threads,
            executionProviders: options.executionProviders ?? ['cuda', 'cpu'],
          }
          child.send(req)
          return
        }
        case 'session':
          provider = msg.provider
          return
        case 'progress':
          noteRss(msg.rss)
          if (!settled) options.onProgress?.(msg.done, msg.total)
          return
        case 'error':
          finish({ ok: false, error: msg.error })
          return
        case 'result':
          if (!(msg.embeddings instanceof Float32Array) || msg.embeddings.length !== total * 384) {
            finish(modelFail('runner_crashed', 'Model runner returned a malformed result'))
            return
          }
          finish({
            ok: true,
            embeddings: msg.embeddings,
            provider: msg.provider ?? provider,
            peakRssMb: Math.round(peakRss / 1048576),
            wallTimeMs: Math.round(performance.now() - (started || t0)),
          })
          return
      }
    })

    child.on('error', (err) => finish(modelFail('runner_crashed', `Model runner failed: ${err.message}`)))
    child.on('exit', (code, signal) => {
      if (settled) return
      const why = signal ? `signal ${signal}` : `exit code ${code}`
      const hint = /out of memory|bad_alloc|Cannot allocate/i.test(stderrTail) ? ' (out of memory)' : ''
      finish({ ok: false, error: modelError(hint ? 'memory_cap' : 'runner_crashed', `Model runner crashed (${why})${hint}`) })
    })
  })
}
