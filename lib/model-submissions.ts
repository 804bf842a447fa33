// Model submissions: a team uploads an ONNX model plus its manifest (JSON). The model is streamed
// to storage, the manifest and the graph are checked before anything is queued (a bad model is
// rejected with 400 invalid_model and recorded as a failed submission, which gives its slot of the
// daily quota back), then the 'run-model' job runs it on the hidden images (a run that fails once
// started keeps its slot: see countToday). Participants never see the embeddings the model
// produces: only scores.
import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { MAX_MANIFEST_BYTES, manifestToJson, parseManifest } from '../scoring/model/manifest.ts'
import { validateModelFile } from '../scoring/model/validate-model.ts'
import { now } from './clock.ts'
import { config } from './config.ts'
import { db, type Competition, type Submission, type User } from './db.ts'
import { ApiError, badRequest, conflict } from './http.ts'
import { boundaryOf, MultipartError } from './multipart.ts'
import { multipartUpload, type FormUploadRules, type IncomingUpload } from './uploads.ts'
import { queue } from './queue/index.ts'
import { storage, StorageLimitError } from './storage.ts'
import { countToday, dailyLimitError, quotaOf, submissionView, type CreatedSubmission } from './submissions.ts'
import { lockTeam, requireTeam } from './teams.ts'

/** An uploaded model: its bytes streamed, and the form fields (`manifest`, `description`). */
export type ModelUpload = Pick<IncomingUpload, 'fileName' | 'stream' | 'fields'>

/** Where a model submission's files live: `<dir>/model.onnx` and `<dir>/manifest.json`. */
export const modelKeys = {
  model: (competitionId: string, uploadId: string) => `submissions/${competitionId}/${uploadId}/model.onnx`,
  /** The manifest stored beside a model (`Submission.fileKey` is the model). */
  manifestOf: (modelKey: string) => path.posix.join(path.posix.dirname(modelKey), 'manifest.json'),
}

export function invalidModel(message: string, details?: Record<string, unknown>): ApiError {
  return new ApiError(400, 'invalid_model', message, details)
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

const MODEL_FIELDS = new Set(['model', 'file'])

const MODEL_FORM: FormUploadRules = {
  fileFields: MODEL_FIELDS,
  defaultFileName: 'model.onnx',
  noFileMessage: 'The form has no model field (the .onnx file)',
  fieldLimit: (name) => (name === 'manifest' ? MAX_MANIFEST_BYTES : 64 * 1024),
  // The manifest may come as a small JSON file after the model: only a second model is refused.
  isSecondFile: (part) => part.fileName !== undefined && MODEL_FIELDS.has(part.name),
  secondFileMessage: 'Only one model may be uploaded at a time',
}

/**
 * Reads the model-submission form: a multipart body with the file field `model` (or `file`), the
 * field `manifest` (JSON text, or a small JSON file) and an optional `description`, in any order.
 * The model's bytes are handed on as they arrive; only the manifest (≤ 32 MB) is held in memory.
 */
export async function modelUploadFromRequest(request: Request): Promise<ModelUpload> {
  const boundary = boundaryOf(request.headers.get('content-type'))
  if (!request.body || !boundary) {
    throw badRequest('Send a multipart form with the fields model (the .onnx file), manifest (JSON) and description', 'bad_multipart')
  }
  return multipartUpload(request.body, boundary, Object.fromEntries(new URL(request.url).searchParams.entries()), MODEL_FORM)
}

/** Parses the manifest and checks the stored model's graph against it; the message on failure. */
async function checkModel(modelKey: string, manifestText: string | undefined): Promise<{ ok: true; manifestJson: string } | { ok: false; message: string }> {
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

/**
 * Stores an uploaded model, validates it and queues the 'run-model' job. The daily limit is
 * checked as for every submission: before the upload, and again under the team lock when the
 * row is created.
 */
export async function createModelSubmission(user: User, competition: Competition, upload: ModelUpload): Promise<CreatedSubmission> {
  const team = await requireTeam(user, competition)
  const started = now()
  if (started < competition.startAt) throw conflict('The competition has not started yet', 'not_started')
  const early = quotaOf(competition, await countToday(db(), team.id, started), started)
  if (early.remaining <= 0) throw dailyLimitError(early)

  const key = modelKeys.model(competition.id, randomUUID())
  const manifestKey = modelKeys.manifestOf(key)
  const discard = async () => {
    await storage().delete(key).catch(() => {})
    await storage().delete(manifestKey).catch(() => {})
  }
  let size: number
  try {
    size = (await storage().put(key, upload.stream, { limitBytes: config().modelUploadLimitBytes })).size
  } catch (err) {
    await discard()
    if (err instanceof StorageLimitError || (err instanceof Error && err.name === 'StorageLimitError')) {
      throw new ApiError(413, 'too_large', (err as Error).message)
    }
    if (err instanceof MultipartError) throw badRequest(err.message, 'bad_multipart')
    throw err
  }
  if (size === 0) {
    await discard()
    throw badRequest('The uploaded model file is empty', 'empty_file')
  }
  const fields = upload.fields()
  const description = (fields.description ?? fields.message ?? '').slice(0, 1000)
  const at = now()
  const row = {
    competitionId: competition.id,
    teamId: team.id,
    userId: user.id,
    kind: 'model' as const,
    fileKey: key,
    fileName: upload.fileName.slice(0, 255) || 'model.onnx',
    fileSize: size,
    description,
    late: at >= competition.deadline,
    createdAt: at,
  }

  const check = await checkModel(key, fields.manifest)
  if (!check.ok) {
    // Kept as a failed submission so the team sees why; failed submissions do not count.
    await discard()
    const failed = await db().submission.create({ data: { ...row, status: 'failed', error: check.message, progress: 1 } })
    throw invalidModel(check.message, { submissionId: failed.id })
  }
  await storage().put(manifestKey, Buffer.from(check.manifestJson))

  let created: Submission
  try {
    created = await db().$transaction(async (tx) => {
      await lockTeam(tx, team.id)
      const q = quotaOf(competition, await countToday(tx, team.id, at), at)
      if (q.remaining <= 0) throw dailyLimitError(q)
      return tx.submission.create({ data: { ...row, status: 'queued' } })
    })
  } catch (err) {
    await discard()
    throw err
  }
  try {
    await queue().enqueue('run-model', { submissionId: created.id }, { submissionId: created.id, competitionId: competition.id })
  } catch (err) {
    await db().submission.update({ where: { id: created.id }, data: { status: 'failed', error: 'The submission could not be queued for scoring; please submit again' } })
    throw err
  }
  return { submission: submissionView({ ...created, user }, false), quota: quotaOf(competition, await countToday(db(), team.id, at), at) }
}
