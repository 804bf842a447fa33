/**
 * Byte sources: a path, a web ReadableStream or any AsyncIterable of bytes, transparently
 * decompressed. The format is chosen by magic bytes (gzip 1f 8b, zip "PK"), never by name,
 * so a gzip uploaded as "sub.csv" still works. Archives are inflated by zlib's async streams
 * (its thread pool, not the calling thread), capped in size and ratio (SourceLimits). Output
 * is always CSV text bytes with LF or CRLF line ends (bare CR is converted), in chunks; files
 * that are not CSV text are rejected with a message saying what they are (not-csv.ts).
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { createGunzip, createInflateRaw } from 'node:zlib'
import { Unzip, type AsyncFlateStreamHandler, type UnzipDecoder, type UnzipFile } from 'fflate'
import { ScoringAbort, quoteText, scoringError, type ScoringError } from './errors.ts'
import { SEND_INSTEAD, identifyNotCsv } from './not-csv.ts'

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
  /** Caps on decompression (zip bombs); DEFAULT_LIMITS where omitted. */
  readonly limits?: SourceLimits
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
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  return { chunks: asCsvText(decompress(raw, limits)), rawSize }
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

/**
 * Caps on what a compressed submission may expand to, checked while it streams. The ratio cap
 * stops a zip bomb after a few MiB: deflate reaches ~1000:1 on a run of zeros, while CSVs of
 * floats compress ~3.4:1 (the Kaggle sample 3.3:1, the 167 MB benchmark file 3.4:1) and even
 * an all-zero submission ~8:1.
 */
export interface SourceLimits {
  /** Most decompressed bytes; default 2 GiB (the parser's own cap on a CSV). */
  readonly maxBytes?: number
  /** Most decompressed bytes per compressed byte read so far; default 200. */
  readonly maxRatio?: number
}

export const DEFAULT_LIMITS: Required<SourceLimits> = { maxBytes: 2 * 1024 ** 3, maxRatio: 200 }
/** Output allowed before the ratio applies, so that small, very regular files still pass. */
const RATIO_SLACK = 16 << 20
/**
 * Compressed bytes handed to zlib at a time. Node's zlib honours backpressure between
 * writes, so this bounds what one write can expand to (~64 MiB at deflate's ratio limit).
 */
const INFLATE_PIECE = 64 << 10

/** Peeks at the first bytes and routes to the matching decoder. */
async function* decompress(raw: AsyncIterable<Uint8Array>, limits: Required<SourceLimits>): AsyncIterable<Uint8Array> {
  const [first, rest] = await peek(raw, 4)
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) yield* inflate(rest, 'gzip', limits)
  else if (first.length >= 4 && first[0] === 0x50 && first[1] === 0x4b && (first[2] === 3 || first[2] === 5)) {
    yield* unzipSingleCsv(rest, limits)
  } else yield* rest
}

/** The first ≥ `n` bytes (fewer at the end of input), and an iterable of all bytes again. */
async function peek(raw: AsyncIterable<Uint8Array>, n: number, more?: (head: Uint8Array) => boolean): Promise<[Uint8Array, AsyncIterable<Uint8Array>]> {
  const it = raw[Symbol.asyncIterator]()
  const head: Uint8Array[] = []
  let headLen = 0
  let ended = false
  for (;;) {
    if (headLen >= n && !(more && more(concat(head)))) break
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
    try {
      if (first.length > 0) yield first
      while (!ended) {
        const r = await it.next()
        if (r.done) ended = true
        else yield r.value
      }
    } finally {
      // A reader that stops early (first error) closes the file or stream underneath too.
      if (!ended) await it.return?.()
    }
  }
  return [first, rest()]
}

/**
 * The decompressed bytes as CSV text: rejects what is not CSV (UTF-16, workbooks, images, …,
 * see not-csv.ts) and turns old-Mac bare-CR line ends into LF, so every reader sees LF or
 * CRLF. Which ending a file uses is decided by its first line end; LF and CRLF files pass
 * through untouched (no copy).
 */
async function* asCsvText(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  // Enough bytes for the magic numbers, and to see the first line end and the byte after it.
  const [first, rest] = await peek(chunks, 512, (head) => head.length < 64 << 10 && !firstLineEndKnown(head))
  const notCsv = identifyNotCsv(first)
  if (notCsv) throw new ScoringAbort(notCsv)
  const cr = first.indexOf(13)
  const lf = first.indexOf(10)
  if (cr < 0 || (lf >= 0 && lf < cr) || first[cr + 1] === 10) yield* rest
  else yield* bareCrToLf(rest)
}

function firstLineEndKnown(head: Uint8Array): boolean {
  const lf = head.indexOf(10)
  const cr = head.indexOf(13)
  if (cr < 0) return lf >= 0
  return (lf >= 0 && lf < cr) || cr + 1 < head.length
}

/** CR not followed by LF → LF (a CRLF stays as it is); the chunks are copied, not modified. */
async function* bareCrToLf(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let pendingCr = false
  for await (const c of chunks) {
    const out = new Uint8Array(c.length + 1)
    let o = 0
    if (pendingCr && c.length > 0) {
      out[o++] = c[0] === 10 ? 13 : 10
      pendingCr = false
    }
    for (let i = 0; i < c.length; i++) {
      const b = c[i]
      if (b !== 13) out[o++] = b
      else if (i + 1 < c.length) out[o++] = c[i + 1] === 10 ? 13 : 10
      else pendingCr = true
    }
    if (o > 0) yield out.subarray(0, o)
  }
  if (pendingCr) yield Uint8Array.of(10)
}

type Inflation = 'gzip' | 'zip'

/**
 * Inflates on zlib's thread pool (the async stream API), never on the calling thread, with
 * the caps of `limits` checked on every output chunk: a zip bomb is rejected after a few MiB,
 * with bounded memory, and the event loop stays free meanwhile.
 */
async function* inflate(compressed: AsyncIterable<Uint8Array>, kind: Inflation | 'deflate-raw', limits: Required<SourceLimits>): AsyncIterable<Uint8Array> {
  const zlib = kind === 'gzip' ? createGunzip({ chunkSize: 256 << 10 }) : createInflateRaw({ chunkSize: 256 << 10 })
  let read = 0
  async function* pieces(): AsyncIterable<Uint8Array> {
    for await (const chunk of compressed) {
      for (let off = 0; off < chunk.length; off += INFLATE_PIECE) {
        const piece = chunk.subarray(off, Math.min(chunk.length, off + INFLATE_PIECE))
        read += piece.length
        yield piece
      }
    }
  }
  const input = Readable.from(pieces(), { objectMode: false })
  let inputError: unknown
  input.on('error', (err) => {
    inputError = err
    zlib.destroy(err)
  })
  input.pipe(zlib)
  const archive = kind === 'gzip' ? 'gzip' : 'zip'
  let out = 0
  try {
    for await (const chunk of zlib) {
      out += (chunk as Uint8Array).length
      if (out > limits.maxBytes || out > limits.maxRatio * read + RATIO_SLACK) throw new ScoringAbort(tooLarge(archive, limits))
      yield chunk as Uint8Array
    }
  } catch (err) {
    if (inputError instanceof ScoringAbort) throw inputError
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new ScoringAbort(
        kind === 'gzip'
          ? scoringError('bad_gzip', `The file is a damaged gzip archive (${(err as Error).message}): ${SEND_INSTEAD}`)
          : scoringError('bad_zip', `The zip archive is damaged (${(err as Error).message}): ${SEND_INSTEAD}`),
      )
    }
    throw err
  } finally {
    input.destroy()
    zlib.destroy()
  }
}

function tooLarge(archive: string, limits: Required<SourceLimits>): ScoringError {
  return scoringError(
    'archive_too_large',
    `The ${archive} archive expands beyond ${formatBytes(limits.maxBytes)} or more than ${limits.maxRatio} times its compressed size: send the CSV or a .csv.gz`,
  )
}

function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${+(n / 1024 ** 3).toFixed(2)} GiB` : `${+(n / 1024 ** 2).toFixed(2)} MiB`
}

function isCsvEntry(name: string): boolean {
  return !name.endsWith('/') && !name.startsWith('__MACOSX/') && name.toLowerCase().endsWith('.csv')
}

/**
 * fflate decoder for deflated zip entries that inflates nothing: it hands the entry's
 * compressed bytes through, so that zlib inflates them off the main thread (`inflate`).
 * fflate still parses the container (local headers, data descriptors, zip64).
 */
class DeflatedPassThrough implements UnzipDecoder {
  static readonly compression = 8
  ondata: AsyncFlateStreamHandler = () => {}
  push(data: Uint8Array, final: boolean): void {
    this.ondata(null, data as Uint8Array<ArrayBuffer>, final)
  }
}

/**
 * Streams the single CSV member of a zip; zero or several CSV members are errors. The member
 * is inflated by `inflate` (zlib, capped); a stored member is capped the same way.
 */
async function* unzipSingleCsv(raw: AsyncIterable<Uint8Array>, limits: Required<SourceLimits>): AsyncIterable<Uint8Array> {
  const names: string[] = []
  const csvNames: string[] = []
  /** Bytes of the CSV member as stored in the archive, not yet handed on. */
  const member: Uint8Array[] = []
  let method = -1
  let failure: Error | undefined
  const unzip = new Unzip((file: UnzipFile) => {
    names.push(file.name)
    if (!isCsvEntry(file.name)) return
    csvNames.push(file.name)
    if (csvNames.length > 1) return
    method = file.compression
    if (method !== 0 && method !== 8) return
    file.ondata = (err, data) => {
      if (err) failure = err
      else if (data.length > 0) member.push(data)
    }
    try {
      file.start()
    } catch (err) {
      failure = err as Error
    }
  })
  unzip.register(DeflatedPassThrough)
  const bad = (why: string) => new ScoringAbort(scoringError('bad_zip', why))
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final)
    } catch (err) {
      failure = err as Error
    }
    if (failure) throw bad(`The zip archive is damaged (${failure.message}): ${SEND_INSTEAD}`)
    if (csvNames.length > 1) {
      throw bad(`Zip archive holds ${csvNames.length} CSV files (${csvNames.join(', ')}); expected exactly one`)
    }
    if (method > 0 && method !== 8) throw bad(`The CSV in the zip archive uses compression method ${method}, which is not supported: ${SEND_INSTEAD}`)
  }
  async function* stored(): AsyncIterable<Uint8Array> {
    for await (const chunk of raw) {
      push(chunk, false)
      yield* member.splice(0)
    }
    push(new Uint8Array(0), true)
    yield* member.splice(0)
    if (csvNames.length === 0) throw noCsv(names)
  }
  // The member's method is known once its header has been read: peek until then.
  const [first, bytes] = await peek(stored(), 1, () => method < 0)
  if (first.length === 0 && method < 0) return
  if (method === 8) yield* inflate(bytes, 'deflate-raw', limits)
  else {
    let out = 0
    for await (const chunk of bytes) {
      out += chunk.length
      if (out > limits.maxBytes) throw new ScoringAbort(tooLarge('zip', limits))
      yield chunk
    }
  }
}

/** A zip without a CSV: say what it is when it is a spreadsheet, else what it holds. */
function noCsv(names: readonly string[]): ScoringAbort {
  const has = (p: (n: string) => boolean) => names.some(p)
  if (has((n) => n === '[Content_Types].xml' || n.startsWith('xl/'))) {
    return new ScoringAbort(
      scoringError('not_csv', 'The file is an Excel workbook (.xlsx), not a CSV: save it as "CSV UTF-8" (File › Save As) and send that, or a .csv.gz'),
    )
  }
  if (has((n) => n === 'mimetype') && has((n) => n === 'content.xml')) {
    return new ScoringAbort(scoringError('not_csv', 'The file is an OpenDocument spreadsheet (.ods), not a CSV: save it as CSV (UTF-8) and send that, or a .csv.gz'))
  }
  const listed = names.filter((n) => !n.endsWith('/') && !n.startsWith('__MACOSX/'))
  const shown = listed.slice(0, 5).map((n) => quoteText(n, 40)).join(', ')
  const holds = listed.length === 0 ? 'no files' : `${shown}${listed.length > 5 ? `, … (${listed.length} files)` : ''}`
  return new ScoringAbort(scoringError('bad_zip', `Zip archive holds no CSV file (it holds ${holds}): ${SEND_INSTEAD}`))
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
