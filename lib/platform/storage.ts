// The one storage interface: uploads, truth files, per-image scores, test images.
//
// Keys are relative paths ('submissions/<id>/file.csv'). The local implementation writes under
// <data dir>/storage; another backend (S3-compatible) only needs to implement `Storage`.
// Writes are atomic (temp file + rename), so a crash never leaves a half-written object behind.
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { access, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { config } from './config.ts'
import { tooLarge } from '../errors.ts'

export type ByteSource = Uint8Array | Readable | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>

export interface PutOptions {
  /** Reject (and discard) the object once it grows past this many bytes. */
  limitBytes?: number
  onProgress?: (bytes: number) => void
}

export interface PutResult {
  size: number
  sha256: string
}

export interface Storage {
  readonly kind: string
  put(key: string, source: ByteSource, options?: PutOptions): Promise<PutResult>
  read(key: string): Promise<Readable>
  readBuffer(key: string): Promise<Buffer>
  exists(key: string): Promise<boolean>
  size(key: string): Promise<number>
  list(prefix: string): Promise<string[]>
  delete(key: string): Promise<void>
  deletePrefix(prefix: string): Promise<void>
  /** A local file path for the key when the backend has one (lets the scorer read files directly). */
  localPath(key: string): string | undefined
  /** Throws when the store cannot be written (used by the health check). */
  checkWritable(): Promise<void>
}

export class StorageLimitError extends Error {
  constructor(readonly limitBytes: number) {
    super(`File is larger than the limit of ${Math.round(limitBytes / 1024 / 1024)} MB`)
    this.name = 'StorageLimitError'
  }
}

export class StorageKeyError extends Error {}

function toReadable(source: ByteSource): Readable {
  if (source instanceof Readable) return source
  if (source instanceof Uint8Array) return Readable.from([source])
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    return Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>)
  }
  return Readable.from(source as AsyncIterable<Uint8Array>)
}

export class LocalStorage implements Storage {
  readonly kind = 'local'
  constructor(readonly root: string) {}

  private resolve(key: string): string {
    const clean = path.posix.normalize(key)
    if (clean.startsWith('..') || path.isAbsolute(clean) || clean === '.' || clean.includes('\0')) throw new StorageKeyError(`invalid storage key '${key}'`)
    return path.join(this.root, clean)
  }

  localPath(key: string): string {
    return this.resolve(key)
  }

  async put(key: string, source: ByteSource, options: PutOptions = {}): Promise<PutResult> {
    const target = this.resolve(key)
    await mkdir(path.dirname(target), { recursive: true })
    const tmp = `${target}.${randomBytes(6).toString('hex')}.part`
    const hash = createHash('sha256')
    let size = 0
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length
        if (options.limitBytes !== undefined && size > options.limitBytes) return done(new StorageLimitError(options.limitBytes))
        hash.update(chunk)
        options.onProgress?.(size)
        done(null, chunk)
      },
    })
    try {
      await pipeline(toReadable(source), meter, createWriteStream(tmp))
      await rename(tmp, target)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
    return { size, sha256: hash.digest('hex') }
  }

  async read(key: string): Promise<Readable> {
    const file = this.resolve(key)
    await access(file)
    return createReadStream(file)
  }

  readBuffer(key: string): Promise<Buffer> {
    return readFile(this.resolve(key))
  }

  async exists(key: string): Promise<boolean> {
    try {
      await access(this.resolve(key))
      return true
    } catch {
      return false
    }
  }

  async size(key: string): Promise<number> {
    return (await stat(this.resolve(key))).size
  }

  async list(prefix: string): Promise<string[]> {
    const base = this.resolve(prefix)
    const out: string[] = []
    const walk = async (dir: string): Promise<void> => {
      let entries
      try {
        entries = await readdir(dir, { withFileTypes: true })
      } catch {
        return
      }
      for (const e of entries) {
        const full = path.join(dir, e.name)
        if (e.isDirectory()) await walk(full)
        else if (!e.name.endsWith('.part')) out.push(path.relative(this.root, full).split(path.sep).join('/'))
      }
    }
    await walk(base)
    return out.sort()
  }

  async delete(key: string): Promise<void> {
    await rm(this.resolve(key), { force: true })
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.resolve(prefix), { recursive: true, force: true })
  }

  async checkWritable(): Promise<void> {
    const probe = `.health/${randomBytes(4).toString('hex')}`
    await mkdir(path.dirname(this.resolve(probe)), { recursive: true })
    await writeFile(this.resolve(probe), 'ok')
    await rm(this.resolve(probe), { force: true })
  }
}

const holder = globalThis as typeof globalThis & { __arenaStorage?: Storage }

/** The process-wide store, chosen by settings (local directory under the data dir by default). */
export function storage(): Storage {
  holder.__arenaStorage ??= new LocalStorage(path.join(config().dataDir, 'storage'))
  return holder.__arenaStorage
}

function isStorageLimitError(err: unknown): err is StorageLimitError {
  return err instanceof StorageLimitError || (err instanceof Error && err.name === 'StorageLimitError')
}

/**
 * Stores an upload: on any failure what arrived is removed, and a file past `limitBytes` is
 * answered 413 (the one place that maps the store's limit to the API's answer).
 */
export async function putUpload(key: string, source: ByteSource, limitBytes: number): Promise<PutResult> {
  try {
    return await storage().put(key, source, { limitBytes })
  } catch (err) {
    await storage().delete(key).catch(() => {})
    if (isStorageLimitError(err)) throw tooLarge(err.message)
    throw err
  }
}

/**
 * A local path for a stored object: the file itself on local storage, otherwise a temporary copy
 * (removed by `cleanup`).
 */
export async function localCopy(key: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const local = storage().localPath(key)
  if (local) return { path: local, cleanup: async () => {} }
  const dir = await mkdtemp(path.join(tmpdir(), 'arena-obj-'))
  const file = path.join(dir, path.posix.basename(key))
  await pipeline(await storage().read(key), createWriteStream(file))
  return { path: file, cleanup: () => rm(dir, { recursive: true, force: true }) }
}
