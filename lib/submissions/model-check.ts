// The check a model submission passes before it is queued: its manifest parses and the stored
// graph fits it (scoring/model). A model that fails is kept as a failed submission, so the team
// sees why, and a model refused here gives its slot of the daily quota back (a run that fails once
// started keeps it: see countToday).
import { manifestToJson, parseManifest } from '../../scoring/model/manifest.ts'
import { validateModelFile } from '../../scoring/model/validate-model.ts'
import { config } from '../platform/config.ts'
import { localCopy } from '../platform/storage.ts'
import { ApiError } from '../errors.ts'

export function invalidModel(message: string, details?: Record<string, unknown>): ApiError {
  return new ApiError(400, 'invalid_model', message, details)
}

export type ModelCheck = { ok: true; manifestJson: string } | { ok: false; message: string }

/** Parses the manifest and checks the stored model's graph against it; the message on failure. */
export async function checkModel(modelKey: string, manifestText: string | undefined): Promise<ModelCheck> {
  if (manifestText === undefined || manifestText.trim() === '') {
    return { ok: false, message: 'A model submission needs its manifest: the form field manifest with the JSON text (inputName, outputName, imageSize, resize, mean, std)' }
  }
  const parsed = parseManifest(manifestText)
  if (!parsed.ok) return { ok: false, message: parsed.error.message }
  const file = await localCopy(modelKey)
  try {
    const valid = await validateModelFile(file.path, parsed.manifest, { maxBytes: config().modelUploadLimitBytes })
    if (!valid.ok) return { ok: false, message: valid.error.message }
  } finally {
    await file.cleanup()
  }
  return { ok: true, manifestJson: JSON.stringify(manifestToJson(parsed.manifest)) }
}
