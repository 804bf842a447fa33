// Stored objects as one zip, streamed with fflate's streaming Zip: entries are stored
// (ZipPassThrough: images and ONNX weights do not deflate usefully), and only one chunk of one
// object is in memory at a time. fflate writes no ZIP64 records: archives above 4 GiB are not
// supported.
import { Zip, ZipPassThrough } from 'fflate'
import { storage } from './storage.ts'

export interface ZipEntry {
  /** Path inside the archive. */
  readonly name: string
  /** Storage key of the object. */
  readonly key: string
}

/** The archive's bytes, entries in the given order. */
export async function* zipStoredObjects(entries: readonly ZipEntry[], mtime: Date): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = []
  let failure: Error | null = null
  const zip = new Zip((err, chunk) => {
    if (err) failure = err
    else out.push(chunk)
  })
  const drain = function* (): Generator<Uint8Array> {
    if (failure) throw failure
    while (out.length > 0) yield out.shift() as Uint8Array
  }
  for (const entry of entries) {
    const file = new ZipPassThrough(entry.name)
    file.mtime = mtime
    zip.add(file)
    for await (const chunk of await storage().read(entry.key)) {
      file.push(chunk instanceof Uint8Array ? chunk : Buffer.from(chunk as string), false)
      yield* drain()
    }
    file.push(new Uint8Array(0), true)
    yield* drain()
  }
  zip.end()
  yield* drain()
}
