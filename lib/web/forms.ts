// Plain HTML form posts (pages that work without client JavaScript): each `app/(forms)/forms/*`
// route reads the form, calls the owning service and answers with a 303 redirect, carrying a
// notice or the error message in the query string of the page it returns to.
import { z } from 'zod'
import { formatZodIssues, isApiError } from '../errors.ts'
import { requireUser } from './auth.ts'
import type { User } from '../platform/db.ts'

/** Only same-site relative paths: never an open redirect. */
export function safePath(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback
  return value
}

export function messageOf(err: unknown): string {
  if (isApiError(err)) return err.message
  if (err instanceof z.ZodError) return formatZodIssues(err)
  console.error(err)
  return 'Something went wrong on our side; please try again'
}

export function redirectTo(request: Request, target: string, params: Record<string, string> = {}, headers: HeadersInit = {}): Response {
  const url = new URL(target, 'http://arena.local')
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  const h = new Headers(headers)
  h.set('location', `${url.pathname}${url.search}${url.hash}`)
  return new Response(null, { status: 303, headers: h })
}

export interface FormRequest {
  form: FormData
  field(name: string): string
  returnTo(fallback: string): string
}

export const CROSS_SITE_MESSAGE = 'Cross-site form posts are refused'

/** A cross-site form post is refused (the session cookie is SameSite=Lax as well). */
export function sameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin')
  if (!origin || origin === 'null') return true
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host')
  try {
    return new URL(origin).host === host
  } catch {
    return false
  }
}

/**
 * Runs a form handler: on success its redirect; on failure back to `returnTo` (or the fallback)
 * with `?error=`. Signed-out visitors are sent to the sign-in page when `auth` is set.
 */
export async function handleForm(
  request: Request,
  fallback: string,
  fn: (f: FormRequest & { user: User | null }) => Promise<Response>,
  options: { auth?: boolean } = { auth: true },
): Promise<Response> {
  let form: FormData
  try {
    form = await request.formData()
  } catch {
    return redirectTo(request, fallback, { error: 'The form could not be read' })
  }
  const field = (name: string) => {
    const v = form.get(name)
    return typeof v === 'string' ? v : ''
  }
  const back = safePath(field('returnTo'), fallback)
  if (!sameOrigin(request)) return redirectTo(request, back, { error: CROSS_SITE_MESSAGE })
  let user: User | null = null
  if (options.auth !== false) {
    try {
      user = await requireUser(request)
    } catch {
      return redirectTo(request, '/signin', { returnTo: back, error: 'Please sign in first' })
    }
  }
  try {
    return await fn({ form, field, returnTo: (fb) => safePath(field('returnTo'), fb), user })
  } catch (err) {
    return redirectTo(request, back, { error: messageOf(err) })
  }
}
