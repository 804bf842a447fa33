// The whole training set as one zip, streamed from storage (lib/platform/zip-stream.ts).
import { db, type DataSetVersion } from '../platform/db.ts'
import { zipStoredObjects } from '../platform/zip-stream.ts'
import { dataSetKeys, PROMPTS_FILE, ZIP_IMAGES_DIR } from './keys.ts'

/** The zip's bytes: prompts.csv, then images/<file> in id order. */
export async function* dataSetZip(version: DataSetVersion): AsyncGenerator<Uint8Array> {
  const images = await db().dataSetImage.findMany({ where: { dataSetId: version.id }, orderBy: { imageId: 'asc' }, select: { fileName: true } })
  yield* zipStoredObjects(
    [
      { name: PROMPTS_FILE, key: dataSetKeys.prompts(version.id) },
      ...images.map((i) => ({ name: `${ZIP_IMAGES_DIR}${i.fileName}`, key: `${dataSetKeys.images(version.id)}${i.fileName}` })),
    ],
    version.createdAt,
  )
}
