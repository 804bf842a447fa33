// 'import-testset' job: turns an uploaded test-set version (prompts CSV + images zip already in
// storage) into a ready version. Input problems fail the job at once (retrying cannot fix them);
// the version row carries the reason for the organizer either way.
import { PermanentJobError, type JobHandler } from '../queue/types.ts'
import { parseJobPayload } from '../queue/payloads.ts'
import { isTestSetInputError } from '../testsets/input.ts'
import { processTestSet } from '../testsets/versions.ts'

export const importTestSetJob: JobHandler = async (payload, ctx) => {
  const { versionId, activate } = parseJobPayload('import-testset', payload)
  try {
    const version = await processTestSet(versionId, {
      activate,
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
