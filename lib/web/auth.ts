// The signed-in user of a request: a bearer API token wins over the session cookie. The cookie's
// format lives here; the accounts service (lib/accounts/auth.ts) owns sessions and tokens.
// Requests authenticated by the cookie pass the cross-site check (lib/web/csrf.ts) when they
// change something; bad bearer tokens count against the client's address (lib/accounts/rate-limit.ts).
import { config } from '../platform/config.ts'
import type { User } from '../platform/db.ts'
import { assertOrganizer, userForApiToken, userForSession } from '../accounts/auth.ts'
import { beforeTokenUse, tokenFailed } from '../accounts/rate-limit.ts'
import { unauthorized } from '../errors.ts'
import { clientAddress } from './client-address.ts'
import { assertSameOrigin } from './csrf.ts'

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

interface Authenticated {
  user: User
  via: 'token' | 'cookie'
}

async function authenticateRequest(request: Request): Promise<Authenticated | null> {
  const authz = request.headers.get('authorization')
  const bearer = authz?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
  if (bearer) {
    const address = clientAddress(request)
    await beforeTokenUse(address)
    const user = await userForApiToken(bearer)
    if (!user) await tokenFailed(address)
    return user ? { user, via: 'token' } : null
  }
  const cookie = readCookie(request, SESSION_COOKIE)
  const user = cookie ? await userForSession(cookie) : null
  return user ? { user, via: 'cookie' } : null
}

/** The signed-in user: a bearer API token wins over the session cookie. Null when neither is valid. */
export async function userFromRequest(request: Request): Promise<User | null> {
  return (await authenticateRequest(request))?.user ?? null
}

/** The signed-in user, or 401; an unsafe request signed in by cookie must come from our own pages (else 403). */
export async function requireUser(request: Request): Promise<User> {
  const auth = await authenticateRequest(request)
  if (!auth) throw unauthorized()
  if (auth.via === 'cookie') assertSameOrigin(request)
  return auth.user
}

export async function requireOrganizer(request: Request): Promise<User> {
  const user = await requireUser(request)
  assertOrganizer(user)
  return user
}
