/**
 * Runs a submitted ONNX model on images in a sandboxed child process that can be killed.
 *
 * The child (runner.ts, bundled) decodes images, runs ONNX Runtime and returns L2-normalised
 * 384-d embeddings over IPC. It runs in the sandbox of sandbox.ts (no network, a private folder
 * with only the model and numbered images, rlimits, dies with its parent). The parent enforces a
 * wall-time cap (measured from the moment the child is up, so model loading counts and Node
 * start-up does not) and a memory cap (the child's resident set, polled from /proc and from the
 * child's own reports), and turns every failure into a `ModelRunError` (run-errors.ts): a fixed
 * message for the participant, the raw text for the organizer. Whatever the model does, the
 * calling process stays healthy.
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { ModelRunError } from './errors.ts'
import { expectedOutputDim, manifestToJson, type ModelManifest } from './manifest.ts'
import { readOnnxFile } from './onnx-proto.ts'
import { isRunnerMessage, type ProviderName, type RunRequest } from './protocol.ts'
import { classifyRunnerFailure, runError } from './run-errors.ts'
import { bundleScript, prepareRunFolder, sandboxSupport, spawnSandboxed, type RunFolder } from './sandbox.ts'

export interface RunLimits {
  /** Wall-clock cap for loading the model and embedding every image (see `scaledWallTimeMs`). */
  readonly wallTimeMs: number
  /** Cap on the child's resident memory (ONNX Runtime, sharp and Node together). */
  readonly memoryMb: number
  /** ONNX Runtime intra-op threads. */
  readonly threads: number
  /** Images per inference call (ignored when the model's batch dimension is fixed). */
  readonly batchSize: number
}

/**
 * The wall-time cap of a run on `images` images: a base (model loading, runner start) plus an
 * allowance per image, never above the configured cap. A model that needs 30 minutes for 7 images
 * held the only worker for the whole 30-minute cap before; now it gets base + 7 allowances.
 */
export function scaledWallTimeMs(images: number, settings: { capMs: number; baseMs: number; perImageMs: number }): number {
  return Math.min(settings.capMs, settings.baseMs + settings.perImageMs * Math.max(0, images))
}

export interface RunModelOptions {
  readonly modelPath: string
  readonly manifest: ModelManifest
  readonly images: readonly { readonly id: string; readonly path: string }[]
  readonly limits: RunLimits
  /** Tried in order; 'cpu' is always the last resort. Default ['cuda', 'cpu']. */
  readonly executionProviders?: readonly ProviderName[]
  readonly onProgress?: (done: number, total: number) => void
  /** Lines for the organizer's job log (the sandbox in place, what is missing and why). */
  readonly onLog?: (line: string) => void
  /** How long the child may take to start before any cap applies (default 60 s). */
  readonly startupTimeoutMs?: number
  /**
   * Where the run's private folder is made: best on the images' file system, so they are hard
   * linked rather than copied (default: the OS temp folder).
   */
  readonly workDir?: string
}

export type RunModelResult =
  | {
      readonly ok: true
      /** `images.length * 384` floats, row-major in `images` order, each row L2-normalised. */
      readonly embeddings: Float32Array
      readonly provider: ProviderName
      /** Peak resident memory of the child seen while it ran, in MiB. */
      readonly peakRssMb: number
      readonly wallTimeMs: number
    }
  | {
      readonly ok: false
      readonly error: ModelRunError
      /** The runner had been handed the model and the images: the run counts against the daily limit. */
      readonly started: boolean
    }

const RUNNER = fileURLToPath(new URL('./runner.ts', import.meta.url))
const POLL_MS = 50
const MIB = 1024 * 1024

/**
 * The child parses an untrusted model with native code, so it gets only what it needs from the
 * environment (no database URLs or secrets from the worker's env).
 */
function childEnv(threads: number): NodeJS.ProcessEnv {
  const keep = ['PATH', 'LANG', 'LD_LIBRARY_PATH', 'CUDA_VISIBLE_DEVICES', 'CUDA_HOME', 'NVIDIA_VISIBLE_DEVICES']
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

const fault = (err: unknown) => (err instanceof Error ? err.message : String(err))

/** Embeds `images` with the submitted model. Never throws; failures are `{ ok: false, error }`. */
export async function runModelOnImages(options: RunModelOptions): Promise<RunModelResult> {
  // External data would make ONNX Runtime read files the model names: refused before any run
  // (the upload pre-check refuses it too; this covers models stored before that check).
  let header: Awaited<ReturnType<typeof readOnnxFile>>
  try {
    header = await readOnnxFile(options.modelPath)
  } catch (err) {
    return { ok: false, started: false, error: runError('internal', `model file unreadable: ${fault(err)}`) }
  }
  if (!header.ok) return { ok: false, started: false, error: runError('invalid_model', `model header: ${header.message}`) }
  if (header.info.externalData) {
    return { ok: false, started: false, error: runError('invalid_model', `model uses external data (tensor '${header.info.externalData}')`) }
  }
  let folder: RunFolder
  let script: string
  try {
    script = await bundleScript(RUNNER)
    folder = await prepareRunFolder({ modelPath: options.modelPath, imagePaths: options.images.map((i) => i.path), script, workDir: options.workDir })
  } catch (err) {
    return { ok: false, started: false, error: runError('internal', `preparing the run folder failed: ${fault(err)}`) }
  }
  try {
    return await runInSandbox(options, folder)
  } finally {
    await folder.cleanup()
  }
}

async function runInSandbox(options: RunModelOptions, folder: RunFolder): Promise<RunModelResult> {
  const { limits } = options
  const total = options.images.length
  const outputDim = expectedOutputDim(options.manifest)
  const startupTimeoutMs = options.startupTimeoutMs ?? 60_000
  const support = await sandboxSupport()
  const providers = options.executionProviders ?? ['cuda', 'cpu']
  // CUDA reserves virtual memory in the size of device plus host memory: an address-space limit
  // would make the CUDA provider fail and the run fall back to CPU.
  const mayUseCuda = providers.includes('cuda') && existsSync('/dev/nvidiactl')
  const sandboxLimits = {
    // Address space well above the resident cap: V8 and ONNX Runtime reserve more than they touch;
    // the resident cap (polled) is the real one, this stops a single huge allocation early.
    addressSpaceBytes: mayUseCuda ? null : Math.max(limits.memoryMb * 4, limits.memoryMb + 8192) * MIB,
    // CPU seconds over all threads: the wall cap times the threads ONNX Runtime and libuv may keep busy.
    cpuSeconds: (limits.wallTimeMs / 1000) * (limits.threads + 2) + 10,
    fileSizeBytes: 16 * MIB,
  }
  let child: ChildProcess
  let readPaths: string[]
  try {
    ;({ child, readPaths } = spawnSandboxed(support, { folder, limits: sandboxLimits, env: childEnv(limits.threads) }))
  } catch (err) {
    return { ok: false, started: false, error: runError('internal', `model runner could not start: ${fault(err)}`) }
  }
  options.onLog?.(
    `sandbox: ${support.netns ? `own network namespace (unshare ${support.netns.join(' ')})` : 'shared network'}, ` +
      `${support.pdeathsig ? 'killed with its parent (setpriv --pdeathsig)' : 'exits when its IPC channel closes'}, ` +
      `${support.prlimit ? `rlimits (address space ${sandboxLimits.addressSpaceBytes === null ? 'unlimited for CUDA' : `${Math.round(sandboxLimits.addressSpaceBytes / MIB)} MiB`}, cpu ${Math.ceil(sandboxLimits.cpuSeconds)} s)` : 'no rlimits'}, ` +
      `reads only its run folder (${folder.copied ? `${folder.copied} files copied: no hard link possible` : 'hard links'}) and ${readPaths.length - 1} package folders` +
      (support.notes.length ? `; missing: ${support.notes.join('; ')}` : ''),
  )
  return new Promise<RunModelResult>((resolve) => {
    let settled = false
    let started = 0
    let peakRss = 0
    let provider: ProviderName = 'cpu'
    let stderrTail = ''
    let capTimer: NodeJS.Timeout | undefined
    let pollTimer: NodeJS.Timeout | undefined
    const t0 = performance.now()
    const startupTimer = setTimeout(
      () => fail(runError('internal', `model runner did not start within ${Math.round(startupTimeoutMs / 1000)} s; stderr: ${stderrTail}`)),
      startupTimeoutMs,
    )

    child.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000)
    })

    function stop(): void {
      settled = true
      clearTimeout(startupTimer)
      clearTimeout(capTimer)
      clearInterval(pollTimer)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }

    function fail(error: ModelRunError): void {
      if (settled) return
      stop()
      resolve({ ok: false, error, started: started > 0 })
    }

    const memoryCap = limits.memoryMb * MIB
    function noteRss(rss: number): void {
      peakRss = Math.max(peakRss, rss)
      if (rss > memoryCap) fail(runError('memory_limit', `resident memory ${Math.round(rss / MIB)} MiB; the cap is ${limits.memoryMb} MiB`))
    }

    child.on('message', (msg: unknown) => {
      if (settled || !isRunnerMessage(msg)) return
      switch (msg.type) {
        case 'ready': {
          if (started) return
          clearTimeout(startupTimer)
          started = performance.now()
          capTimer = setTimeout(() => fail(runError('time_limit', `wall-time cap of ${+(limits.wallTimeMs / 1000).toFixed(3)} s for ${total} images`)), limits.wallTimeMs)
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
            modelPath: folder.modelPath,
            manifest: manifestToJson(options.manifest),
            imagePaths: folder.imagePaths,
            batchSize: limits.batchSize,
            threads: limits.threads,
            executionProviders: providers,
          }
          child.send(req)
          return
        }
        case 'session':
          provider = msg.provider === 'cuda' ? 'cuda' : 'cpu'
          if (Array.isArray(msg.fallbacks) && msg.fallbacks.length) options.onLog?.(`provider fallbacks: ${msg.fallbacks.map(String).join('; ')}`)
          return
        case 'progress':
          if (typeof msg.rss === 'number') noteRss(msg.rss)
          if (!settled && typeof msg.done === 'number') options.onProgress?.(Math.min(msg.done, total), total)
          return
        case 'failure':
          fail(classifyRunnerFailure(msg.stage, msg.detail, outputDim))
          return
        case 'result': {
          if (!(msg.embeddings instanceof Float32Array) || msg.embeddings.length !== total * 384) {
            fail(runError('runner_crashed', 'model runner returned a malformed result'))
            return
          }
          stop()
          resolve({
            ok: true,
            embeddings: msg.embeddings,
            provider: msg.provider === 'cuda' ? 'cuda' : provider,
            peakRssMb: Math.round(peakRss / MIB),
            wallTimeMs: Math.round(performance.now() - (started || t0)),
          })
          return
        }
      }
    })

    child.on('error', (err) => fail(runError(started ? 'runner_crashed' : 'internal', `model runner failed: ${err.message}`)))
    child.on('exit', (code, signal) => {
      if (settled) return
      const why = `model runner exited (${signal ? `signal ${signal}` : `exit code ${code}`}); stderr: ${stderrTail}`
      if (!started) fail(runError('internal', why))
      else if (signal === 'SIGXCPU') fail(runError('time_limit', why))
      else if (/out of memory|bad_alloc|Cannot allocate|allocation failed/i.test(stderrTail)) fail(runError('memory_limit', why))
      else fail(runError('runner_crashed', why))
    })
  })
}
