// Issue 11 items 5, 7 and 11 at the HTTP server in front of Next.js (lib/web/node-server.ts): the
// client address header cannot be forged, X-Forwarded-* is believed only behind a configured
// proxy, and a stalled upload is closed by the idle timeout instead of staying open forever.
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import type http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { createNodeServer } from '../../lib/web/node-server.ts'
import { CLIENT_ADDRESS_HEADER } from '../../lib/web/client-address.ts'
import { loadConfig } from '../../lib/platform/config.ts'

let server: http.Server | undefined
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
})

async function start(trustProxy: number, idleTimeoutMs = 60_000, workMs = 0): Promise<string> {
  server = createNodeServer(
    (req, res) => {
      // As an upload route does: read the whole body, work on it, then answer.
      req.resume()
      req.on('end', () => {
        setTimeout(() => {
          res.setHeader('content-type', 'application/json')
          res.end(JSON.stringify(req.headers))
        }, workMs)
      })
    },
    { trustProxy, idleTimeoutMs },
  )
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const spoofed = { [CLIENT_ADDRESS_HEADER]: '6.6.6.6', 'x-forwarded-for': '7.7.7.7', 'x-forwarded-host': 'evil.example' }

describe('the platform server', () => {
  it('stamps the socket address and drops forwarded headers when no proxy is configured', async () => {
    const url = await start(0)
    const seen = (await (await fetch(url, { headers: spoofed })).json()) as Record<string, string>
    expect(seen[CLIENT_ADDRESS_HEADER]).toBe('127.0.0.1')
    expect(seen['x-forwarded-for']).toBeUndefined()
    expect(seen['x-forwarded-host']).toBeUndefined()
  })

  it('takes the address the trusted proxy appended to X-Forwarded-For', async () => {
    const url = await start(1)
    const seen = (await (await fetch(url, { headers: { ...spoofed, 'x-forwarded-for': '6.6.6.6, 203.0.113.9' } })).json()) as Record<string, string>
    // The left entry is what the client claimed; the proxy appended the address it saw.
    expect(seen[CLIENT_ADDRESS_HEADER]).toBe('203.0.113.9')
    expect(seen['x-forwarded-host']).toBe('evil.example')
  })

  it('closes a connection whose upload stalls', async () => {
    const url = new URL(await start(0, 300))
    const socket = net.connect(Number(url.port), url.hostname)
    await new Promise<void>((resolve) => socket.once('connect', resolve))
    const started = Date.now()
    // Headers and the first bytes of a 10 MB body, then nothing.
    socket.write(`POST /upload HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: text/csv\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\nimgId_eId,val\n`)
    await new Promise<void>((resolve) => socket.once('close', () => resolve()))
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(250)
    expect(elapsed).toBeLessThan(5_000)
  })

  it('does not cut off a complete request while the server works on its answer', async () => {
    const url = await start(0, 200, 600)
    const res = await fetch(`${url}/upload`, { method: 'POST', body: 'imgId_eId,val\n' })
    expect(res.status).toBe(200)
  })
})

describe('the security settings', () => {
  it('trust no proxy and apply the documented limits unless told otherwise', () => {
    const d = loadConfig({})
    expect(d.trustProxy).toBe(0)
    expect(d.adminEmail).toBeUndefined()
    expect(d.rateLimits).toEqual({ signInFailuresPerAccount: 10, signInFailuresPerAddress: 30, signUpsPerAddress: 10, tokenFailuresPerAddress: 30 })
    expect([d.uploadsPerUser, d.uploadMinBytesPerSecond, d.idleTimeoutMs]).toEqual([2, 8 * 1024, 60_000])
    expect(loadConfig({ ARENA_TRUST_PROXY: '1' }).trustProxy).toBe(1)
    expect(loadConfig({ ARENA_TRUST_PROXY: 'yes' }).trustProxy).toBe(1)
    expect(loadConfig({ ARENA_TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ ARENA_ADMIN_EMAIL: 'Boss@Example.org' }).adminEmail).toBe('boss@example.org')
    expect(() => loadConfig({ ARENA_ADMIN_EMAIL: 'not an e-mail' })).toThrow(/ARENA_ADMIN_EMAIL/)
  })
})
