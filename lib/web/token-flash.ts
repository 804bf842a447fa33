// A new API token is shown once: the form route hands it to the tokens page in a short-lived,
// HttpOnly cookie scoped to that page, which the page's "Done" button clears.
import { config } from '../platform/config.ts'

export const FLASH_TOKEN_COOKIE = 'arena_new_token'
const PATH = '/account/tokens'

export function flashTokenCookie(token: string): string {
  const parts = [`${FLASH_TOKEN_COOKIE}=${token}`, `Path=${PATH}`, 'HttpOnly', 'SameSite=Strict', 'Max-Age=120']
  if (config().secureCookies) parts.push('Secure')
  return parts.join('; ')
}

export function clearedFlashTokenCookie(): string {
  return [`${FLASH_TOKEN_COOKIE}=`, `Path=${PATH}`, 'HttpOnly', 'SameSite=Strict', 'Max-Age=0'].join('; ')
}
