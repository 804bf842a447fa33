// What the sign-in and sign-up form routes share: a failed attempt goes back to its own form (not
// to the page the visitor came from, where the form is gone), with the error, the field it is
// about, and what was typed except the password.
import { z } from 'zod'
import { isApiError } from '@/lib/errors'
import { messageOf, redirectTo } from '@/lib/web/forms'

export type AuthField = 'email' | 'name' | 'password' | 'form'

/** The query of a failed attempt: `?error=…&field=email&email=…&returnTo=…`. */
export function backToForm(request: Request, page: '/signin' | '/signup', err: unknown, kept: { email: string; name?: string; returnTo: string }): Response {
  let field: AuthField = 'form'
  let message = messageOf(err)
  if (err instanceof z.ZodError) {
    const first = err.issues[0]
    const name = String(first?.path[0] ?? '')
    field = name === 'email' || name === 'name' || name === 'password' ? name : 'form'
    message = first?.message ?? message
    if (field === 'email') message = 'Enter a valid e-mail address'
  } else if (isApiError(err) && err.status === 401) {
    field = 'password'
  }
  const params: Record<string, string> = { error: message, field, email: kept.email, returnTo: kept.returnTo }
  if (kept.name !== undefined) params.name = kept.name
  return redirectTo(request, page, params)
}
