// A small streaming multipart/form-data reader: enough for the browser's upload form (a few text
// fields and one file). Parts are read strictly in order and the file part's bytes are handed on
// as they arrive, so an upload of any size is never held in memory.
export class MultipartError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MultipartError'
  }
}

export interface MultipartPart {
  name: string
  fileName: string | undefined
  contentType: string | undefined
  /** The part's bytes; must be consumed (or left: the reader drains it) before the next part. */
  body: AsyncIterable<Uint8Array>
}

const MAX_HEADER_BYTES = 16 * 1024
const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')

export function boundaryOf(contentType: string | null): string | undefined {
  const m = contentType?.match(/^multipart\/form-data\s*;.*boundary=(?:"([^"]+)"|([^;\s]+))/i)
  return m ? (m[1] ?? m[2]) : undefined
}

class Reader {
  buf: Buffer = Buffer.alloc(0)
  private ended = false
  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  async fill(): Promise<boolean> {
    if (this.ended) return false
    const r = await this.it.next()
    if (r.done) {
      this.ended = true
      return false
    }
    this.buf = this.buf.length === 0 ? Buffer.from(r.value) : Buffer.concat([this.buf, r.value])
    return true
  }

  async need(n: number): Promise<boolean> {
    while (this.buf.length < n) if (!(await this.fill())) return false
    return true
  }
}

/** Bytes up to the next delimiter, which is consumed. */
async function* until(reader: Reader, delim: Buffer): AsyncIterable<Uint8Array> {
  for (;;) {
    const i = reader.buf.indexOf(delim)
    if (i >= 0) {
      if (i > 0) yield reader.buf.subarray(0, i)
      reader.buf = reader.buf.subarray(i + delim.length)
      return
    }
    const keep = delim.length - 1
    if (reader.buf.length > keep) {
      yield reader.buf.subarray(0, reader.buf.length - keep)
      reader.buf = reader.buf.subarray(reader.buf.length - keep)
    }
    if (!(await reader.fill())) throw new MultipartError('Upload ended before the multipart body was complete')
  }
}

function parseHeaders(text: string): { name: string; fileName: string | undefined; contentType: string | undefined } {
  let name: string | undefined
  let fileName: string | undefined
  let contentType: string | undefined
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const key = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (key === 'content-disposition') {
      name = value.match(/;\s*name="([^"]*)"/i)?.[1]
      const star = value.match(/;\s*filename\*=UTF-8''([^;]+)/i)?.[1]
      fileName = star ? decodeURIComponent(star) : value.match(/;\s*filename="([^"]*)"/i)?.[1]
    } else if (key === 'content-type') contentType = value
  }
  if (name === undefined) throw new MultipartError('A multipart part has no name')
  return { name, fileName, contentType }
}

/** Yields the parts of a multipart body in order. */
export async function* readMultipart(body: AsyncIterable<Uint8Array>, boundary: string): AsyncGenerator<MultipartPart> {
  const reader = new Reader(body[Symbol.asyncIterator]())
  const delim = Buffer.from(`\r\n--${boundary}`)
  // The first delimiter has no leading CRLF: pretend it had one, and skip any preamble.
  reader.buf = Buffer.from(CRLF)
  for await (const _ of until(reader, delim)) {
    // preamble
  }
  for (;;) {
    if (!(await reader.need(2))) throw new MultipartError('Upload ended inside the multipart body')
    if (reader.buf[0] === 0x2d && reader.buf[1] === 0x2d) return // closing delimiter
    if (!reader.buf.subarray(0, 2).equals(CRLF)) throw new MultipartError('Malformed multipart delimiter')
    reader.buf = reader.buf.subarray(2)
    let end = reader.buf.indexOf(HEADER_END)
    while (end < 0) {
      if (reader.buf.length > MAX_HEADER_BYTES) throw new MultipartError('Multipart part headers are too long')
      if (!(await reader.fill())) throw new MultipartError('Upload ended inside multipart headers')
      end = reader.buf.indexOf(HEADER_END)
    }
    const headers = parseHeaders(reader.buf.subarray(0, end).toString('utf8'))
    reader.buf = reader.buf.subarray(end + HEADER_END.length)
    const it = until(reader, delim)[Symbol.asyncIterator]()
    let finished = false
    const partBody: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        async next() {
          const r = await it.next()
          if (r.done) finished = true
          return r
        },
      }),
    }
    yield { ...headers, body: partBody }
    if (!finished) for (let r = await it.next(); !r.done; r = await it.next()) {
      // drain what the consumer left
    }
  }
}

/** Collects a small text part (form fields), refusing absurd sizes. */
export async function readTextPart(body: AsyncIterable<Uint8Array>, maxBytes = 64 * 1024): Promise<string> {
  const parts: Uint8Array[] = []
  let n = 0
  for await (const chunk of body) {
    n += chunk.length
    if (n > maxBytes) throw new MultipartError(`A form field is longer than ${maxBytes} bytes`)
    parts.push(chunk)
  }
  return Buffer.concat(parts).toString('utf8')
}
