// Upload requests turned into the domain's upload values: one byte stream plus its form fields
// for submissions and models (lib/submissions/create.ts), two streamed files for test sets
// (lib/testsets). Either the raw body (`POST …?filename=…&description=…`, used by the CLI) or a
// browser multipart form.
import { MAX_MANIFEST_BYTES } from '../../scoring/model/manifest.ts'
import { webStreamChunks } from '../../scoring/source.ts'
import { badRequest } from '../errors.ts'
import type { SubmissionUpload } from '../submissions/create.ts'
import type { TestSetUpload } from '../testsets/upload.ts'
import { isMultipart, readMultipart, readTextPart, type MultipartPart } from './multipart.ts'
import { minimumRate } from './upload-limits.ts'

/** Text fields other than a model's manifest. */
const FIELD_BYTES = 64 * 1024

interface FormUploadRules {
  /** Form fields that carry the file. */
  fileFields: ReadonlySet<string>
  /** File name when the form gives none. */
  defaultFileName: string
  /** Message of the 400 answer for a form without the file. */
  noFileMessage: string
  /** Whether a file part other than the upload (e.g. a manifest sent as a file) is read as a text field. */
  fileAsField: (name: string) => boolean
  /** Message of the 400 answer for a second file. */
  secondFileMessage: string
}

function fieldLimit(name: string): number {
  return name === 'manifest' ? MAX_MANIFEST_BYTES : FIELD_BYTES
}

async function fieldValue(part: MultipartPart, rules: FormUploadRules): Promise<string> {
  if (part.kind === 'field') {
    if (part.value.length > fieldLimit(part.name)) throw badRequest(`The field '${part.name}' is longer than ${fieldLimit(part.name)} bytes`, 'bad_multipart')
    return part.value
  }
  if (!rules.fileAsField(part.name)) {
    part.body.resume()
    throw badRequest(rules.secondFileMessage, 'bad_multipart')
  }
  return readTextPart(part.body, fieldLimit(part.name), part.name)
}

/**
 * A multipart form with one streamed file: fields before the file are read first, the file's
 * bytes are handed on as they arrive, and fields after it are read once its stream has ended.
 */
async function multipartUpload(body: ReadableStream<Uint8Array>, contentType: string, initial: Record<string, string>, rules: FormUploadRules): Promise<SubmissionUpload> {
  const fields: Record<string, string> = { ...initial }
  const parts = readMultipart(body, contentType, { fieldBytes: MAX_MANIFEST_BYTES })
  for (;;) {
    const next = await parts.next()
    if (next.done) throw badRequest(rules.noFileMessage, 'no_file')
    const part = next.value
    if (part.kind === 'file' && rules.fileFields.has(part.name)) {
      const file = part.body
      async function* fileThenTrailingFields(): AsyncGenerator<Uint8Array> {
        yield* file
        for (let r = await parts.next(); !r.done; r = await parts.next()) fields[r.value.name] = await fieldValue(r.value, rules)
      }
      return { fileName: part.fileName || rules.defaultFileName, stream: fileThenTrailingFields(), fields: () => fields }
    }
    fields[part.name] = await fieldValue(part, rules)
  }
}

function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams.entries())
}

const SUBMISSION_FORM: FormUploadRules = {
  fileFields: new Set(['file', 'submission']),
  defaultFileName: 'submission.csv',
  noFileMessage: 'The form has no file field',
  fileAsField: () => false,
  secondFileMessage: 'Only one file may be uploaded at a time',
}

/** A submission of any kind: the raw body, or a multipart form with the file field `file`. */
export async function uploadFromRequest(request: Request): Promise<SubmissionUpload> {
  if (!request.body) throw badRequest('The request has no body: send the file as the body or as a multipart form', 'no_file')
  const query = queryOf(request)
  const contentType = request.headers.get('content-type')
  if (!isMultipart(contentType)) {
    const length = Number(request.headers.get('content-length'))
    return {
      fileName: query.filename ?? 'submission.csv',
      stream: webStreamChunks(minimumRate(request.body)),
      fields: () => query,
      sizeHint: Number.isFinite(length) && length > 0 ? length : undefined,
    }
  }
  return multipartUpload(minimumRate(request.body), contentType as string, query, SUBMISSION_FORM)
}

const MODEL_FIELDS = new Set(['model', 'file'])

const MODEL_FORM: FormUploadRules = {
  fileFields: MODEL_FIELDS,
  defaultFileName: 'model.onnx',
  noFileMessage: 'The form has no model field (the .onnx file)',
  // The manifest may come as a small JSON file after the model: only a second model is refused.
  fileAsField: (name) => !MODEL_FIELDS.has(name),
  secondFileMessage: 'Only one model may be uploaded at a time',
}

/**
 * The model-submission form: the file field `model` (or `file`), the field `manifest` (JSON text,
 * or a small JSON file) and an optional `description`, in any order. Always of kind model.
 */
export async function modelUploadFromRequest(request: Request): Promise<SubmissionUpload> {
  const contentType = request.headers.get('content-type')
  if (!request.body || !isMultipart(contentType)) {
    throw badRequest('Send a multipart form with the fields model (the .onnx file), manifest (JSON) and description', 'bad_multipart')
  }
  return multipartUpload(minimumRate(request.body), contentType as string, { ...queryOf(request), kind: 'model' }, MODEL_FORM)
}

/**
 * The test-set form: the files `images` (a .zip) and `prompts` (the imgId,prompt CSV) and the
 * optional fields publicFraction, seed, note, activate (also as query parameters).
 */
export function testSetUploadFromRequest(request: Request): TestSetUpload {
  const contentType = request.headers.get('content-type')
  if (!request.body || !isMultipart(contentType)) {
    throw badRequest('Send a multipart form with the files images (a .zip of the images) and prompts (the imgId,prompt CSV)', 'no_file')
  }
  const fields: Record<string, string> = queryOf(request)
  const body = minimumRate(request.body)
  async function* files(): AsyncGenerator<{ name: string; stream: AsyncIterable<Uint8Array> }> {
    for await (const part of readMultipart(body, contentType as string, { fieldBytes: FIELD_BYTES })) {
      if (part.kind === 'field') fields[part.name] = part.value
      else yield { name: part.name, stream: part.body }
    }
  }
  return { fieldsBefore: { ...fields }, files: files(), fields: () => fields }
}
