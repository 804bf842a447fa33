// Shared pieces of the REST API: typed errors with HTTP statuses, the `{error:{code,message}}`
// body, zod parsing of JSON bodies and query strings, and a wrapper for route handlers.
import { z } from 'zod'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export const badRequest = (message: string, code = 'bad_request') => new ApiError(400, code, message)
export const unauthorized = (message = 'Sign in or pass an API token (Authorization: Bearer pa_…)') => new ApiError(401, 'unauthorized', message)
export const forbidden = (message = 'You are not allowed to do this') => new ApiError(403, 'forbidden', message)
export const notFound = (message = 'Not found') => new ApiError(404, 'not_found', message)
export const conflict = (message: string, code = 'conflict') => new ApiError(409, code, message)

/** Also recognises errors from another copy of this module (Next.js bundles, tsx). */
export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError || (err instanceof Error && err.name === 'ApiError' && typeof (err as ApiError).status === 'number')
}

export function errorResponse(err: unknown): Response {
  if (isApiError(err)) {
    return Response.json({ error: { code: err.code, message: err.message, ...(err.details ?? {}) } }, { status: err.status })
  }
  if (err instanceof z.ZodError) {
    const message = err.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')
    return Response.json({ error: { code: 'invalid_input', message } }, { status: 400 })
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

export async function parseJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  let body: unknown
  try {
    const text = await request.text()
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
