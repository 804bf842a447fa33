// Join and merge requests wait for the receiving team's captain: only the captain decides (anyone
// else gets 404), declining and withdrawing leave no trace, accepting applies the rules of that
// moment, a merge request goes stale when the requester's team changed; renaming (captain only,
// unique names, the leaderboard shows the new name); the team page's form routes.
import { expect, it } from 'vitest'
import { POST as joinByCode } from '../../app/api/teams/join/route.ts'
import { POST as merge } from '../../app/api/competitions/[slug]/team/merge/route.ts'
import { GET as listRequests } from '../../app/api/competitions/[slug]/team/requests/route.ts'
import { POST as decide, DELETE as withdraw } from '../../app/api/competitions/[slug]/team/requests/[id]/route.ts'
import { GET as getTeam, PATCH as rename } from '../../app/api/competitions/[slug]/team/route.ts'
import { GET as leaderboard } from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import { POST as requestForm } from '../../app/(forms)/forms/team/request/route.ts'
import { POST as renameForm } from '../../app/(forms)/forms/team/rename/route.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, settled, submissionCsv, useTestApp } from '../helpers/app.ts'
import { joinComp, signUp, submit, type TestUser } from './users.ts'

interface RequestBody {
  id: string
  kind: 'join' | 'merge'
  teamName: string
  userName: string
  fromTeamName: string | null
  members: number
}

forEachDatabase((t) => {
  const app = useTestApp(t)
  const ask = async (u: TestUser, inviteCode: string) => {
    const res = await joinByCode(app.request('/api/teams/join', { json: { inviteCode }, token: u.token }))
    expect(res.status).toBe(202)
    return ((await res.json()) as { request: RequestBody }).request
  }
  const answer = (u: TestUser, slug: string, id: string, action: string) =>
    decide(app.request(`/api/competitions/${slug}/team/requests/${id}`, { json: { action }, token: u.token }), params({ slug, id }))
  const requestsOf = async (u: TestUser, slug: string) =>
    (await (await listRequests(app.request(`/api/competitions/${slug}/team/requests`, { token: u.token }), params({ slug }))).json()) as { incoming: RequestBody[]; outgoing: RequestBody[] }
  const members = async (u: TestUser, slug: string) =>
    ((await (await getTeam(app.request(`/api/competitions/${slug}/team`, { token: u.token }), params({ slug }))).json()) as { team: { members: { name: string; captain: boolean }[] } }).team.members
  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code

  it('a join request waits for the captain; members who are not the captain cannot decide it', async () => {
    const c = await seedCompetition(app, { maxTeamSize: 3 })
    const [cap, mate, asker, other] = await Promise.all(['cap', 'mate', 'asker', 'other'].map((n) => signUp(app, n)))
    const team = await joinComp(app, cap, c.slug)
    await answer(cap, c.slug, (await ask(mate, team.inviteCode)).id, 'accept')
    expect(await members(cap, c.slug)).toMatchObject([
      { name: 'cap', captain: true },
      { name: 'mate', captain: false },
    ])
    const pending = await ask(asker, team.inviteCode)
    expect(pending).toMatchObject({ kind: 'join', teamName: 'cap', userName: 'asker', members: 1 })
    // Not a member until accepted.
    expect(await t.db.teamMember.count({ where: { teamId: team.id } })).toBe(2)
    expect((await requestsOf(asker, c.slug)).outgoing.map((r) => r.id)).toEqual([pending.id])
    expect((await requestsOf(cap, c.slug)).incoming.map((r) => r.id)).toEqual([pending.id])
    for (const who of [mate, other, asker]) expect((await answer(who, c.slug, pending.id, 'accept')).status).toBe(404)
    expect((await answer(cap, c.slug, pending.id, 'maybe')).status).toBe(400)
    const ok = await answer(cap, c.slug, pending.id, 'accept')
    expect(ok.status).toBe(200)
    expect((await members(asker, c.slug)).map((m) => m.name)).toEqual(['cap', 'mate', 'asker'])
    expect(await t.db.teamRequest.count({ where: { competitionId: c.id } })).toBe(0)
  })

  it('declined and withdrawn requests are gone; accepting re-checks the team size', async () => {
    const c = await seedCompetition(app, { maxTeamSize: 2 })
    const [cap, x, y] = await Promise.all(['cap2', 'x', 'y'].map((n) => signUp(app, n)))
    const team = await joinComp(app, cap, c.slug)
    const rx = await ask(x, team.inviteCode)
    const ry = await ask(y, team.inviteCode)
    expect((await answer(cap, c.slug, rx.id, 'decline')).status).toBe(200)
    expect(await t.db.teamMember.count({ where: { teamId: team.id } })).toBe(1)
    const again = await ask(x, team.inviteCode)
    const w = await withdraw(app.request(`/api/competitions/${c.slug}/team/requests/${again.id}`, { method: 'DELETE', token: x.token }), params({ slug: c.slug, id: again.id }))
    expect(w.status).toBe(200)
    expect((await requestsOf(cap, c.slug)).incoming.map((r) => r.userName)).toEqual(['y'])
    const rx2 = await ask(x, team.inviteCode)
    expect((await answer(cap, c.slug, ry.id, 'accept')).status).toBe(200)
    // Full now (2): the older request from x cannot be accepted.
    const full = await answer(cap, c.slug, rx2.id, 'accept')
    expect(await code(full)).toBe('team_full')
    // x starts a team of their own: the request is stale and goes away when the captain answers.
    await joinComp(app, x, c.slug)
    expect(await code(await answer(cap, c.slug, rx2.id, 'accept'))).toBe('request_stale')
    expect(await t.db.teamRequest.count({ where: { id: rx2.id } })).toBe(0)
  })

  it('a merge request moves the whole team in when accepted, and goes stale when the requester changed team', async () => {
    const c = await seedCompetition(app, { maxTeamSize: 4 })
    const [a, b, b2, d] = await Promise.all(['alma', 'bo', 'bo2', 'dee'].map((n) => signUp(app, n)))
    const teamA = await joinComp(app, a, c.slug)
    const teamB = await joinComp(app, b, c.slug)
    await answer(b, c.slug, (await ask(b2, teamB.inviteCode)).id, 'accept')
    await settled(app, (await submit(app, b2, c.slug, submissionCsv(c.truth, () => 1))).body.submission!.id)
    // Only team B's captain may ask for the merge.
    const notCaptain = await merge(app.request(`/api/competitions/${c.slug}/team/merge`, { json: { inviteCode: teamA.inviteCode }, token: b2.token }), params({ slug: c.slug }))
    expect(notCaptain.status).toBe(403)
    const asked = await merge(app.request(`/api/competitions/${c.slug}/team/merge`, { json: { inviteCode: teamA.inviteCode }, token: b.token }), params({ slug: c.slug }))
    expect(asked.status).toBe(202)
    const { request } = (await asked.json()) as { request: RequestBody }
    expect(request).toMatchObject({ kind: 'merge', teamName: 'alma', fromTeamName: 'bo', members: 2 })
    expect((await requestsOf(a, c.slug)).incoming).toHaveLength(1)
    const ok = await answer(a, c.slug, request.id, 'accept')
    expect(ok.status).toBe(200)
    expect(await t.db.team.findUnique({ where: { id: teamB.id } })).toBeNull()
    expect((await members(b2, c.slug)).map((m) => m.name)).toEqual(['alma', 'bo', 'bo2'])
    expect(await t.db.submission.count({ where: { teamId: teamA.id } })).toBe(1)

    // dee asks to merge her team into A, then her team is dissolved and she starts a new one: stale.
    const teamD = await joinComp(app, d, c.slug)
    const dm = await merge(app.request(`/api/competitions/${c.slug}/team/merge`, { json: { inviteCode: teamA.inviteCode }, token: d.token }), params({ slug: c.slug }))
    const stale = ((await dm.json()) as { request: RequestBody }).request
    await t.db.team.delete({ where: { id: teamD.id } })
    await joinComp(app, d, c.slug)
    expect(await code(await answer(a, c.slug, stale.id, 'accept'))).toBe('request_stale')
    expect(await t.db.teamRequest.count({ where: { id: stale.id } })).toBe(0)
  })

  it('renames the team (captain only, unique names) and the leaderboard shows the new name', async () => {
    const c = await seedCompetition(app)
    const [cap, mate, rival] = await Promise.all(['rcap', 'rmate', 'rival'].map((n) => signUp(app, n)))
    const team = await joinComp(app, cap, c.slug)
    await answer(cap, c.slug, (await ask(mate, team.inviteCode)).id, 'accept')
    await joinComp(app, rival, c.slug)
    await settled(app, (await submit(app, cap, c.slug, submissionCsv(c.truth, () => 1))).body.submission!.id)
    const board = async () =>
      ((await (await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard`), params({ slug: c.slug }))).json()) as { leaderboard: { rows: { teamName: string }[] } }).leaderboard.rows.map((r) => r.teamName)
    expect(await board()).toEqual(['rcap'])
    const patch = (u: TestUser, name: string) => rename(app.request(`/api/competitions/${c.slug}/team`, { method: 'PATCH', json: { name }, token: u.token }), params({ slug: c.slug }))
    expect((await patch(mate, 'Mates')).status).toBe(403)
    expect(await code(await patch(cap, 'rival'))).toBe('name_taken')
    expect((await patch(cap, '   ')).status).toBe(400)
    const ok = await patch(cap, '  Vector Vikings ')
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { team: { name: string } }).team.name).toBe('Vector Vikings')
    expect(await board()).toEqual(['Vector Vikings'])
  })

  it('the team page forms accept requests and rename, answering with a notice or an error', async () => {
    const c = await seedCompetition(app)
    const [cap, asker] = await Promise.all(['fcap', 'fasker'].map((n) => signUp(app, n)))
    const team = await joinComp(app, cap, c.slug)
    const pending = await ask(asker, team.inviteCode)
    const form = (u: TestUser, route: typeof requestForm, fields: Record<string, string>) =>
      route(app.request('/forms/x', { method: 'POST', body: new URLSearchParams({ slug: c.slug, returnTo: `/competitions/${c.slug}/team`, ...fields }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: u.cookie } }))
    const accepted = await form(cap, requestForm, { requestId: pending.id, action: 'accept' })
    expect(accepted.status).toBe(303)
    expect(new URL(accepted.headers.get('location')!, 'http://x').searchParams.get('notice')).toBe('fasker joined your team.')
    const renamed = await form(asker, renameForm, { name: 'Not mine' })
    expect(new URL(renamed.headers.get('location')!, 'http://x').searchParams.get('error')).toMatch(/Only your team’s captain/)
    const byCaptain = await form(cap, renameForm, { name: 'Form Team' })
    expect(new URL(byCaptain.headers.get('location')!, 'http://x').searchParams.get('notice')).toBe('Your team is now called Form Team.')
  })
})
