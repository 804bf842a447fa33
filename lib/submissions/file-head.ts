// The first line of a stored submission file, whatever its packaging: plain, gzip or the first
// member of a zip (the forms the scorer accepts). Used to tell a prompt-text CSV from an embedding
// CSV without reading more than the file's head.
import { Readable } from 'node:stream'
import { createGunzip, createInflateRaw } from 'node:zlib'
import { storage } from '../platform/storage.ts'

/** The header line is short; 64 KiB of (decompressed) text is far more than any valid one. */
const HEAD_LIMIT = 64 * 1024

/** Up to `limit` bytes from the start of a stream; the stream is closed afterwards. */
async function take(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer)
      size += (chunk as Buffer).length
      if (size >= limit) break
    }
  } catch {
    // A truncated gzip or deflate head ends the stream early: keep what was decoded.
  } finally {
    stream.destroy()
  }
  return Buffer.concat(chunks).subarray(0, limit)
}

/** The decompressed start of `head` (raw bytes of the file's start). */
async function unpacked(head: Buffer): Promise<Buffer> {
  if (head[0] === 0x1f && head[1] === 0x8b) return take(Readable.from([head]).pipe(createGunzip()), HEAD_LIMIT)
  // Zip local file header: signature PK\3\4, method at 8, name and extra lengths at 26 and 28.
  if (head.length >= 30 && head.readUInt32LE(0) === 0x04034b50) {
    const method = head.readUInt16LE(8)
    const start = 30 + head.readUInt16LE(26) + head.readUInt16LE(28)
    const data = head.subarray(start)
    if (method === 0) return data
    if (method === 8) return take(Readable.from([data]).pipe(createInflateRaw()), HEAD_LIMIT)
    return Buffer.alloc(0)
  }
  return head
}

/** The first line of the stored file at `key` (BOM and line end removed), '' when unreadable. */
export async function firstLineOf(key: string): Promise<string> {
  const head = await unpacked(await take(await storage().read(key), HEAD_LIMIT))
  const text = head.toString('utf8').replace(/^\uFEFF/, '')
  return text.split(/\r?\n/, 1)[0] ?? ''
}
