// The participant path end to end through the route handlers, and who may see what.
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { POST as signup } from '../../app/api/auth/signup/route.ts'
import { POST as signin } from '../../app/api/auth/signin/route.ts'
import { GET as me } from '../../app/api/auth/me/route.ts'
import { GET as listTokens, DELETE as revokeToken } from '../../app/api/tokens/route.ts'
import { GET as listCompetitions, POST as createCompetition } from '../../app/api/competitions/route.ts'
import { PATCH as patchCompetition } from '../../app/api/competitions/[slug]/route.ts'
import { GET as listSubs, POST as upload } from '../../app/api/competitions/[slug]/submissions/route.ts'
import { GET as getSub } from '../../app/api/submissions/[id]/route.ts'
import { GET as perImage } from '../../app/api/submissions/[id]/scores/route.ts'
import { GET as leaderboard } from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import { POST as reveal } from '../../app/api/competitions/[slug]/reveal/route.ts'
import { POST as rescore } from '../../app/api/competitions/[slug]/rescore/route.ts'
import { GET as openapi } from '../../app/api/openapi.json/route.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, settled, submissionCsv, uniqueSlug, useTestApp } from '../helpers/app.ts'
import { joinComp, makeOrganizer, signUp, submit } from './users.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('signs up, signs in, rejects bad passwords and revoked tokens', async () => {
    const u = await signUp(app, 'alice')
    const bad = await signin(app.request('/api/auth/signin', { json: { email: u.email, password: 'wrong password' } }))
    expect(bad.status).toBe(401)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_credentials')
    const good = await signin(app.request('/api/auth/signin', { json: { email: u.email.toUpperCase(), password: 'correct horse battery' } }))
    expect(good.status).toBe(200)
    const cookie = good.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^arena_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/)
    // The database holds only the digest of the cookie.
    const raw = cookie.split(';')[0].split('=')[1]
    expect(await t.db.session.count({ where: { tokenHash: raw } })).toBe(0)

    expect((await me(app.request('/api/auth/me', { token: u.token }))).status).toBe(200)
    const dup = await signup(app.request('/api/auth/signup', { json: { email: u.email, name: 'x', password: 'another password' } }))
    // A taken e-mail gets the same answer as a new one (no enumeration) and the account stays as it was.
    expect(dup.status).toBe(202)
    expect((await signin(app.request('/api/auth/signin', { json: { email: u.email, password: 'another password' } }))).status).toBe(401)
    const short = await signup(app.request('/api/auth/signup', { json: { email: 'z@example.test', name: 'x', password: 'short' } }))
    expect(short.status).toBe(400)

    const tokens = (await (await listTokens(app.request('/api/tokens', { token: u.token }))).json()) as { tokens: { id: string; prefix: string; lastUsedAt: string | null }[] }
    expect(tokens.tokens).toHaveLength(1)
    expect(u.token.startsWith(tokens.tokens[0].prefix)).toBe(true)
    expect(tokens.tokens[0].lastUsedAt).not.toBeNull()
    const del = await revokeToken(app.request(`/api/tokens?id=${tokens.tokens[0].id}`, { method: 'DELETE', token: u.token }))
    expect(del.status).toBe(200)
    expect((await me(app.request('/api/auth/me', { token: u.token }))).status).toBe(401)
    expect((await me(app.request('/api/auth/me', { headers: { cookie: u.cookie } }))).status).toBe(200)
  })

  it('runs the participant path: join, upload, scored, leaderboard', async () => {
    const c = await seedCompetition(app, { images: 6, publicCount: 3 })
    const alice = await signUp(app, 'alice')
    const bob = await signUp(app, 'bob')
    const teamA = await joinComp(app, alice, c.slug)
    expect(teamA.name).toMatch(/^alice/)
    await joinComp(app, bob, c.slug)

    // Uploading before joining is refused.
    const carol = await signUp(app, 'carol')
    expect((await submit(app, carol, c.slug, submissionCsv(c.truth, () => 1))).status).toBe(403)

    const perfect = await submit(app, alice, c.slug, submissionCsv(c.truth, () => 1), 'perfect')
    expect(perfect.status).toBe(201)
    expect(perfect.body.submission).toMatchObject({ status: 'queued', publicScore: null })
    expect(perfect.body.quota).toMatchObject({ limit: 5, used: 1, remaining: 4 })
    const id = perfect.body.submission!.id
    const scored = await settled(app, id)
    expect(scored.status).toBe('scored')
    expect(scored.publicScore).toBeCloseTo(1, 6)
    expect(scored.privateScore).toBeCloseTo(1, 6)
    expect(await t.db.submissionScore.count({ where: { submissionId: id, testSetId: c.testSetId } })).toBe(1)

    // Bob: right on public images, wrong on private ones.
    const bobSub = await submit(app, bob, c.slug, submissionCsv(c.truth, (_i, pub) => (pub ? 0.5 : -1)))
    expect((await settled(app, bobSub.body.submission!.id)).status).toBe('scored')

    // The owner sees the public score; private and overall stay hidden before the reveal.
    const view = (await (await getSub(app.request(`/api/submissions/${id}`, { token: alice.token }), params({ id }))).json()) as { submission: Record<string, unknown> }
    expect(view.submission).toMatchObject({ status: 'scored', privateScore: null, score: null })
    expect(view.submission.publicScore as number).toBeCloseTo(1, 6)
    // Another team's submission does not exist for bob.
    expect((await getSub(app.request(`/api/submissions/${id}`, { token: bob.token }), params({ id }))).status).toBe(404)
    // Per-image scores: the public images' distribution only (tests/api/per-image-privacy.test.ts).
    const scores = (await (await perImage(app.request(`/api/submissions/${id}/scores`, { token: alice.token }), params({ id }))).json()) as { images?: unknown; public: { count: number } }
    expect(scores.images).toBeUndefined()
    expect(scores.public.count).toBe(3)

    const list = (await (await listSubs(app.request(`/api/competitions/${c.slug}/submissions`, { token: alice.token }), params({ slug: c.slug }))).json()) as { submissions: { id: string; privateScore: number | null }[] }
    expect(list.submissions.map((s) => s.id)).toEqual([id])
    expect(list.submissions[0].privateScore).toBeNull()

    const lbRes = await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard`), params({ slug: c.slug }))
    expect(lbRes.status).toBe(200)
    const lb = (await lbRes.json()) as { leaderboard: { rows: { rank: number; teamName: string; score: number; entries: number; members: string[] }[] } }
    expect(lb.leaderboard.rows.map((r) => [r.rank, r.teamName])).toEqual([
      [1, teamA.name],
      [2, expect.stringMatching(/^bob/)],
    ])
    expect(lb.leaderboard.rows[0]).toMatchObject({ entries: 1, members: ['alice'] })
    expect(JSON.stringify(lb)).not.toContain('privateScore')

    const csv = await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard?format=csv`), params({ slug: c.slug }))
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = (await csv.text()).trim().split('\n')
    expect(lines[0]).toBe('Rank,TeamId,TeamName,Members,Score,Entries,LastSubmission,HalfWidth95,TiedWithPrevious')
    expect(lines).toHaveLength(3)

    // Private leaderboard: hidden from participants (and anonymous) before the reveal.
    for (const token of [alice.token, undefined]) {
      const res = await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard?type=private`, { token }), params({ slug: c.slug }))
      expect(res.status).toBe(403)
    }
  })

  it('reports invalid submissions with the line, and they do not count', async () => {
    const c = await seedCompetition(app, { dailySubmissionLimit: 1 })
    const u = await signUp(app)
    await joinComp(app, u, c.slug)
    const csv = submissionCsv(c.truth, () => 1).replace(/\nimg000_5,[^\n]*/, '\nimg000_5,abc')
    const bad = await submit(app, u, c.slug, csv)
    expect(bad.status).toBe(201)
    const failed = await settled(app, bad.body.submission!.id)
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(/^Line 7: /)
    expect(failed.errorLine).toBe(7)
    const view = (await (await getSub(app.request(`/api/submissions/${failed.id}`, { token: u.token }), params({ id: failed.id }))).json()) as { submission: { error: string } }
    expect(view.submission.error).toBe(failed.error)
    // The failed one was given back: the single daily submission is still available.
    expect((await submit(app, u, c.slug, submissionCsv(c.truth, () => 1))).status).toBe(201)
    expect((await submit(app, u, c.slug, submissionCsv(c.truth, () => 1))).status).toBe(429)
  })

  it('accepts a multipart browser upload with a gzip file, streamed', async () => {
    const c = await seedCompetition(app)
    const u = await signUp(app)
    await joinComp(app, u, c.slug)
    const { gzipSync } = await import('node:zlib')
    const form = new FormData()
    form.append('description', 'from the browser')
    form.append('file', new Blob([gzipSync(submissionCsv(c.truth, () => 1))]), 'sub.csv.gz')
    form.append('kind', 'csv')
    const res = await upload(app.request(`/api/competitions/${c.slug}/submissions`, { method: 'POST', token: u.token, body: form }), params({ slug: c.slug }))
    expect(res.status).toBe(201)
    const body = (await res.json()) as { submission: { id: string; description: string; fileName: string } }
    expect(body.submission).toMatchObject({ description: 'from the browser', fileName: 'sub.csv.gz' })
    expect((await settled(app, body.submission.id)).publicScore).toBeCloseTo(1, 6)
  })

  it('keeps organizer-only routes for organizers', async () => {
    const c = await seedCompetition(app)
    const u = await signUp(app)
    const org = await makeOrganizer(app)
    const input = { slug: uniqueSlug('new'), title: 'New one', startAt: '2026-01-01T00:00:00Z', deadline: '2026-03-01T00:00:00Z' }
    expect((await createCompetition(app.request('/api/competitions', { json: input, token: u.token }))).status).toBe(403)
    expect((await createCompetition(app.request('/api/competitions', { json: input }))).status).toBe(401)
    const created = await createCompetition(app.request('/api/competitions', { json: input, token: org.token }))
    expect(created.status).toBe(201)
    const badDates = await createCompetition(app.request('/api/competitions', { json: { ...input, slug: uniqueSlug(), deadline: '2025-01-01T00:00:00Z' }, token: org.token }))
    expect(badDates.status).toBe(400)
    const patch = (body: unknown, token: string) => patchCompetition(app.request(`/api/competitions/${c.slug}`, { method: 'PATCH', json: body, token }), params({ slug: c.slug }))
    expect((await patch({ dailySubmissionLimit: 9 }, u.token)).status).toBe(403)
    expect((await patch({ dailySubmissionLimit: 9 }, org.token)).status).toBe(200)
    expect((await t.db.competition.findUniqueOrThrow({ where: { id: c.id } })).dailySubmissionLimit).toBe(9)
    expect((await reveal(app.request(`/api/competitions/${c.slug}/reveal`, { method: 'POST', token: u.token }), params({ slug: c.slug }))).status).toBe(403)
    // Before the deadline even the organizer cannot reveal.
    expect((await reveal(app.request(`/api/competitions/${c.slug}/reveal`, { method: 'POST', token: org.token }), params({ slug: c.slug }))).status).toBe(409)
    expect((await rescore(app.request(`/api/competitions/${c.slug}/rescore`, { method: 'POST', token: u.token }), params({ slug: c.slug }))).status).toBe(403)
    // A new competition is a draft: listed for organizers only.
    const list = (await (await listCompetitions(app.request('/api/competitions', { token: org.token }))).json()) as { competitions: { slug: string }[] }
    expect(list.competitions.map((x) => x.slug)).toContain(input.slug)
    const anonymous = (await (await listCompetitions(app.request('/api/competitions'))).json()) as { competitions: { slug: string }[] }
    expect(anonymous.competitions.map((x) => x.slug)).not.toContain(input.slug)
  })

  it('rescoring re-runs scored submissions against the active test set', async () => {
    const c = await seedCompetition(app)
    const u = await signUp(app)
    const org = await makeOrganizer(app)
    await joinComp(app, u, c.slug)
    const s = await submit(app, u, c.slug, submissionCsv(c.truth, () => 1))
    await settled(app, s.body.submission!.id)
    const res = await rescore(app.request(`/api/competitions/${c.slug}/rescore`, { method: 'POST', token: org.token }), params({ slug: c.slug }))
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ queued: 1 })
    const jobs = () => t.db.job.findMany({ where: { submissionId: s.body.submission!.id } })
    const { waitFor } = await import('../helpers/app.ts')
    await waitFor('the rescoring job', async () => (await jobs()).length === 2 && (await jobs()).every((j) => j.status === 'done'))
    expect((await t.db.submission.findUniqueOrThrow({ where: { id: s.body.submission!.id } })).status).toBe('scored')
  })
})

describe('OpenAPI document', () => {
  it('covers every route file under app/api', async () => {
    const doc = (await openapi().json()) as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toBe('3.1.0')
    const root = path.resolve(import.meta.dirname, '../../app/api')
    const routes: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name)
        if (statSync(full).isDirectory()) walk(full)
        else if (name === 'route.ts') routes.push(`/api/${path.relative(root, dir).split(path.sep).join('/')}`.replace(/\[(\w+)\]/g, '{$1}'))
      }
    }
    walk(root)
    expect(routes.filter((r) => !(r in doc.paths))).toEqual([])
  })
})
