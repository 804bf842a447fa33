// A password-reset link an organizer just issued is shown once on the users page: the form route
// hands it over in a short-lived HttpOnly cookie scoped to that page (as token-flash.ts does for
// API tokens), so the secret never sits in a URL.
import { config } from '../platform/config.ts'

export const FLASH_RESET_COOKIE = 'arena_reset_link'
const PATH = '/organizer/users'

export function flashResetCookie(link: string): string {
  const parts = [`${FLASH_RESET_COOKIE}=${encodeURIComponent(link)}`, `Path=${PATH}`, 'HttpOnly', 'SameSite=Strict', 'Max-Age=120']
  if (config().secureCookies) parts.push('Secure')
  return parts.join('; ')
}

/** The platform's address as the browser reached it, for links shown to people. */
export function publicOrigin(request: Request): string {
  const url = new URL(request.url)
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? url.host
  const proto = request.headers.get('x-forwarded-proto') ?? url.protocol.replace(':', '')
  return `${proto}://${host}`
}
