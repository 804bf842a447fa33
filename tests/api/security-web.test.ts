// Issue 11 items 6, 7 and 11, each attack made against the real route handlers:
//  6. open redirects after sign-in (returnTo) and on the upload form (slug);
//  7. cross-site requests riding on the session cookie (foreign Origin, text/plain bodies,
//     Sec-Fetch-Site, a forged X-Forwarded-Host), bearer tokens exempt;
// 11. bodies too large for sign-in and forms, slow uploads and too many uploads at once.
import { expect, it } from 'vitest'
import { POST as createToken } from '../../app/api/tokens/route.ts'
import { POST as signinApi } from '../../app/api/auth/signin/route.ts'
import { POST as join } from '../../app/api/competitions/[slug]/join/route.ts'
import { POST as upload } from '../../app/api/competitions/[slug]/submissions/route.ts'
import { POST as signinForm } from '../../app/(forms)/forms/signin/route.ts'
import { POST as tokenForm } from '../../app/(forms)/forms/tokens/create/route.ts'
import { POST as submitForm } from '../../app/(forms)/forms/submit/route.ts'
import { configureUploadLimits } from '../../lib/web/upload-limits.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, settled, submissionCsv, useTestApp } from '../helpers/app.ts'
import { joinComp, signUp } from './users.ts'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

/** Where a redirect points, resolved as a browser on http://arena.test would resolve it. */
function target(res: Response): URL {
  expect(res.status).toBe(303)
  return new URL(res.headers.get('location') ?? '', 'http://arena.test/some/page')
}

/** A body of `total` bytes made on demand, counting how many bytes the handler pulled. */
function meteredBody(total: number, chunk = 64 * 1024): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0
  const piece = new Uint8Array(chunk).fill(0x61)
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close()
      sent += chunk
      controller.enqueue(piece)
    },
  })
  return { body, pulled: () => sent }
}

/** A body the test feeds by hand. */
function handFed(): { body: ReadableStream<Uint8Array>; push: (s: string) => void; end: () => void } {
  let ctl!: ReadableStreamDefaultController<Uint8Array>
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (ctl = c) })
  return { body, push: (s) => ctl.enqueue(new TextEncoder().encode(s)), end: () => ctl.close() }
}

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('6: never redirects off-site after sign-in, whatever returnTo says', async () => {
    const u = await signUp(app, 'redirected')
    for (const returnTo of ['/..//evil.example', '//evil.example', '/\\evil.example', '/\t/evil.example', 'https://evil.example/', '/%2e%2e//evil.example', '/./..//evil.example/x?y#z']) {
      const res = await signinForm(app.request('/forms/signin', { body: new URLSearchParams({ email: u.email, password: 'correct horse battery', returnTo }).toString(), headers: FORM }))
      const url = target(res)
      expect(url.origin, returnTo).toBe('http://arena.test')
      expect(res.headers.get('location')!.startsWith('//'), returnTo).toBe(false)
      expect(res.headers.get('set-cookie')).toMatch(/^arena_session=/)
    }
    const fine = await signinForm(app.request('/forms/signin', { body: new URLSearchParams({ email: u.email, password: 'correct horse battery', returnTo: '/competitions/x?tab=2' }).toString(), headers: FORM }))
    expect(fine.headers.get('location')).toBe('/competitions/x?tab=2')
  })

  it('6: never redirects off-site from the upload form, whatever slug says', async () => {
    const u = await signUp(app, 'slugger')
    for (const slug of ['../..//evil.example', '..%2F..%2F%2Fevil.example', '/../..//evil.example']) {
      const res = await submitForm(app.request(`/forms/submit?slug=${encodeURIComponent(slug)}`, { body: 'imgId_eId,val\n', headers: { cookie: u.cookie, 'content-type': 'text/csv' } }))
      const url = target(res)
      expect(url.origin, slug).toBe('http://arena.test')
      expect(res.headers.get('location')!.startsWith('//')).toBe(false)
    }
    // Also as a form field of a multipart upload.
    const fd = new FormData()
    fd.set('slug', '../..//evil.example')
    fd.set('file', new Blob(['imgId_eId,val\n']), 'sub.csv')
    const res = await submitForm(app.request('/forms/submit', { body: fd, headers: { cookie: u.cookie } }))
    expect(target(res).origin).toBe('http://arena.test')
    // The API refuses such a slug by the slug rule, without echoing it.
    const api = await join(app.request('/api/competitions/x/join', { method: 'POST', token: u.token }), params({ slug: '../..//evil.example' }))
    expect(api.status).toBe(404)
    expect(await api.text()).not.toContain('evil.example')
  })

  it('7: refuses API writes with the session cookie from another site; tokens are exempt', async () => {
    const u = await signUp(app, 'csrf-api')
    const before = await t.db.apiToken.count({ where: { userId: u.id } })
    // The reported attack: a foreign page posts text/plain with the victim's cookie.
    const attack = await createToken(app.request('/api/tokens', { body: '{"name":"stolen"}', headers: { cookie: u.cookie, origin: 'https://evil.example', 'content-type': 'text/plain' } }))
    expect(attack.status).toBe(403)
    expect(((await attack.json()) as { error: { code: string } }).error.code).toBe('cross_site')
    const fetchMeta = await createToken(app.request('/api/tokens', { json: { name: 'stolen' }, headers: { cookie: u.cookie, 'sec-fetch-site': 'cross-site' } }))
    expect(fetchMeta.status).toBe(403)
    const nullOrigin = await createToken(app.request('/api/tokens', { json: { name: 'stolen' }, headers: { cookie: u.cookie, origin: 'null' } }))
    expect(nullOrigin.status).toBe(403)
    // Even from our own origin a JSON route wants JSON.
    const plain = await createToken(app.request('/api/tokens', { body: '{"name":"x"}', headers: { cookie: u.cookie, origin: 'http://arena.test', 'content-type': 'text/plain' } }))
    expect(plain.status).toBe(415)
    expect(await t.db.apiToken.count({ where: { userId: u.id } })).toBe(before)

    const own = await createToken(app.request('/api/tokens', { json: { name: 'mine' }, headers: { cookie: u.cookie, origin: 'http://arena.test', 'sec-fetch-site': 'same-origin' } }))
    expect(own.status).toBe(201)
    // A bearer token is never sent by a browser on its own: no origin check.
    const bearer = await createToken(app.request('/api/tokens', { json: { name: 'cli' }, token: u.token, headers: { origin: 'https://elsewhere.example' } }))
    expect(bearer.status).toBe(201)
    // A cookie-authenticated write without a body (join) is checked too.
    const c = await seedCompetition(app)
    const joined = await join(app.request(`/api/competitions/${c.slug}/join`, { method: 'POST', headers: { cookie: u.cookie, origin: 'https://evil.example' } }), params({ slug: c.slug }))
    expect(joined.status).toBe(403)
    expect(await t.db.teamMember.count({ where: { userId: u.id } })).toBe(0)
  })

  it('7: refuses cross-site form posts, also on the upload form, and ignores a forged X-Forwarded-Host', async () => {
    const u = await signUp(app, 'csrf-form')
    const c = await seedCompetition(app)
    await joinComp(app, u, c.slug)
    const before = await t.db.apiToken.count({ where: { userId: u.id } })
    const forged = await tokenForm(
      app.request('/forms/tokens/create', { body: 'name=stolen', headers: { ...FORM, cookie: u.cookie, origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' } }),
    )
    expect(target(forged).searchParams.get('error')).toMatch(/Cross-site/)
    expect(forged.headers.get('set-cookie')).toBeNull()
    expect(await t.db.apiToken.count({ where: { userId: u.id } })).toBe(before)

    const csv = submissionCsv(c.truth, () => 1)
    const crossUpload = await submitForm(
      app.request(`/forms/submit?slug=${c.slug}`, { body: csv, headers: { cookie: u.cookie, origin: 'https://evil.example', 'content-type': 'text/csv' } }),
    )
    expect(target(crossUpload).searchParams.get('error')).toMatch(/Cross-site/)
    expect(await t.db.submission.count({ where: { userId: u.id } })).toBe(0)

    const ownUpload = await submitForm(app.request(`/forms/submit?slug=${c.slug}`, { body: csv, headers: { cookie: u.cookie, origin: 'http://arena.test', 'content-type': 'text/csv' } }))
    expect(target(ownUpload).pathname).toMatch(/^\/submissions\//)
    expect(await t.db.submission.count({ where: { userId: u.id } })).toBe(1)
  })

  it('11: refuses a 10 MB JSON sign-in and a 10 MB form without reading them', async () => {
    const json = meteredBody(10 * 1024 * 1024)
    const res = await signinApi(app.request('/api/auth/signin', { body: json.body, headers: { 'content-type': 'application/json' } }))
    expect(res.status).toBe(413)
    // Stopped at the 64 KB cap: one chunk past it at most.
    expect(json.pulled()).toBeLessThanOrEqual(256 * 1024)

    const declared = meteredBody(100 * 1024 * 1024)
    const big = await signinApi(app.request('/api/auth/signin', { body: declared.body, headers: { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) } }))
    expect(big.status).toBe(413)
    expect(declared.pulled()).toBeLessThanOrEqual(64 * 1024)

    const form = meteredBody(10 * 1024 * 1024)
    const formRes = await signinForm(app.request('/forms/signin', { body: form.body, headers: FORM }))
    expect(formRes.status).toBe(413)
    expect(form.pulled()).toBeLessThanOrEqual(256 * 1024)
  })

  it('11: allows two uploads at once per user and answers the third with 429', async () => {
    const u = await signUp(app, 'parallel')
    const c = await seedCompetition(app)
    await joinComp(app, u, c.slug)
    const csv = submissionCsv(c.truth, () => 1)
    const start = () => {
      const feed = handFed()
      const res = upload(app.request(`/api/competitions/${c.slug}/submissions?filename=s.csv`, { method: 'POST', token: u.token, body: feed.body }), params({ slug: c.slug }))
      return { feed, res }
    }
    const a = start()
    const b = start()
    a.feed.push(csv.slice(0, 100))
    b.feed.push(csv.slice(0, 100))
    const third = start()
    const refused = await third.res
    expect(refused.status).toBe(429)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_uploads')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    for (const up of [a, b]) {
      up.feed.push(csv.slice(100))
      up.feed.end()
    }
    const done = await Promise.all([a.res, b.res])
    expect(done.map((r) => r.status)).toEqual([201, 201])
    for (const r of done) await settled(app, ((await r.json()) as { submission: { id: string } }).submission.id)
    // The slots are free again.
    const after = start()
    after.feed.push(csv)
    after.feed.end()
    expect((await after.res).status).toBe(201)
  })

  it('11: cuts off an upload that trickles below the minimum rate', async () => {
    const u = await signUp(app, 'trickle')
    const c = await seedCompetition(app)
    await joinComp(app, u, c.slug)
    // The settings' window is 30 s at 8 KiB/s; the same rule on a 300 ms window keeps the test short.
    configureUploadLimits({ windowMs: 300, minBytesPerSecond: 10_000 })
    try {
      const feed = handFed()
      const timer = setInterval(() => feed.push('x'.repeat(50)), 50)
      const res = await upload(app.request(`/api/competitions/${c.slug}/submissions?filename=s.csv`, { method: 'POST', token: u.token, body: feed.body }), params({ slug: c.slug }))
      clearInterval(timer)
      expect(res.status).toBe(408)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upload_too_slow')
      expect(await t.db.submission.count({ where: { userId: u.id } })).toBe(0)
    } finally {
      configureUploadLimits(undefined)
    }
  })
})
