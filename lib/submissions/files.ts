// Where a submission's files live and what kind a submission is.
import path from 'node:path'
import { z } from 'zod'
import type { SubmissionKind } from '../platform/db.ts'
import { badRequest } from '../errors.ts'

export const submissionKeys = {
  /** An uploaded CSV (long format or prompt text). */
  file: (competitionId: string, uploadId: string, fileName: string) => `submissions/${competitionId}/${uploadId}/${fileName}`,
  /** An uploaded ONNX model; its manifest is stored beside it. */
  model: (competitionId: string, uploadId: string) => `submissions/${competitionId}/${uploadId}/model.onnx`,
  /** The manifest stored beside a model (`Submission.fileKey` is the model). */
  manifestOf: (modelKey: string) => path.posix.join(path.posix.dirname(modelKey), 'manifest.json'),
}

const kindSchema = z.enum(['csv', 'prompts', 'model', 'detect'])

/** A kind decided before the upload; `detect` = a CSV whose header decides (scoring/detect.ts). */
export type UploadKind = SubmissionKind | 'detect'

/**
 * The kind named by the client; absent or `detect`: a model for .onnx, else a CSV whose kind its
 * header line decides once stored. Decided from the fields that come before the file: a field
 * after it cannot turn a model into a CSV (or back) after the checks of the other kind have run.
 */
export function submissionKindOf(named: string | undefined, fileName: string): UploadKind {
  if (named !== undefined && named !== '' && named !== 'detect') {
    const parsed = kindSchema.safeParse(named)
    if (!parsed.success) throw badRequest(`kind must be detect, csv, prompts or model, got '${named}'`, 'invalid_kind')
    return parsed.data
  }
  return fileName.toLowerCase().endsWith('.onnx') ? 'model' : 'detect'
}

/** A file name safe to use in a storage key: the base name, odd characters replaced. */
export function safeFileName(name: string, fallback = 'submission.csv'): string {
  const base = path.posix.basename(name.replace(/\\/g, '/')).replace(/[^A-Za-z0-9._-]+/g, '_').slice(-120)
  return base === '' || base === '.' || base === '..' ? fallback : base
}
