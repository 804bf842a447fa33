// Turns an upload request into one byte stream plus its form fields: either the raw body
// (`POST …?filename=…&description=…`, used by the CLI) or a browser multipart form with one file.
import { badRequest } from './http.ts'
import { boundaryOf, MultipartError, readMultipart, readTextPart } from './multipart.ts'
import { webStreamChunks } from '../scoring/source.ts'

export interface IncomingUpload {
  fileName: string
  /** The file's bytes, streamed. */
  stream: AsyncIterable<Uint8Array>
  /** Query parameters and form fields; fields that follow the file are there once `stream` ended. */
  fields: () => Readonly<Record<string, string>>
  /** Content-Length of a raw upload (progress, thread choice); unknown for multipart. */
  sizeHint?: number
}

const FILE_FIELD_NAMES = new Set(['file', 'submission'])

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
  const fields: Record<string, string> = { ...query }
  const parts = readMultipart(webStreamChunks(request.body), boundary)
  try {
    for (;;) {
      const next = await parts.next()
      if (next.done) throw badRequest('The form has no file field', 'no_file')
      const part = next.value
      if (part.fileName !== undefined && FILE_FIELD_NAMES.has(part.name)) {
        async function* fileThenTrailingFields(): AsyncGenerator<Uint8Array> {
          yield* part.body
          for (let r = await parts.next(); !r.done; r = await parts.next()) {
            if (r.value.fileName !== undefined) throw new MultipartError('Only one file may be uploaded at a time')
            fields[r.value.name] = await readTextPart(r.value.body)
          }
        }
        return { fileName: part.fileName || 'submission.csv', stream: fileThenTrailingFields(), fields: () => fields }
      }
      fields[part.name] = await readTextPart(part.body)
    }
  } catch (err) {
    if (err instanceof MultipartError) throw badRequest(err.message, 'bad_multipart')
    throw err
  }
}
