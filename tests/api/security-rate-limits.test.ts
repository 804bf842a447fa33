// Issue 11 item 5: brute force and abuse limits on sign-in, sign-up and API-token use, per
// account and per client address, answered 429 with Retry-After and kept in the database, so they
// hold across web processes and restarts. The client address is the header that lib/web/server.ts
// stamps on every request (its own copy overwritten): these tests set it as the server would.
import { randomBytes } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import { POST as signin } from '../../app/api/auth/signin/route.ts'
import { POST as signup } from '../../app/api/auth/signup/route.ts'
import { GET as me } from '../../app/api/auth/me/route.ts'
import { POST as signinForm } from '../../app/(forms)/forms/signin/route.ts'
import { configureRateLimits } from '../../lib/accounts/rate-limit.ts'
import { createDb, type Db } from '../../lib/platform/db.ts'
import { CLIENT_ADDRESS_HEADER } from '../../lib/web/client-address.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { useTestApp } from '../helpers/app.ts'
import { signUp } from './users.ts'

const holder = globalThis as typeof globalThis & { __arenaDb?: Db }

function address(): string {
  return `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`
}

forEachDatabase((t) => {
  const app = useTestApp(t)
  beforeAll(() => {
    // The defaults of the settings: 10 failed sign-ins per account and 30 per address in 15
    // minutes, 10 sign-ups per address per hour, 30 bad tokens per address in 15 minutes.
    configureRateLimits(undefined)
  })
  const attempt = (email: string, password: string, from: string) =>
    signin(app.request('/api/auth/signin', { json: { email, password }, headers: { [CLIENT_ADDRESS_HEADER]: from } }))

  it('stops guessing one account’s password before the right one would pass, from any address, across restarts', async () => {
    const victim = await signUp(app, 'victim')
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 30; i++) {
      const res = await attempt(victim.email, `guess number ${i}`, address())
      statuses.push(res.status)
      if (res.status === 429) {
        retryAfter ??= res.headers.get('retry-after')
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited')
      }
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401))
    expect(statuses.slice(10)).toEqual(Array(20).fill(429))
    expect(Number(retryAfter)).toBeGreaterThan(0)
    expect(Number(retryAfter)).toBeLessThanOrEqual(15 * 60)
    // The right password no longer helps, from a fresh address either.
    const right = await attempt(victim.email, 'correct horse battery', address())
    expect(right.status).toBe(429)
    expect(right.headers.get('set-cookie')).toBeNull()
    // Nor through the HTML form.
    const viaForm = await signinForm(
      app.request('/forms/signin', {
        body: new URLSearchParams({ email: victim.email, password: 'correct horse battery' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', [CLIENT_ADDRESS_HEADER]: address() },
      }),
    )
    expect(viaForm.headers.get('set-cookie')).toBeNull()
    expect(new URL(viaForm.headers.get('location') ?? '', 'http://arena.test').searchParams.get('error')).toMatch(/^Too many attempts/)

    // Another process (a second worker, or the server after a restart) sees the same counters.
    const original = holder.__arenaDb
    const other = createDb(t.url)
    holder.__arenaDb = other
    try {
      expect((await attempt(victim.email, 'correct horse battery', address())).status).toBe(429)
    } finally {
      holder.__arenaDb = original
      await other.$disconnect()
    }
    expect(await t.db.rateLimiterFlexible.count({ where: { key: { contains: victim.email } } })).toBe(1)
  })

  it('limits one address guessing many accounts', async () => {
    const from = address()
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) statuses.push((await attempt(`nobody-${i}-${randomBytes(3).toString('hex')}@example.test`, 'whatever pw', from)).status)
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401))
    expect(statuses[30]).toBe(429)
    // A real user at another address is not affected.
    const bystander = await signUp(app, 'bystander')
    expect((await attempt(bystander.email, 'correct horse battery', address())).status).toBe(200)
  })

  it('limits sign-ups per address', async () => {
    const from = address()
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) {
      const res = await signup(
        app.request('/api/auth/signup', { json: { email: `flood-${i}-${randomBytes(3).toString('hex')}@example.test`, name: `Flood ${i}`, password: 'long enough pw' }, headers: { [CLIENT_ADDRESS_HEADER]: from } }),
      )
      statuses.push(res.status)
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    expect(statuses).toEqual([...Array(10).fill(202), 429, 429])
    expect(await t.db.user.count({ where: { email: { startsWith: 'flood-' } } })).toBe(10)
  })

  it('limits bad API tokens per address, IPv6 clients by their /64', async () => {
    const user = await signUp(app, 'token-owner')
    const from = (i: number) => `2001:db8:1:2::${(i + 1).toString(16)}`
    for (let i = 0; i < 30; i++) {
      const res = await me(app.request('/api/auth/me', { token: `pa_guess${i}`, headers: { [CLIENT_ADDRESS_HEADER]: from(i) } }))
      expect(res.status).toBe(401)
    }
    const blocked = await me(app.request('/api/auth/me', { token: 'pa_guess-again', headers: { [CLIENT_ADDRESS_HEADER]: from(99) } }))
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    // Another network is served.
    expect((await me(app.request('/api/auth/me', { token: user.token, headers: { [CLIENT_ADDRESS_HEADER]: '2001:db8:9:9::1' } }))).status).toBe(200)
  })
})
