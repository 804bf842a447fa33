// The signed-in user of a request: a bearer API token wins over the session cookie. The cookie's
// format lives here; the accounts service (lib/accounts/auth.ts) owns sessions and tokens.
import { config } from '../platform/config.ts'
import type { User } from '../platform/db.ts'
import { assertOrganizer, userForApiToken, userForSession } from '../accounts/auth.ts'
import { unauthorized } from '../errors.ts'

export const SESSION_COOKIE = 'arena_session'

export function sessionCookie(token: string, expiresAt: Date): string {
  const parts = [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Expires=${expiresAt.toUTCString()}`]
  if (config().secureCookies) parts.push('Secure')
  return parts.join('; ')
}

export function clearedSessionCookie(): string {
  const parts = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0']
  if (config().secureCookies) parts.push('Secure')
  return parts.join('; ')
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie')
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return undefined
}

/** The signed-in user: a bearer API token wins over the session cookie. Null when neither is valid. */
export async function userFromRequest(request: Request): Promise<User | null> {
  const authz = request.headers.get('authorization')
  const bearer = authz?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
  if (bearer) return userForApiToken(bearer)
  const cookie = readCookie(request, SESSION_COOKIE)
  return cookie ? userForSession(cookie) : null
}

export async function requireUser(request: Request): Promise<User> {
  const user = await userFromRequest(request)
  if (!user) throw unauthorized()
  return user
}

export async function requireOrganizer(request: Request): Promise<User> {
  const user = await requireUser(request)
  assertOrganizer(user)
  return user
}
