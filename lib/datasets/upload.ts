// The organizer's training-data upload (POST /api/competitions/:slug/data): an images zip and an
// `imgId,prompt` CSV, checked with the test sets' reader (lib/testsets/input.ts: every image has
// one prompt and every prompt one image, valid ids, image types). The zip is extracted into
// storage as it streams in; a valid upload becomes the next version, a bad one leaves nothing.
import { z } from 'zod'
import { db, type Competition, type DataSetVersion } from '../platform/db.ts'
import { putUpload, storage } from '../platform/storage.ts'
import { config } from '../platform/config.ts'
import { now } from '../platform/clock.ts'
import { badRequest, isUniqueViolation } from '../errors.ts'
import { imageFilesOf, isTestSetInputError, matchImagesToPrompts, parsePromptsCsv, stageImagesFromZip } from '../testsets/input.ts'
import type { TestSetUpload } from '../testsets/upload.ts'
import { dataSetKeys } from './keys.ts'

const PROMPTS_LIMIT_BYTES = 64 * 1024 * 1024

const fieldsSchema = z.object({ note: z.string().max(1000).optional() })

/** The same multipart shape as a test-set upload (lib/web/uploads.ts builds it from a Request). */
export type DataSetUpload = TestSetUpload

/** The images zip may be as large as any upload (ARENA_UPLOAD_LIMIT_MB). */
async function* limited(source: AsyncIterable<Uint8Array>, limitBytes: number): AsyncGenerator<Uint8Array> {
  let bytes = 0
  for await (const chunk of source) {
    bytes += chunk.length
    if (bytes > limitBytes) throw badRequest(`The images zip is larger than ${Math.round(limitBytes / 1024 / 1024)} MB`, 'too_large')
    yield chunk
  }
}

async function nextVersion(competition: Competition, createdById: string): Promise<DataSetVersion> {
  for (let attempt = 0; ; attempt++) {
    const last = await db().dataSetVersion.findFirst({ where: { competitionId: competition.id }, orderBy: { version: 'desc' }, select: { version: true } })
    try {
      return await db().dataSetVersion.create({ data: { competitionId: competition.id, version: (last?.version ?? 0) + 1, createdById, createdAt: now() } })
    } catch (err) {
      if (isUniqueViolation(err) && attempt < 5) continue
      throw err
    }
  }
}

/**
 * Stores the files `images` (a .zip) and `prompts` (imgId,prompt CSV) as the competition's next
 * training-data version. Throws a 400 naming the problem (and keeps nothing) when they do not match.
 */
export async function uploadDataSet(competition: Competition, createdBy: { id: string }, upload: DataSetUpload): Promise<DataSetVersion> {
  const version = await nextVersion(competition, createdBy.id)
  try {
    let imageNames: string[] | null = null
    let gotPrompts = false
    for await (const file of upload.files) {
      if (file.name === 'images') {
        imageNames = await stageImagesFromZip(limited(file.stream, config().uploadLimitBytes), storage(), dataSetKeys.images(version.id))
      } else if (file.name === 'prompts') {
        await putUpload(dataSetKeys.prompts(version.id), file.stream, PROMPTS_LIMIT_BYTES)
        gotPrompts = true
      } else {
        throw badRequest(`Unexpected file field '${file.name}': send images (a .zip) and prompts (a .csv)`, 'bad_multipart')
      }
    }
    if (!imageNames || !gotPrompts) throw badRequest(`The form lacks the file ${!imageNames ? 'images (a .zip of the images)' : 'prompts (the imgId,prompt CSV)'}`, 'no_file')
    const prompts = parsePromptsCsv((await storage().readBuffer(dataSetKeys.prompts(version.id))).toString('utf8'), 'prompts.csv')
    const matched = matchImagesToPrompts(imageFilesOf(imageNames), prompts)
    const { note } = fieldsSchema.parse(upload.fields())
    const rows: { dataSetId: string; imageId: string; fileName: string; prompt: string; size: number }[] = []
    let totalBytes = await storage().size(dataSetKeys.prompts(version.id))
    for (const m of matched) {
      const size = await storage().size(`${dataSetKeys.images(version.id)}${m.fileName}`)
      totalBytes += size
      rows.push({ dataSetId: version.id, imageId: m.id, fileName: m.fileName, prompt: m.prompt, size })
    }
    return await db().$transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += 1000) await tx.dataSetImage.createMany({ data: rows.slice(i, i + 1000) })
      return tx.dataSetVersion.update({ where: { id: version.id }, data: { imageCount: rows.length, totalBytes, note: note ?? '' } })
    })
  } catch (err) {
    await db().dataSetVersion.delete({ where: { id: version.id } }).catch(() => undefined)
    await storage().deletePrefix(dataSetKeys.prefix(version.id))
    if (isTestSetInputError(err)) throw badRequest(err.message, 'invalid_dataset')
    throw err
  }
}
