// Creating a submission, of every kind, in one path: the start and quota checks, the streamed
// upload to storage, a model's pre-check, the row (under a lock on the team) and its scoring job.
// Scoring itself never runs inside a request.
import { randomUUID } from 'node:crypto'
import { config } from '../platform/config.ts'
import { db, type Competition, type Submission, type User } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { putUpload, storage } from '../platform/storage.ts'
import { badRequest, conflict } from '../errors.ts'
import { lockTeam, requireTeam } from '../teams/teams.ts'
import { checkModel, invalidModel } from './model-check.ts'
import { countToday, dailyLimitError, quotaOf, type Quota } from './quota.ts'
import { enqueueScoring } from './scoring-jobs.ts'
import { safeFileName, submissionKeys, submissionKindOf } from './files.ts'
import { detectSourceFormat } from '../../scoring/detect.ts'
import { submissionView, type SubmissionView } from './view.ts'

/**
 * The kind of a stored CSV from its header (decompressed first: gzip and zip too). A file that
 * is no CSV at all is taken as an embedding CSV: its scoring job then fails with the scoring
 * core's message naming what the file is.
 */
async function detectedKind(key: string): Promise<'csv' | 'prompts'> {
  const detected = await detectSourceFormat(storage().localPath(key) ?? (await storage().read(key)))
  return detected.ok && detected.format === 'prompts' ? 'prompts' : 'csv'
}

/** An upload as the web adapter (lib/web/uploads.ts) hands it over. */
export interface SubmissionUpload {
  fileName: string
  /** The file's bytes, streamed. */
  stream: AsyncIterable<Uint8Array>
  /** Query parameters and form fields; fields that follow the file are there once `stream` ended. */
  fields: () => Readonly<Record<string, string>>
  /** Content-Length of a raw upload; unknown for multipart. */
  sizeHint?: number
}

export interface CreatedSubmission {
  submission: SubmissionView
  quota: Quota
}

/**
 * Stores an upload and queues it for scoring. The daily limit is checked twice: cheaply before the
 * upload (so a team over its limit does not send 500 MB for nothing), and authoritatively in the
 * transaction that creates the row, under a lock on the team, so concurrent uploads cannot exceed
 * it. `kind` (`csv`, `prompts`, `model`) comes from the fields before the file; absent or `detect`,
 * from the file name (.onnx) or the stored CSV's header line.
 */
export async function createSubmission(user: User, competition: Competition, upload: SubmissionUpload): Promise<CreatedSubmission> {
  const team = await requireTeam(user, competition)
  const started = now()
  if (started < competition.startAt) throw conflict('The competition has not started yet', 'not_started')
  const early = quotaOf(competition, await countToday(db(), team.id, started), started)
  if (early.remaining <= 0) throw dailyLimitError(early)

  const uploadKind = submissionKindOf(upload.fields().kind, upload.fileName)
  const isModel = uploadKind === 'model'
  const storedName = safeFileName(upload.fileName, isModel ? 'model.onnx' : 'submission.csv')
  const key = isModel ? submissionKeys.model(competition.id, randomUUID()) : submissionKeys.file(competition.id, randomUUID(), storedName)
  const manifestKey = submissionKeys.manifestOf(key)
  const discard = async () => {
    await storage().delete(key).catch(() => {})
    if (isModel) await storage().delete(manifestKey).catch(() => {})
  }
  const size = (await putUpload(key, upload.stream, isModel ? config().modelUploadLimitBytes : config().uploadLimitBytes)).size
  if (size === 0) {
    await discard()
    throw badRequest(`The uploaded ${isModel ? 'model ' : ''}file is empty`, 'empty_file')
  }
  const kind = uploadKind === 'detect' ? await detectedKind(key) : uploadKind
  const fields = upload.fields()
  const at = now()
  const row = {
    competitionId: competition.id,
    teamId: team.id,
    userId: user.id,
    kind,
    fileKey: key,
    fileName: upload.fileName.slice(0, 255) || storedName,
    fileSize: size,
    description: (fields.description ?? fields.message ?? '').slice(0, 1000),
    late: at >= competition.deadline,
    createdAt: at,
  }

  if (isModel) {
    const check = await checkModel(key, fields.manifest)
    if (!check.ok) {
      await discard()
      const failed = await db().submission.create({ data: { ...row, status: 'failed', error: check.message, progress: 1 } })
      throw invalidModel(check.message, { submissionId: failed.id })
    }
    await storage().put(manifestKey, Buffer.from(check.manifestJson))
  }

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
    await enqueueScoring(created)
  } catch (err) {
    await db().submission.update({ where: { id: created.id }, data: { status: 'failed', error: 'The submission could not be queued for scoring; please submit again' } })
    throw err
  }
  return { submission: submissionView({ ...created, user }, false), quota: quotaOf(competition, await countToday(db(), team.id, at), at) }
}
