// Plain HTML form posts (pages that work without client JavaScript): each `app/(forms)/forms/*`
// route reads the form, calls the owning service and answers with a 303 redirect, carrying a
// notice or the error message in the query string of the page it returns to. Every form post
// passes the cross-site check (lib/web/csrf.ts) first, and its body is read with a 64 KB cap.
import { z } from 'zod'
import { formatZodIssues, isApiError } from '../errors.ts'
import { assertOrganizer } from '../accounts/auth.ts'
import { requireUser } from './auth.ts'
import { crossSiteReason } from './csrf.ts'
import { readSmallBody, SMALL_BODY_BYTES } from './http.ts'
import type { User } from '../platform/db.ts'

/** Paths are resolved against this origin; a result elsewhere is off-site. */
const HOME = 'http://arena.invalid'

/**
 * A same-site path for a redirect, or `fallback`: the value is resolved as a browser would
 * resolve it (`/..//evil.example` → `//evil.example`, `\` → `/`, tabs and newlines dropped),
 * refused when it leaves the site, and its leading slashes collapsed so that the result can never
 * be read as a protocol-relative URL.
 */
export function safePath(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || !value.startsWith('/')) return fallback
  let url: URL
  try {
    url = new URL(value, HOME)
  } catch {
    return fallback
  }
  if (url.origin !== HOME) return fallback
  return `${url.pathname.replace(/^\/+/, '/')}${url.search}${url.hash}`
}

export function messageOf(err: unknown): string {
  if (isApiError(err)) return err.message
  if (err instanceof z.ZodError) return formatZodIssues(err)
  console.error(err)
  return 'Something went wrong on our side; please try again'
}

/** A 303 to a path on this site (an off-site target becomes `/`). */
export function redirectTo(_request: Request, target: string, params: Record<string, string> = {}, headers: HeadersInit = {}): Response {
  const url = new URL(safePath(target, '/'), HOME)
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

/** Who may post a form: any signed-in user (default), organizers only, or anyone. */
export type FormAuth = 'user' | 'organizer' | 'none'

/**
 * The first steps of every form post, also for the upload form (forms/submit), which streams its
 * body: refuses cross-site posts, and for `auth` other than 'none' finds the signed-in user (a
 * redirect to the sign-in page otherwise). Returns the user, or the response to answer with.
 */
export async function formGuard(request: Request, back: string, auth: FormAuth): Promise<User | null | Response> {
  if (crossSiteReason(request)) return redirectTo(request, back, { error: 'Cross-site form posts are refused' })
  if (auth === 'none') return null
  let user: User
  try {
    user = await requireUser(request)
  } catch (err) {
    if (isApiError(err) && err.status === 429) return redirectTo(request, back, { error: err.message })
    return redirectTo(request, '/signin', { returnTo: back, error: 'Please sign in first' })
  }
  if (auth === 'organizer') {
    try {
      assertOrganizer(user)
    } catch (err) {
      return redirectTo(request, back, { error: messageOf(err) })
    }
  }
  return user
}

async function readForm(request: Request): Promise<FormData | Response> {
  try {
    const bytes = await readSmallBody(request, SMALL_BODY_BYTES)
    const contentType = request.headers.get('content-type') ?? 'application/x-www-form-urlencoded'
    return await new Response(new Uint8Array(bytes), { headers: { 'content-type': contentType } }).formData()
  } catch (err) {
    if (isApiError(err) && err.status === 413) return new Response(`The form is larger than ${SMALL_BODY_BYTES / 1024} KB`, { status: 413 })
    return new Response('The form could not be read', { status: 400 })
  }
}

type SignedIn = FormRequest & { user: User }
type Anyone = FormRequest & { user: null }

/**
 * Runs a form handler: on success its redirect; on failure back to `returnTo` (or the fallback)
 * with `?error=`. With `auth: 'user'` (default) or 'organizer', `user` is the signed-in user and
 * signed-out visitors are sent to the sign-in page; with 'none' it is null.
 */
export async function handleForm(request: Request, fallback: string, fn: (f: SignedIn) => Promise<Response>, options?: { auth?: 'user' | 'organizer' }): Promise<Response>
export async function handleForm(request: Request, fallback: string, fn: (f: Anyone) => Promise<Response>, options: { auth: 'none' }): Promise<Response>
export async function handleForm(
  request: Request,
  fallback: string,
  fn: ((f: SignedIn) => Promise<Response>) | ((f: Anyone) => Promise<Response>),
  options: { auth?: FormAuth } = {},
): Promise<Response> {
  const auth = options.auth ?? 'user'
  // The cross-site check needs no body: refuse before reading it.
  if (crossSiteReason(request)) return redirectTo(request, fallback, { error: 'Cross-site form posts are refused' })
  const form = await readForm(request)
  if (form instanceof Response) return form
  const field = (name: string) => {
    const v = form.get(name)
    return typeof v === 'string' ? v : ''
  }
  const back = safePath(field('returnTo'), fallback)
  const guarded = await formGuard(request, back, auth)
  if (guarded instanceof Response) return guarded
  const f: FormRequest = { form, field, returnTo: (fb) => safePath(field('returnTo'), fb) }
  try {
    return guarded === null ? await (fn as (f: Anyone) => Promise<Response>)({ ...f, user: null }) : await (fn as (f: SignedIn) => Promise<Response>)({ ...f, user: guarded })
  } catch (err) {
    return redirectTo(request, back, { error: messageOf(err) })
  }
}
