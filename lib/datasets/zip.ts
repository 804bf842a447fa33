// The whole training set as one zip, streamed from storage with fflate's streaming Zip: images are
// already compressed, so entries are stored (ZipPassThrough), and only one chunk of one file is in
// memory at a time. fflate writes no ZIP64 records: archives above 4 GiB are not supported.
import { Zip, ZipPassThrough } from 'fflate'
import { db, type DataSetVersion } from '../platform/db.ts'
import { storage } from '../platform/storage.ts'
import { dataSetKeys, PROMPTS_FILE, ZIP_IMAGES_DIR } from './keys.ts'

/** The zip's bytes: prompts.csv, then images/<file> in id order. */
export async function* dataSetZip(version: DataSetVersion): AsyncGenerator<Uint8Array> {
  const images = await db().dataSetImage.findMany({ where: { dataSetId: version.id }, orderBy: { imageId: 'asc' }, select: { fileName: true } })
  const entries = [
    { name: PROMPTS_FILE, key: dataSetKeys.prompts(version.id) },
    ...images.map((i) => ({ name: `${ZIP_IMAGES_DIR}${i.fileName}`, key: `${dataSetKeys.images(version.id)}${i.fileName}` })),
  ]
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
  const mtime = version.createdAt
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
