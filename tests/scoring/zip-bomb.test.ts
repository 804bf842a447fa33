import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { createDeflateRaw, gzipSync } from 'node:zlib'
import { scoreSubmission, type ScoringError } from '../../scoring/index.ts'
import { ScoringAbort } from '../../scoring/errors.ts'
import { openSource, type SourceLimits } from '../../scoring/source.ts'
import { prng, randomTruth, tempDir, writeTemp } from './helpers.ts'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const GiB = 1 << 30
const header = new TextEncoder().encode('imgId_eId,val\n')

/**
 * Raw deflate of the header and then 1 GiB of blank lines: about 1 MB, ~1000:1, the most
 * deflate reaches. Blank lines are valid CSV that every reader skips, so only the caps on
 * decompression can stop it.
 */
async function deflatedBomb(): Promise<Uint8Array> {
  const d = createDeflateRaw({ level: 9 })
  const parts: Buffer[] = []
  d.on('data', (c: Buffer) => parts.push(c))
  const done = new Promise((r) => d.on('end', r))
  d.write(header)
  const lines = Buffer.alloc(1 << 20, 0x0a)
  for (let i = 0; i < 1024; i++) if (!d.write(lines)) await new Promise((r) => d.once('drain', r))
  d.end()
  await done
  return Buffer.concat(parts)
}

/** A one-member zip (local header, data, central directory) around already deflated bytes. */
function zipOf(name: string, deflated: Uint8Array, size: number): Uint8Array {
  const n = Buffer.from(name)
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0)
  local.writeUInt16LE(20, 4)
  local.writeUInt16LE(8, 8) // deflate
  local.writeUInt32LE(deflated.length, 18)
  local.writeUInt32LE(size >>> 0, 22)
  local.writeUInt16LE(n.length, 26)
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0)
  central.writeUInt16LE(20, 4)
  central.writeUInt16LE(20, 6)
  central.writeUInt16LE(8, 10)
  central.writeUInt32LE(deflated.length, 20)
  central.writeUInt32LE(size >>> 0, 24)
  central.writeUInt16LE(n.length, 28)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(1, 8)
  end.writeUInt16LE(1, 10)
  end.writeUInt32LE(46 + n.length, 12)
  end.writeUInt32LE(30 + n.length + deflated.length, 16)
  return Buffer.concat([local, n, deflated, central, n, end])
}

/** Reads every decompressed byte of `file`; the error, the bytes seen and the peak RSS growth. */
async function drain(file: string, limits?: SourceLimits): Promise<{ error: ScoringError | undefined; bytes: number; rssGrowth: number }> {
  const before = process.memoryUsage().rss
  let peak = before
  let bytes = 0
  let error: ScoringError | undefined
  try {
    const opened = await openSource(file, { limits })
    for await (const chunk of opened.chunks) {
      bytes += chunk.length
      peak = Math.max(peak, process.memoryUsage().rss)
    }
  } catch (err) {
    if (!(err instanceof ScoringAbort)) throw err
    error = err.error
  }
  return { error, bytes, rssGrowth: peak - before }
}

describe('zip and gzip bombs', () => {
  let zipBomb = ''
  let gzipBomb = ''
  beforeAll(async () => {
    const deflated = await deflatedBomb()
    expect(deflated.length).toBeLessThan(2 << 20)
    zipBomb = writeTemp(dir, 'bomb.zip', zipOf('sub.csv', deflated, header.length + GiB))
    // gzip = 10-byte header + the same raw deflate + CRC32 and size (CRC left 0: it is checked
    // only at the very end, after the caps already stopped reading).
    const gz = gzipSync(Buffer.alloc(0))
    const trailer = Buffer.alloc(8)
    trailer.writeUInt32LE((header.length + GiB) >>> 0, 4)
    gzipBomb = writeTemp(dir, 'bomb.csv.gz', Buffer.concat([gz.subarray(0, 10), deflated, trailer]))
  }, 60_000)

  it('a 1 MB zip expanding to 1 GiB is rejected by the ratio cap, with bounded memory', async () => {
    const r = await drain(zipBomb)
    expect(r.error).toMatchObject({
      code: 'archive_too_large',
      message: 'The zip archive expands beyond 2 GiB or more than 200 times its compressed size: send the CSV or a .csv.gz',
    })
    // Stopped after ~200 × the ~20 KB read + 16 MiB of slack, not after 1 GiB.
    expect(r.bytes).toBeLessThan(64 << 20)
    expect(r.rssGrowth).toBeLessThan(200 << 20)
  })

  it('the caller sets the caps: a size cap stops it at that size when the ratio is allowed', async () => {
    const r = await drain(zipBomb, { maxBytes: 100 << 20, maxRatio: 1e6 })
    expect(r.error).toMatchObject({ code: 'archive_too_large', message: expect.stringMatching(/^The zip archive expands beyond 100 MiB /) })
    expect(r.bytes).toBeLessThanOrEqual(100 << 20)
    expect(r.bytes).toBeGreaterThan(90 << 20)
    expect(r.rssGrowth).toBeLessThan(200 << 20)
  })

  it('gzip gets the same caps', async () => {
    const r = await drain(gzipBomb)
    expect(r.error).toMatchObject({ code: 'archive_too_large', message: expect.stringMatching(/^The gzip archive expands beyond 2 GiB/) })
    expect(r.rssGrowth).toBeLessThan(200 << 20)
  })

  it('scoring a bomb ends with that message, and the event loop keeps running meanwhile', async () => {
    const truth = randomTruth(prng(1), 3, 384)
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    const r = await scoreSubmission(zipBomb, truth)
    clearInterval(timer)
    expect(r.ok ? null : r.error).toMatchObject({ code: 'archive_too_large' })
    // Inflation runs on zlib's thread pool: timers fire in between (fflate inflated 1 GiB in one call).
    expect(ticks).toBeGreaterThan(0)
  })

  it('an ordinary zip passes the default caps', async () => {
    const truth = randomTruth(prng(2), 40, 384)
    const text = 'imgId_eId,val\n' + Array.from(truth.vectors, (v, s) => `${truth.ids[Math.floor(s / 384)]}_${s % 384},${v}`).join('\n')
    const d = createDeflateRaw()
    const parts: Buffer[] = []
    d.on('data', (c: Buffer) => parts.push(c))
    const done = new Promise((r) => d.on('end', r))
    d.end(text)
    await done
    const file = writeTemp(dir, 'ok.zip', zipOf('sub.csv', Buffer.concat(parts), Buffer.byteLength(text)))
    const r = await scoreSubmission(file, truth)
    if (!r.ok) throw new Error(r.error.message)
    expect(r.score).toBeCloseTo(1, 6)
  })
})
