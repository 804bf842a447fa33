// The platform's HTTP server, before Next.js sees a request: the client's address stamped in its
// own header (lib/web/client-address.ts), and timeouts that close stalled connections. No cap on a
// whole request, since a large upload streams for a long time; instead the headers must arrive
// within 20 s, a connection that sends nothing for ARENA_IDLE_TIMEOUT_SECONDS (60) while its
// request is still arriving is closed, and uploads keep a minimum rate (lib/web/upload-limits.ts).
// A request that has fully arrived is not cut off while the server works on its answer (the
// pre-check of a large model may take a while).
import http from 'node:http'
import type { Socket } from 'node:net'
import { stampClientAddress } from './client-address.ts'

export interface NodeServerOptions {
  trustProxy: number
  idleTimeoutMs: number
}

export function createNodeServer(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void, options: NodeServerOptions): http.Server {
  const current = new WeakMap<Socket, http.IncomingMessage>()
  const server = http.createServer((req, res) => {
    stampClientAddress(req, options.trustProxy)
    current.set(req.socket, req)
    res.once('close', () => {
      if (current.get(req.socket) === req) current.delete(req.socket)
    })
    handle(req, res)
  })
  server.requestTimeout = 0
  server.headersTimeout = 20_000
  server.timeout = options.idleTimeoutMs
  // With a listener, Node leaves the decision to us: close unless the request is complete and
  // waiting for our answer.
  server.on('timeout', (socket: Socket) => {
    if (!current.get(socket)?.complete) socket.destroy()
  })
  return server
}
