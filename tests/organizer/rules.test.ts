// Optional competition rules: joining needs their acceptance, which is recorded on the membership.
import { expect, it } from 'vitest'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, useTestApp } from '../helpers/app.ts'
import { signUp } from '../api/users.ts'
import { POST as join } from '../../app/api/competitions/[slug]/join/route.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('refuses to join without accepting the rules, records the acceptance, and needs none without rules', async () => {
    const c = await seedCompetition(app)
    await t.db.competition.update({ where: { id: c.id }, data: { rules: '1. One account per person.' } })
    const u = await signUp(app)
    const p = params({ slug: c.slug })
    const refused = await join(app.request(`/api/competitions/${c.slug}/join`, { method: 'POST', token: u.token }), p)
    expect(refused.status).toBe(400)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rules_not_accepted')
    expect(await t.db.teamMember.count({ where: { userId: u.id } })).toBe(0)
    const ok = await join(app.request(`/api/competitions/${c.slug}/join`, { token: u.token, json: { acceptRules: true } }), p)
    expect(ok.status).toBe(200)
    const member = await t.db.teamMember.findFirstOrThrow({ where: { userId: u.id, competitionId: c.id } })
    expect(member.rulesAcceptedAt).toBeInstanceOf(Date)
    // Joining again is idempotent.
    expect((await join(app.request(`/api/competitions/${c.slug}/join`, { method: 'POST', token: u.token }), p)).status).toBe(200)

    const plain = await seedCompetition(app)
    const v = await signUp(app)
    expect((await join(app.request(`/api/competitions/${plain.slug}/join`, { method: 'POST', token: v.token }), params({ slug: plain.slug }))).status).toBe(200)
    expect((await t.db.teamMember.findFirstOrThrow({ where: { userId: v.id } })).rulesAcceptedAt).toBeNull()
  })
})
