// The REST API's side of errors and bodies: the `{error:{code,message}}` response for a thrown
// ApiError (lib/errors.ts) or ZodError, zod parsing of JSON bodies and query strings, and a wrapper
// for route handlers.
import { z } from 'zod'
import { badRequest, formatZodIssues, isApiError } from '../errors.ts'

export function errorResponse(err: unknown): Response {
  if (isApiError(err)) {
    return Response.json({ error: { code: err.code, message: err.message, ...(err.details ?? {}) } }, { status: err.status })
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
