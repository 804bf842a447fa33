// The client's network address, for rate limits. Route handlers do not see the socket, so the
// platform's own HTTP server (lib/web/server.ts) writes it into a header of its own, after
// deleting any copy the client sent: the header is believed only because the server overwrites it.
// X-Forwarded-For names the client only behind a configured proxy (ARENA_TRUST_PROXY = the number
// of proxies in front); otherwise it and the other X-Forwarded-* headers are removed, since anyone
// can send them.
import type { IncomingMessage } from 'node:http'

export const CLIENT_ADDRESS_HEADER = 'x-arena-client-ip'

const FORWARDED_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded']

function plain(address: string): string {
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d.
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/** The client's address: the socket's peer, or the entry the trusted proxies appended to X-Forwarded-For. */
export function clientAddressOf(remoteAddress: string | undefined, forwardedFor: string | undefined, trustProxy: number): string {
  if (trustProxy > 0 && forwardedFor) {
    const hops = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean)
    // Each trusted proxy appended the address it saw; entries further left are the client's word.
    const entry = hops[Math.max(0, hops.length - trustProxy)]
    if (entry) return plain(entry)
  }
  return remoteAddress ? plain(remoteAddress) : 'unknown'
}

/** Rewrites an incoming request's headers before Next.js sees it (see the file comment). */
export function stampClientAddress(req: IncomingMessage, trustProxy: number): void {
  const forwardedFor = req.headers['x-forwarded-for']
  const address = clientAddressOf(req.socket.remoteAddress, Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor, trustProxy)
  if (trustProxy === 0) for (const h of FORWARDED_HEADERS) delete req.headers[h]
  req.headers[CLIENT_ADDRESS_HEADER] = address
}

/** The address stamped by the server; 'unknown' when the request did not come through it. */
export function clientAddress(request: Request): string {
  return request.headers.get(CLIENT_ADDRESS_HEADER) ?? 'unknown'
}
