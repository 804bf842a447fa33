// 'import-testset' job: turns an uploaded test-set version (prompts CSV + images zip already in
// storage) into a ready version. Input problems fail the job at once (retrying cannot fix them);
// the version row carries the reason for the organizer either way.
import { z } from 'zod'
import { PermanentJobError, type JobHandler } from '../queue/types.ts'
import { isTestSetInputError, processTestSet } from '../testsets/testsets.ts'

const payloadSchema = z.object({ versionId: z.string().min(1), activate: z.boolean().optional() })

export const importTestSetJob: JobHandler = async (payload, ctx) => {
  const parsed = payloadSchema.safeParse(payload)
  if (!parsed.success) throw new PermanentJobError(`invalid import-testset payload: ${parsed.error.message}`)
  try {
    const version = await processTestSet(parsed.data.versionId, {
      activate: parsed.data.activate,
      onProgress: (fraction, message) => ctx.progress(fraction, message),
    })
    await ctx.log(`test-set version ${version.version} ready: ${version.imageCount} images, ${version.publicCount} public`)
  } catch (err) {
    // processTestSet has recorded the failure on the version; an import is deterministic, so a
    // retry would fail the same way.
    const message = err instanceof Error ? err.message : String(err)
    throw new PermanentJobError(isTestSetInputError(err) ? message : `import failed: ${message}`, { cause: err })
  }
}
