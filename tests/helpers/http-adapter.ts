/**
 * Serves the API route handlers on a loopback port without Next.js: enough for CLI tests, which
 * need a real HTTP server (streamed uploads, status polling) but not the web pages.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'

type Ctx = { params: Promise<Record<string, string>> }
// Method signatures (checked bivariantly) so that handlers typed with their own params fit.
interface RouteModule {
  GET?(request: Request, ctx: Ctx): Promise<Response> | Response
  POST?(request: Request, ctx: Ctx): Promise<Response> | Response
  PATCH?(request: Request, ctx: Ctx): Promise<Response> | Response
  DELETE?(request: Request, ctx: Ctx): Promise<Response> | Response
}

export interface ApiServer {
  url: string
  close(): Promise<void>
}

/** Route patterns like '/api/competitions/[slug]/join' → the route module's handlers. */
export async function serveRoutes(routes: Record<string, RouteModule>): Promise<ApiServer> {
  const compiled = Object.entries(routes).map(([pattern, mod]) => {
    const names: string[] = []
    const re = new RegExp(`^${pattern.replace(/\[(\w+)\]/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`)
    return { re, names, mod }
  })
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const method = (req.method ?? 'GET') as keyof RouteModule
      for (const route of compiled) {
        const m = route.re.exec(url.pathname)
        if (!m) continue
        const handler = route.mod[method]?.bind(route.mod)
        if (!handler) break
        const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]))
        const headers = new Headers()
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
        const hasBody = method !== 'GET' && req.headers['content-length'] !== '0'
        const request = new Request(url, {
          method,
          headers,
          ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
        } as RequestInit)
        const response = await handler(request, { params: Promise.resolve(params) })
        res.writeHead(response.status, Object.fromEntries(response.headers.entries()))
        res.end(Buffer.from(await response.arrayBuffer()))
        return
      }
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'not_found', message: `no route ${req.method} ${url.pathname}` } }))
    })().catch((err: unknown) => {
      res.writeHead(500)
      res.end(String(err))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
