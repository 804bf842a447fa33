// The platform's HTTP server, before Next.js sees a request: the client's address stamped in its
// own header (lib/web/client-address.ts), and timeouts that close stalled connections. No cap on a
// whole request, since a large upload streams for a long time; instead the headers must arrive
// within 20 s, a connection that sends nothing for ARENA_IDLE_TIMEOUT_SECONDS (60) is closed, and
// uploads keep a minimum rate (lib/web/upload-limits.ts).
import http from 'node:http'
import { stampClientAddress } from './client-address.ts'

export interface NodeServerOptions {
  trustProxy: number
  idleTimeoutMs: number
}

export function createNodeServer(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void, options: NodeServerOptions): http.Server {
  const server = http.createServer((req, res) => {
    stampClientAddress(req, options.trustProxy)
    handle(req, res)
  })
  server.requestTimeout = 0
  server.headersTimeout = 20_000
  server.timeout = options.idleTimeoutMs
  return server
}
