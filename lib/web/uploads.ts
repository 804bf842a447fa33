// Turns an upload request into one byte stream plus its form fields: either the raw body
// (`POST …?filename=…&description=…`, used by the CLI) or a browser multipart form with one file.
import { badRequest } from '../errors.ts'
import { boundaryOf, MultipartError, readMultipart, readTextPart } from './multipart.ts'
import { webStreamChunks } from '../../scoring/source.ts'
import { MAX_MANIFEST_BYTES } from '../../scoring/model/manifest.ts'

export interface IncomingUpload {
  fileName: string
  /** The file's bytes, streamed. */
  stream: AsyncIterable<Uint8Array>
  /** Query parameters and form fields; fields that follow the file are there once `stream` ended. */
  fields: () => Readonly<Record<string, string>>
  /** Content-Length of a raw upload (progress, thread choice); unknown for multipart. */
  sizeHint?: number
}

export interface FormUploadRules {
  /** Form fields that carry the file. */
  fileFields: ReadonlySet<string>
  /** File name when the form gives none. */
  defaultFileName: string
  /** Message of the 400 answer for a form without the file. */
  noFileMessage: string
  /** Most bytes a text field may hold. */
  fieldLimit: (name: string) => number
  /** Whether a part that follows the file is a second file (refused) rather than a field. */
  isSecondFile: (part: { name: string; fileName?: string }) => boolean
  /** Message of the 400 answer for a second file. */
  secondFileMessage: string
}

/**
 * A multipart form with one streamed file: fields before the file are read first, the file's
 * bytes are handed on as they arrive, and fields after it are read once its stream has ended.
 */
export async function multipartUpload(body: ReadableStream<Uint8Array>, boundary: string, initial: Record<string, string>, rules: FormUploadRules): Promise<IncomingUpload> {
  const fields: Record<string, string> = { ...initial }
  const parts = readMultipart(webStreamChunks(body), boundary)
  try {
    for (;;) {
      const next = await parts.next()
      if (next.done) throw badRequest(rules.noFileMessage, 'no_file')
      const part = next.value
      if (part.fileName !== undefined && rules.fileFields.has(part.name)) {
        async function* fileThenTrailingFields(): AsyncGenerator<Uint8Array> {
          yield* part.body
          for (let r = await parts.next(); !r.done; r = await parts.next()) {
            if (rules.isSecondFile(r.value)) throw new MultipartError(rules.secondFileMessage)
            fields[r.value.name] = await readTextPart(r.value.body, rules.fieldLimit(r.value.name))
          }
        }
        return { fileName: part.fileName || rules.defaultFileName, stream: fileThenTrailingFields(), fields: () => fields }
      }
      fields[part.name] = await readTextPart(part.body, rules.fieldLimit(part.name))
    }
  } catch (err) {
    if (err instanceof MultipartError) throw badRequest(err.message, 'bad_multipart')
    throw err
  }
}

const SUBMISSION_FORM: FormUploadRules = {
  fileFields: new Set(['file', 'submission']),
  defaultFileName: 'submission.csv',
  noFileMessage: 'The form has no file field',
  // A model sent through this form brings its manifest as a field (lib/model-submissions.ts).
  fieldLimit: (name) => (name === 'manifest' ? MAX_MANIFEST_BYTES : 64 * 1024),
  isSecondFile: (part) => part.fileName !== undefined,
  secondFileMessage: 'Only one file may be uploaded at a time',
}

export async function uploadFromRequest(request: Request): Promise<IncomingUpload> {
  if (!request.body) throw badRequest('The request has no body: send the file as the body or as a multipart form', 'no_file')
  const query = Object.fromEntries(new URL(request.url).searchParams.entries())
  const boundary = boundaryOf(request.headers.get('content-type'))
  if (!boundary) {
    const length = Number(request.headers.get('content-length'))
    return {
      fileName: query.filename ?? 'submission.csv',
      stream: webStreamChunks(request.body),
      fields: () => query,
      sizeHint: Number.isFinite(length) && length > 0 ? length : undefined,
    }
  }
  return multipartUpload(request.body, boundary, query, SUBMISSION_FORM)
}
