// The organizer's test-set upload (POST /api/competitions/:slug/testsets): both files are
// streamed to storage as they arrive, the prompts are checked at once (a bad CSV is a 400 with its
// line), and the rest of the import runs as an 'import-testset' job.
import { z } from 'zod'
import { config } from '../platform/config.ts'
import { db, type Competition } from '../platform/db.ts'
import { putUpload, storage } from '../platform/storage.ts'
import { badRequest } from '../errors.ts'
import { createTestSetVersion, enqueueTestSetImport, failTestSetVersion } from './versions.ts'
import { testSetKeys } from './keys.ts'
import { isTestSetInputError, MAX_SEED, parsePromptsCsv } from './input.ts'
import { testSetView, type TestSetView } from './reads.ts'

/** A test-set upload as the web adapter (lib/web/uploads.ts) hands it over. */
export interface TestSetUpload {
  /** Fields known before the body is read (query parameters). */
  fieldsBefore: Readonly<Record<string, string>>
  /** The form's files in order; each stream must be read before the next file. */
  files: AsyncIterable<{ name: string; stream: AsyncIterable<Uint8Array> }>
  /** Every field, those between and after the files included, once `files` has ended. */
  fields: () => Readonly<Record<string, string>>
}

const PROMPTS_LIMIT_BYTES = 64 * 1024 * 1024

const uploadFieldsSchema = z.object({
  publicFraction: z.coerce.number().min(0).max(1).optional(),
  seed: z.coerce.number().int().min(0).max(MAX_SEED).optional(),
  note: z.string().max(1000).optional(),
  activate: z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v)).optional(),
})

export interface UploadedTestSet {
  testSet: TestSetView
  jobId: string
}

/**
 * Stores the files `images` (a .zip) and `prompts` (the imgId,prompt CSV) of a new version and
 * queues its import; the fields publicFraction, seed, note and activate are optional.
 */
export async function uploadTestSet(competition: Competition, createdBy: { id: string }, upload: TestSetUpload): Promise<UploadedTestSet> {
  const early = uploadFieldsSchema.parse(upload.fieldsBefore)
  const version = await createTestSetVersion(competition, { publicFraction: early.publicFraction, seed: early.seed, note: early.note, createdById: createdBy.id })
  const got = { images: false, prompts: false }
  try {
    for await (const file of upload.files) {
      if (file.name === 'images') {
        await putUpload(testSetKeys.uploadZip(version.id), file.stream, config().uploadLimitBytes)
        got.images = true
      } else if (file.name === 'prompts') {
        await putUpload(testSetKeys.prompts(version.id), file.stream, PROMPTS_LIMIT_BYTES)
        got.prompts = true
      } else {
        throw badRequest(`Unexpected file field '${file.name}': send images (a .zip) and prompts (a .csv)`, 'bad_multipart')
      }
    }
    if (!got.images || !got.prompts) throw badRequest(`The form lacks the file ${!got.images ? 'images (a .zip of the images)' : 'prompts (the imgId,prompt CSV)'}`, 'no_file')
    parsePromptsCsv((await storage().readBuffer(testSetKeys.prompts(version.id))).toString('utf8'), 'prompts.csv')
  } catch (err) {
    await failTestSetVersion(version.id, `upload failed: ${err instanceof Error ? err.message : String(err)}`)
    if (isTestSetInputError(err)) throw badRequest(err.message, 'invalid_testset')
    throw err
  }
  const late = uploadFieldsSchema.parse(upload.fields())
  const updated = await db().testSetVersion.update({
    where: { id: version.id },
    data: {
      ...(late.publicFraction !== undefined ? { publicFraction: late.publicFraction } : {}),
      ...(late.seed !== undefined ? { seed: late.seed } : {}),
      ...(late.note !== undefined ? { note: late.note } : {}),
    },
  })
  const job = await enqueueTestSetImport(updated, { activate: late.activate })
  return { testSet: testSetView(updated, competition.activeTestSetId, job), jobId: job.id }
}
