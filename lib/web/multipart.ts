// multipart/form-data as an async sequence of parts, read by busboy (the field's streaming
// parser). Parts come strictly in order and a file part's bytes are handed on as they arrive, so
// an upload of any size is never held in memory: busboy pauses the request until the consumer has
// read the current file. A malformed or truncated form fails with a 400 `bad_multipart`.
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import busboy from 'busboy'
import { ApiError, badRequest, isApiError } from '../errors.ts'

export type MultipartPart =
  | { readonly kind: 'field'; readonly name: string; readonly value: string }
  /** `body` must be read to its end (or destroyed) before the next part arrives. */
  | { readonly kind: 'file'; readonly name: string; readonly fileName: string; readonly body: Readable }

export interface MultipartLimits {
  /** Most bytes of a text field: a longer one is refused. */
  readonly fieldBytes: number
  /** Most parts in the form. */
  readonly parts?: number
}

export function isMultipart(contentType: string | null): boolean {
  return contentType !== null && /^multipart\/form-data\s*;.*boundary=/i.test(contentType)
}

function badMultipart(message: string): ApiError {
  return badRequest(message, 'bad_multipart')
}

/** The parts of a multipart body, in order. */
export async function* readMultipart(body: ReadableStream<Uint8Array>, contentType: string, limits: MultipartLimits): AsyncGenerator<MultipartPart> {
  let parser: busboy.Busboy
  try {
    parser = busboy({ headers: { 'content-type': contentType }, limits: { fieldSize: limits.fieldBytes, parts: limits.parts ?? 100 } })
  } catch (err) {
    throw badMultipart(`The form cannot be read: ${err instanceof Error ? err.message : 'bad content type'}`)
  }
  const queue: MultipartPart[] = []
  let failure: ApiError | undefined
  let finished = false
  let wake: (() => void) | undefined
  let current: Readable | undefined
  const notify = () => {
    const w = wake
    wake = undefined
    w?.()
  }
  const fail = (err: ApiError) => {
    failure ??= err
    current?.destroy(failure)
    notify()
  }
  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) return fail(badMultipart(`The field '${name}' is longer than ${limits.fieldBytes} bytes`))
    queue.push({ kind: 'field', name, value })
    notify()
  })
  parser.on('file', (name, stream, info) => {
    current = stream
    queue.push({ kind: 'file', name, fileName: info.filename ?? '', body: stream })
    notify()
  })
  parser.on('partsLimit', () => fail(badMultipart(`The form has more than ${limits.parts ?? 100} parts`)))
  parser.on('error', (err: unknown) => fail(badMultipart(`The form is malformed: ${err instanceof Error ? err.message : 'unreadable'}`)))
  parser.on('close', () => {
    finished = true
    notify()
  })
  const source = Readable.fromWeb(body as WebReadableStream<Uint8Array>)
  // An ApiError is a limit of ours (e.g. the minimum upload rate): it keeps its status.
  source.on('error', (err) => fail(isApiError(err) ? err : badMultipart('The upload broke off before the form ended')))
  source.pipe(parser)
  try {
    for (;;) {
      const next = queue.shift()
      if (next) {
        yield next
        continue
      }
      if (failure) throw failure
      if (finished) return
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    // A consumer that stops early (an error, a refused part): stop reading the request.
    if (!finished) {
      source.unpipe(parser)
      source.destroy()
      current?.resume()
    }
  }
}

/** A small part's text, refused past `limit` bytes. */
export async function readTextPart(body: AsyncIterable<Uint8Array>, limit: number, name: string): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > limit) throw badMultipart(`The part '${name}' is longer than ${limit} bytes`)
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks).toString('utf8')
}
