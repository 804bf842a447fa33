// The platform's typed errors. Services throw an ApiError with the HTTP status it stands for and a
// stable code; the web adapter (lib/web/http.ts) turns it into `{error:{code,message}}`, the CLI
// prints its message. Nothing here knows about requests.
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
export const tooLarge = (message: string) => new ApiError(413, 'too_large', message)

/** Also recognises errors from another copy of this module (Next.js bundles, tsx). */
export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError || (err instanceof Error && err.name === 'ApiError' && typeof (err as ApiError).status === 'number')
}

/** `field.path: message; …`: the one wording of zod validation failures, in the API, forms and CLI. */
export function formatZodIssues(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')
}

/** A unique-constraint violation from either database's Prisma client. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002'
}
