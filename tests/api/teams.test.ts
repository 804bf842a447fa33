// Team rules: invite codes, team size, merging (deadline, size, Kaggle's submission allowance).
// Joining and merging are requests the receiving team's captain accepts (tests/api/team-requests.test.ts).
import { afterEach, expect, it } from 'vitest'
import { POST as joinByCode } from '../../app/api/teams/join/route.ts'
import { POST as merge } from '../../app/api/competitions/[slug]/team/merge/route.ts'
import { POST as decide } from '../../app/api/competitions/[slug]/team/requests/[id]/route.ts'
import { GET as getTeam, DELETE as leave } from '../../app/api/competitions/[slug]/team/route.ts'
import { setClock } from '../../lib/platform/clock.ts'
import { mergeSubmissionAllowance } from '../../lib/teams/teams.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, settled, submissionCsv, useTestApp } from '../helpers/app.ts'
import { joinComp, signUp, submit, type TestUser } from './users.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)
  afterEach(() => setClock(undefined))

  const byCode = (u: TestUser, inviteCode: string) => joinByCode(app.request('/api/teams/join', { json: { inviteCode }, token: u.token }))
  const mergeInto = (u: TestUser, slug: string, inviteCode: string) =>
    merge(app.request(`/api/competitions/${slug}/team/merge`, { json: { inviteCode }, token: u.token }), params({ slug }))
  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code
  /** The captain's answer to a pending request (the 202 answer of a join or merge request). */
  const accept = async (captain: TestUser, slug: string, asked: Response) => {
    expect(asked.status).toBe(202)
    const { request } = (await asked.json()) as { request: { id: string } }
    return decide(app.request(`/api/competitions/${slug}/team/requests/${request.id}`, { json: { action: 'accept' }, token: captain.token }), params({ slug, id: request.id }))
  }

  it('gives same-named users distinct team names, and joins teams by invite code up to the size limit', async () => {
    const c = await seedCompetition(app, { maxTeamSize: 2 })
    const a = await signUp(app, 'sam')
    const b = await signUp(app, 'sam')
    const x = await signUp(app, 'xavier')
    const teamA = await joinComp(app, a, c.slug)
    expect(teamA.name).toBe('sam')
    expect((await joinComp(app, a, c.slug)).id).toBe(teamA.id) // idempotent
    expect((await accept(a, c.slug, await byCode(b, teamA.inviteCode))).status).toBe(200)
    const res = await byCode(x, teamA.inviteCode)
    expect(res.status).toBe(409)
    expect(await code(res)).toBe('team_full')
    // b is in a team now: joining the competition again returns that team.
    expect((await joinComp(app, b, c.slug)).id).toBe(teamA.id)
    // x gets its own team; then cannot join another by code.
    const teamX = await joinComp(app, x, c.slug)
    expect(teamX.name).toBe('xavier')
    const again = await byCode(x, teamA.inviteCode)
    expect(await code(again)).toBe('already_in_team')
    const third = await signUp(app, 'sam')
    expect((await joinComp(app, third, c.slug)).name).toBe('sam (2)')
    const view = (await (await getTeam(app.request(`/api/competitions/${c.slug}/team`, { token: b.token }), params({ slug: c.slug }))).json()) as { team: { members: { name: string }[] } }
    expect(view.team.members.map((m) => m.name)).toEqual(['sam', 'sam'])
    expect((await byCode(x, 'no-such-code')).status).toBe(404)
  })

  it('merges teams within the rules and keeps every submission', async () => {
    const c = await seedCompetition(app, { maxTeamSize: 3, dailySubmissionLimit: 2, startAt: new Date(Date.now() - 3_600_000) })
    const [a, b, d, e] = await Promise.all(['ann', 'ben', 'dan', 'eve'].map((n) => signUp(app, n)))
    const teamA = await joinComp(app, a, c.slug)
    const teamB = await joinComp(app, b, c.slug)
    const csv = submissionCsv(c.truth, () => 1)
    // Day 1 of the competition: the allowance is 2 × 1 day.
    const startAt = new Date('2026-11-01T12:00:00Z')
    expect(mergeSubmissionAllowance({ startAt, dailySubmissionLimit: 2 }, new Date('2026-11-01T13:00:00Z'))).toBe(2)
    expect(mergeSubmissionAllowance({ startAt, dailySubmissionLimit: 2 }, new Date('2026-11-03T13:00:00Z'))).toBe(6)
    const s1 = await submit(app, a, c.slug, csv)
    const s2 = await submit(app, b, c.slug, csv)
    const s3 = await submit(app, b, c.slug, csv)
    for (const s of [s1, s2, s3]) await settled(app, s.body.submission!.id)
    const tooMany = await mergeInto(b, c.slug, teamA.inviteCode)
    expect(tooMany.status).toBe(409)
    expect(await code(tooMany)).toBe('too_many_submissions')

    // Two days later the allowance is 2 × 3 days = 6: the merge goes through.
    setClock(() => new Date(Date.now() + 2 * 86_400_000))
    const ok = await accept(a, c.slug, await mergeInto(b, c.slug, teamA.inviteCode))
    expect(ok.status).toBe(200)
    const merged = (await ok.json()) as { team: { id: string; members: { name: string }[] } }
    expect(merged.team.id).toBe(teamA.id)
    expect(merged.team.members.map((m) => m.name).sort()).toEqual(['ann', 'ben'])
    expect(await t.db.submission.count({ where: { teamId: teamA.id } })).toBe(3)
    expect(await t.db.team.findUnique({ where: { id: teamB.id } })).toBeNull()

    // Size: ann+ben (2) + dan+eve (2) > 3.
    const teamD = await joinComp(app, d, c.slug)
    expect((await accept(d, c.slug, await byCode(e, teamD.inviteCode))).status).toBe(200)
    const tooLarge = await mergeInto(d, c.slug, teamA.inviteCode)
    expect(await code(tooLarge)).toBe('team_too_large')
    // Own team, unknown code.
    expect(await code(await mergeInto(a, c.slug, teamA.inviteCode))).toBe('same_team')
    expect((await mergeInto(a, c.slug, 'nope')).status).toBe(404)
  })

  it('refuses merges and invites after the merger deadline', async () => {
    const c = await seedCompetition(app, { mergerDeadline: new Date(Date.now() + 60_000) })
    const a = await signUp(app)
    const b = await signUp(app)
    const x = await signUp(app)
    const teamA = await joinComp(app, a, c.slug)
    await joinComp(app, b, c.slug)
    setClock(() => new Date(Date.now() + 120_000))
    expect(await code(await mergeInto(b, c.slug, teamA.inviteCode))).toBe('merger_deadline')
    expect(await code(await byCode(x, teamA.inviteCode))).toBe('merger_deadline')
  })

  it('lets members leave, but not the last member of a team with submissions', async () => {
    const c = await seedCompetition(app)
    const a = await signUp(app)
    const b = await signUp(app)
    const teamA = await joinComp(app, a, c.slug)
    expect((await accept(a, c.slug, await byCode(b, teamA.inviteCode))).status).toBe(200)
    await settled(app, (await submit(app, a, c.slug, submissionCsv(c.truth, () => 1))).body.submission!.id)
    const leaveAs = (u: TestUser) => leave(app.request(`/api/competitions/${c.slug}/team`, { method: 'DELETE', token: u.token }), params({ slug: c.slug }))
    expect((await leaveAs(b)).status).toBe(200)
    const last = await leaveAs(a)
    expect(last.status).toBe(409)
    expect(await code(last)).toBe('team_has_submissions')
  })
})
