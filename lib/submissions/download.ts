// The file a team submitted, for download by its members and organizers (everyone else: 404, as
// for the submission itself), and the sanitised run log of a model submission.
import type { Readable } from 'node:stream'
import { db, type User } from '../platform/db.ts'
import { storage } from '../platform/storage.ts'
import { notFound } from '../errors.ts'
import { safeFileName } from './files.ts'
import { loadVisibleSubmission } from './read.ts'
import { sanitizeRunLog, type RunLogLine } from './run-log.ts'

export interface SubmittedFile {
  stream: Readable
  size: number
  /** A safe base name for Content-Disposition (the stored name, odd characters replaced). */
  fileName: string
  contentType: string
}

function contentTypeOf(name: string): string {
  const lower = name.toLowerCase()
  if (lower.endsWith('.gz')) return 'application/gzip'
  if (lower.endsWith('.zip')) return 'application/zip'
  if (lower.endsWith('.csv')) return 'text/csv; charset=utf-8'
  return 'application/octet-stream'
}

export async function submittedFile(viewer: User, submissionId: string): Promise<SubmittedFile> {
  const s = await loadVisibleSubmission(viewer, submissionId)
  // A failed model check deletes the upload; the row stays as the record of the attempt.
  if (!(await storage().exists(s.fileKey))) throw notFound('The submitted file is no longer stored')
  const fileName = safeFileName(s.fileName, s.kind === 'model' ? 'model.onnx' : 'submission.csv')
  return { stream: await storage().read(s.fileKey), size: await storage().size(s.fileKey), fileName, contentType: contentTypeOf(fileName) }
}

/** The run log of a model submission as participants may read it: allow-listed lines only. */
export async function submissionRunLog(viewer: User, submissionId: string): Promise<RunLogLine[]> {
  const s = await loadVisibleSubmission(viewer, submissionId)
  if (s.kind !== 'model') return []
  const jobs = await db().job.findMany({ where: { submissionId: s.id }, orderBy: { createdAt: 'asc' }, select: { log: true, message: true, status: true } })
  return jobs.flatMap((j) => sanitizeRunLog(j.log, j.status === 'running' ? j.message : ''))
}
