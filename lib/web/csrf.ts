// The one cross-site request check. A browser attaches the session cookie to requests that other
// sites make it send (a form post, a `fetch` with a text/plain body), so every unsafe request that
// is authenticated by the cookie must come from our own pages. Browsers say where a request comes
// from in `Origin` (every cross-origin POST since 2020) and `Sec-Fetch-Site`; a request with
// neither comes from a non-browser client (curl, the CLI), which cannot ride on a victim's cookie.
// Requests with a bearer token are exempt: a token is never sent by the browser on its own.
import { config } from '../platform/config.ts'
import { ApiError } from '../errors.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function isUnsafeMethod(request: Request): boolean {
  return !SAFE_METHODS.has(request.method.toUpperCase())
}

/**
 * The host the client addressed: the Host header, or X-Forwarded-Host only when the server sits
 * behind a configured proxy (ARENA_TRUST_PROXY), since anyone can send that header.
 */
export function requestHost(request: Request): string | null {
  if (config().trustProxy > 0) {
    const forwarded = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim()
    if (forwarded) return forwarded.toLowerCase()
  }
  const host = request.headers.get('host')
  if (host) return host.toLowerCase()
  // Only route handlers called directly (tests) lack a Host header: the URL carries it then.
  try {
    return new URL(request.url).host.toLowerCase()
  } catch {
    return null
  }
}

/** Why a request is cross-site, or null when it comes from our own pages (or from no browser). */
export function crossSiteReason(request: Request): string | null {
  const site = request.headers.get('sec-fetch-site')?.toLowerCase()
  // 'none': typed by the user or a bookmark; 'same-origin': our pages. 'same-site' is a sibling
  // subdomain, which may belong to someone else.
  if (site && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`
  const origin = request.headers.get('origin')
  if (origin === null) return null
  // "null" is what sandboxed frames and cross-origin redirects send: it may be anyone.
  if (origin === 'null') return 'Origin: null'
  let host: string
  try {
    host = new URL(origin).host.toLowerCase()
  } catch {
    return 'unreadable Origin'
  }
  return host === requestHost(request) ? null : `Origin ${origin}`
}

/** Throws 403 `cross_site` for an unsafe cross-site request. */
export function assertSameOrigin(request: Request): void {
  if (!isUnsafeMethod(request)) return
  if (crossSiteReason(request)) throw crossSite()
}

export function crossSite(): ApiError {
  return new ApiError(403, 'cross_site', 'Cross-site requests with the session cookie are refused: use this site’s own pages, or an API token')
}
