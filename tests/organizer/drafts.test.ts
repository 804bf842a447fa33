// Draft → published: a new competition is invisible to participants and anonymous visitors (every
// page-backing API answers 404, it is not listed, not joinable) until an organizer publishes it,
// which needs an active test set.
import { expect, it } from 'vitest'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, uniqueSlug, useTestApp } from '../helpers/app.ts'
import { makeOrganizer, signUp } from '../api/users.ts'
import { GET as list, POST as create } from '../../app/api/competitions/route.ts'
import { GET as getOne } from '../../app/api/competitions/[slug]/route.ts'
import { POST as join } from '../../app/api/competitions/[slug]/join/route.ts'
import { POST as joinByCode } from '../../app/api/teams/join/route.ts'
import { GET as leaderboard } from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import { GET as examples } from '../../app/api/competitions/[slug]/examples/route.ts'
import { GET as sample } from '../../app/api/competitions/[slug]/sample-submission/route.ts'
import { GET as submissions } from '../../app/api/competitions/[slug]/submissions/route.ts'
import { GET as team } from '../../app/api/competitions/[slug]/team/route.ts'
import { POST as publish } from '../../app/api/competitions/[slug]/publish/route.ts'
import { POST as unpublish } from '../../app/api/competitions/[slug]/unpublish/route.ts'
import { isVisibleTo } from '../../lib/competitions/competitions.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('isVisibleTo: drafts for organizers only', () => {
    expect(isVisibleTo(null, { publishedAt: null })).toBe(false)
    expect(isVisibleTo({ role: 'participant' }, { publishedAt: null })).toBe(false)
    expect(isVisibleTo({ role: 'organizer' }, { publishedAt: null })).toBe(true)
    expect(isVisibleTo(null, { publishedAt: new Date() })).toBe(true)
  })

  it('hides a draft from participants and anonymous visitors until it is published', async () => {
    const org = await makeOrganizer(app)
    const participant = await signUp(app)
    const slug = uniqueSlug('draft')
    const created = await create(app.request('/api/competitions', { token: org.token, json: { slug, title: 'Draft', startAt: new Date(Date.now() - 86_400_000).toISOString(), deadline: new Date(Date.now() + 86_400_000).toISOString() } }))
    expect(created.status).toBe(201)
    expect(((await created.json()) as { competition: { published: boolean } }).competition.published).toBe(false)

    // The attack: GET every page-backing route of the draft as a participant and signed out → 404.
    const p = params({ slug })
    for (const token of [participant.token, undefined]) {
      const get = (path: string) => app.request(`/api/competitions/${slug}${path}`, { token })
      expect((await getOne(get(''), p)).status).toBe(404)
      expect((await leaderboard(get('/leaderboard'), p)).status).toBe(404)
      expect((await examples(get('/examples'), p)).status).toBe(404)
      expect((await sample(get('/sample-submission'), p)).status).toBe(404)
      const slugs = ((await (await list(app.request('/api/competitions', { token }))).json()) as { competitions: { slug: string }[] }).competitions.map((c) => c.slug)
      expect(slugs).not.toContain(slug)
    }
    expect((await submissions(app.request(`/api/competitions/${slug}/submissions`, { token: participant.token }), p)).status).toBe(404)
    expect((await team(app.request(`/api/competitions/${slug}/team`, { token: participant.token }), p)).status).toBe(404)
    const joined = await join(app.request(`/api/competitions/${slug}/join`, { method: 'POST', token: participant.token }), p)
    expect(joined.status).toBe(404)
    expect(await t.db.teamMember.count({ where: { userId: participant.id } })).toBe(0)
    // Nor does a draft team's invite code open it (an organizer's own team in the draft).
    const orgTeam = await join(app.request(`/api/competitions/${slug}/join`, { method: 'POST', token: org.token }), p)
    expect(orgTeam.status).toBe(200)
    const { team: draftTeam } = (await orgTeam.json()) as { team: { inviteCode: string } }
    const byCode = await joinByCode(app.request('/api/teams/join', { token: participant.token, json: { inviteCode: draftTeam.inviteCode } }))
    expect(byCode.status).toBe(404)
    expect(await t.db.teamRequest.count({ where: { userId: participant.id } })).toBe(0)

    // Organizers see it; it cannot be published without an active test set; participants cannot publish.
    expect((await getOne(app.request(`/api/competitions/${slug}`, { token: org.token }), p)).status).toBe(200)
    expect((await publish(app.request(`/api/competitions/${slug}/publish`, { method: 'POST', token: participant.token }), p)).status).toBe(403)
    const early = await publish(app.request(`/api/competitions/${slug}/publish`, { method: 'POST', token: org.token }), p)
    expect(early.status).toBe(409)
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('no_active_testset')
  })

  it('publishes and unpublishes a competition with an active test set', async () => {
    const org = await makeOrganizer(app)
    const participant = await signUp(app)
    const c = await seedCompetition(app)
    await t.db.competition.update({ where: { id: c.id }, data: { publishedAt: null } })
    const p = params({ slug: c.slug })
    expect((await getOne(app.request(`/api/competitions/${c.slug}`, { token: participant.token }), p)).status).toBe(404)
    const res = await publish(app.request(`/api/competitions/${c.slug}/publish`, { method: 'POST', token: org.token }), p)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { competition: { published: boolean } }).competition.published).toBe(true)
    expect((await getOne(app.request(`/api/competitions/${c.slug}`, { token: participant.token }), p)).status).toBe(200)
    expect((await join(app.request(`/api/competitions/${c.slug}/join`, { method: 'POST', token: participant.token }), p)).status).toBe(200)
    const anonymous = ((await (await list(app.request('/api/competitions'))).json()) as { competitions: { slug: string }[] }).competitions.map((x) => x.slug)
    expect(anonymous).toContain(c.slug)

    expect((await unpublish(app.request(`/api/competitions/${c.slug}/unpublish`, { method: 'POST', token: org.token }), p)).status).toBe(200)
    expect((await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard`, { token: participant.token }), p)).status).toBe(404)
  })
})
