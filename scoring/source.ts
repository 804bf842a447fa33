/**
 * Byte sources: a path, a web ReadableStream or any AsyncIterable of bytes, transparently
 * decompressed. The format is chosen by magic bytes (gzip 1f 8b, zip "PK"), never by name,
 * so a gzip uploaded as "sub.csv" still works. Output is always raw CSV bytes, in chunks.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate'
import { ScoringAbort, scoringError } from './errors.ts'

export type SubmissionSource = string | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

export interface OpenedSource {
  /** Decompressed CSV bytes. Throws ScoringAbort for corrupt archives. */
  readonly chunks: AsyncIterable<Uint8Array>
  /** Size of the raw (possibly compressed) input when known, for progress and thread choice. */
  readonly rawSize: number | undefined
}

export interface OpenOptions {
  /** Raw size when the caller knows it (e.g. Content-Length); paths are stat'ed. */
  readonly sizeHint?: number
  readonly onProgress?: (fraction: number) => void
}

const READ_CHUNK = 1 << 20

export async function openSource(source: SubmissionSource, options: OpenOptions = {}): Promise<OpenedSource> {
  let raw: AsyncIterable<Uint8Array>
  let rawSize = options.sizeHint
  if (typeof source === 'string') {
    rawSize = (await stat(source)).size
    raw = createReadStream(source, { highWaterMark: READ_CHUNK })
  } else if (isWebStream(source)) {
    raw = webStreamChunks(source)
  } else {
    raw = source
  }
  if (options.onProgress) raw = withProgress(raw, rawSize, options.onProgress)
  return { chunks: decompress(raw), rawSize }
}

function isWebStream(s: SubmissionSource): s is ReadableStream<Uint8Array> {
  return typeof s === 'object' && s !== null && typeof (s as ReadableStream<Uint8Array>).getReader === 'function'
}

/** The chunks of a web ReadableStream as an async iterable (Node 20's web streams lack it). */
export async function* webStreamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

async function* withProgress(
  raw: AsyncIterable<Uint8Array>,
  total: number | undefined,
  onProgress: (fraction: number) => void,
): AsyncIterable<Uint8Array> {
  let seen = 0
  let reported = -1
  for await (const chunk of raw) {
    seen += chunk.length
    // Report in 1% steps: callers may push this over a websocket.
    if (total !== undefined && total > 0) {
      const f = Math.min(1, seen / total)
      if (f - reported >= 0.01) {
        reported = f
        onProgress(f)
      }
    }
    yield chunk
  }
  onProgress(1)
}

/** Peeks at the first bytes and routes to the matching decoder. */
async function* decompress(raw: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const it = raw[Symbol.asyncIterator]()
  const head: Uint8Array[] = []
  let headLen = 0
  let ended = false
  while (headLen < 4) {
    const r = await it.next()
    if (r.done) {
      ended = true
      break
    }
    head.push(r.value)
    headLen += r.value.length
  }
  const first = concat(head)
  async function* rest(): AsyncIterable<Uint8Array> {
    if (first.length > 0) yield first
    if (ended) return
    for (;;) {
      const r = await it.next()
      if (r.done) return
      yield r.value
    }
  }
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) yield* gunzip(rest())
  else if (first.length >= 4 && first[0] === 0x50 && first[1] === 0x4b && (first[2] === 3 || first[2] === 5)) {
    yield* unzipSingleCsv(rest())
  } else yield* rest()
}

async function* gunzip(raw: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const gz = createGunzip({ chunkSize: READ_CHUNK })
  const input = Readable.from(raw, { objectMode: false })
  input.on('error', (err) => gz.destroy(err))
  input.pipe(gz)
  try {
    for await (const chunk of gz) yield chunk as Uint8Array
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new ScoringAbort(scoringError('bad_gzip', `Submission is not a valid gzip file (${(err as Error).message})`))
    }
    throw err
  } finally {
    input.destroy()
  }
}

function isCsvEntry(name: string): boolean {
  return !name.endsWith('/') && !name.startsWith('__MACOSX/') && name.toLowerCase().endsWith('.csv')
}

/** Streams the single CSV member of a zip; zero or several CSV members are errors. */
async function* unzipSingleCsv(raw: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const out: Uint8Array[] = []
  const csvNames: string[] = []
  let failure: Error | undefined
  const unzip = new Unzip((file: UnzipFile) => {
    if (!isCsvEntry(file.name)) return
    csvNames.push(file.name)
    if (csvNames.length > 1) return
    file.ondata = (err, data) => {
      if (err) failure = err
      else if (data.length > 0) out.push(data)
    }
    try {
      file.start()
    } catch (err) {
      failure = err as Error
    }
  })
  unzip.register(UnzipInflate)
  const bad = (why: string) => new ScoringAbort(scoringError('bad_zip', why))
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final)
    } catch (err) {
      failure = err as Error
    }
    if (failure) throw bad(`Submission zip archive is corrupt (${failure.message})`)
    if (csvNames.length > 1) {
      throw bad(`Zip archive holds ${csvNames.length} CSV files (${csvNames.join(', ')}); expected exactly one`)
    }
  }
  for await (const chunk of raw) {
    push(chunk, false)
    yield* out.splice(0)
  }
  push(new Uint8Array(0), true)
  yield* out.splice(0)
  if (csvNames.length === 0) throw bad('Zip archive holds no CSV file; expected exactly one')
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}
