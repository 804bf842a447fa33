// The REST API's side of errors and bodies: the `{error:{code,message}}` response for a thrown
// ApiError (lib/errors.ts) or ZodError, zod parsing of JSON bodies and query strings, and a wrapper
// for route handlers.
import { z } from 'zod'
import { ApiError, badRequest, formatZodIssues, isApiError } from '../errors.ts'

/** JSON and form bodies: a sign-in is ~100 bytes, the largest form (final selection) a few KB. */
export const SMALL_BODY_BYTES = 64 * 1024

export function errorResponse(err: unknown): Response {
  if (isApiError(err)) {
    const retryAfter = err.details?.retryAfterSeconds
    const headers = typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : undefined
    return Response.json({ error: { code: err.code, message: err.message, ...(err.details ?? {}) } }, { status: err.status, headers })
  }
  if (err instanceof z.ZodError) {
    return Response.json({ error: { code: 'invalid_input', message: formatZodIssues(err) } }, { status: 400 })
  }
  console.error(err)
  return Response.json({ error: { code: 'internal', message: 'Internal server error' } }, { status: 500 })
}

/** Runs a handler body, turning thrown ApiErrors/ZodErrors into JSON error responses. */
export async function handle(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn()
  } catch (err) {
    return errorResponse(err)
  }
}

export function payloadTooLarge(limit: number): ApiError {
  return new ApiError(413, 'payload_too_large', `The request body is larger than ${Math.round(limit / 1024)} KB`)
}

/**
 * The request body, refused with 413 as soon as it passes `limit` bytes: a declared
 * Content-Length past it is refused before reading, and a longer stream is cancelled mid-way, so
 * an oversized body is never held in memory.
 */
export async function readSmallBody(request: Request, limit = SMALL_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => undefined)
    throw payloadTooLarge(limit)
  }
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      throw payloadTooLarge(limit)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

/** `application/json` or `application/…+json`, parameters (charset) allowed. */
function isJsonType(contentType: string | null): boolean {
  return contentType !== null && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim())
}

/**
 * A JSON body checked by `schema`. A body of another type is refused with 415: a cross-site page
 * can send text/plain or a form without asking, but not application/json. An empty body without
 * a type stands for `{}`.
 */
export async function parseJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const contentType = request.headers.get('content-type')
  if (contentType !== null && !isJsonType(contentType)) {
    await request.body?.cancel().catch(() => undefined)
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON (Content-Type: application/json)')
  }
  const bytes = await readSmallBody(request)
  const text = Buffer.from(bytes).toString('utf8')
  if (contentType === null && text.trim() !== '') throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON (Content-Type: application/json)')
  let body: unknown
  try {
    body = text.trim() === '' ? {} : JSON.parse(text)
  } catch {
    throw badRequest('Request body must be JSON', 'invalid_json')
  }
  return schema.parse(body)
}

export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = new URL(request.url).searchParams
  return schema.parse(Object.fromEntries(params.entries()))
}

/** Next.js hands dynamic segments over as a promise. */
export interface RouteContext<P extends Record<string, string>> {
  params: Promise<P>
}

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(body, { status, headers })
}
